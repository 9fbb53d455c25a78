"""Declarative command routing: aliases in English and Chinese, arguments parsed here, once.

A command is registered with `@router.command(...)`; the router finds it by the longest alias
at the start of the text (any case, optional leading `/`), checks the sender's role, parses the
declared parameters and `key:value` options, and calls `handler(ctx, **args)`, which returns
`list[Reply]`. Everything a user typed wrong is reported in one reply, with a correct example.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate

from commands.context import Context, Reply, role_allows
from commands.lang import detect
from commands.sanitize import inert

# A command handler: the context first, then the parsed arguments by name; what it says back.
Handler = Callable[Concatenate[Context, ...], list[Reply]]
# A parameter kind: (ctx, text) -> (value, remaining text, error as (zh, en) or None).
KindParser = Callable[[Context, str], tuple[Any, str, "tuple[str, str] | None"]]

ROLE_NAMES = {"interviewer": ("面试官", "interviewer"), "hr": ("HR", "HR"),
              "admin": ("管理员", "admin")}


class Ask(tuple[str, str]):
    """A problem (zh, en) that is also a question: the sender's next message may answer it.

    `part` is the piece of the command asked about, inside `matched` (the phrase it sits in);
    `how` says how an answer fits in (see commands.conversation); `choices` are numbered
    answers as (label zh, label en, text put in place of the part).
    """

    part: str
    matched: str
    how: str
    choices: tuple[tuple[str, str, str], ...]
    at: str
    prefix: tuple[str, str]

    def __new__(cls, zh: str, en: str, *, part: str = "", matched: str = "",
                how: str = "replace", choices: tuple[tuple[str, str, str], ...] = (),
                at: str = "end", prefix: tuple[str, str] = ("", "")) -> Ask:
        obj = super().__new__(cls, (zh, en))
        obj.part, obj.matched, obj.how, obj.choices = part, matched or part, how, choices
        obj.at, obj.prefix = at, prefix
        return obj


class CommandError(Exception):
    """A problem the user can fix; its text (zh, en) is the reply.

    With `question`, the reply asks something the sender's next message may answer.
    """

    def __init__(self, zh: str, en: str, question: Ask | None = None):
        super().__init__(en)
        self.zh, self.en, self.question = zh, en, question


@dataclass(frozen=True)
class Param:
    """A positional argument: kind is id, int, word, text, or a registered kind."""

    name: str
    kind: str = "word"
    required: bool = True
    label: tuple[str, str] = ("", "")  # (zh, en) name shown when it is missing
    # When it is missing, an answer to "who/what?" goes at the start or end of the arguments,
    # after this keyword (面试官 …): where this parameter's kind looks for it.
    answer_at: str = "end"
    answer_prefix: tuple[str, str] = ("", "")
    limit: int = 0                     # characters, for kind "text"; 0 means FIELD_LIMIT


@dataclass(frozen=True)
class Option:
    """A `key:value` option; the value runs to the next option or the end of the text."""

    name: str
    aliases: tuple[str, ...]
    kind: str = "text"
    limit: int = 0                     # characters, for kind "text"; 0 means FIELD_LIMIT


@dataclass(frozen=True)
class Command:
    """A registered command."""

    name: str
    handler: Handler
    en: tuple[str, ...]
    zh: tuple[str, ...]
    role: str = "interviewer"
    params: tuple[Param, ...] = ()
    options: tuple[Option, ...] = ()
    summary: tuple[str, str] = ("", "")
    usage: tuple[str, str] = ("", "")
    example: tuple[str, str] = ("", "")
    group: bool = True       # may be used in a group chat
    hidden: bool = False     # left out of the help list

    def text(self, pair: tuple[str, str], lang: str) -> str:
        """Pick the zh or en half of a (zh, en) pair."""
        return pair[0] if lang == "zh" else pair[1]

    def with_usage(self, zh: str, en: str) -> tuple[str, str]:
        """A problem (zh, en) followed by this command's usage and example."""
        return (f"{zh}\n用法：{self.usage[0]}\n例如：{self.example[0]}",
                f"{en}\nUsage: {self.usage[1]}\nExample: {self.example[1]}")

    def refusal(self, problems: list[tuple[str, str]]) -> CommandError:
        """The one error for what the user typed wrong: every problem, then usage and example."""
        zh = "；".join(z for z, _ in problems)
        en = "; ".join(e for _, e in problems)
        return CommandError(*self.with_usage(f"{zh}。", f"{en[0].upper() + en[1:]}."))


# Every free-text field (reasons, notes, names, positions) is refused over its limit, with a
# reply that says so, rather than stored cut or passed on whole: a 60,000-character reason once
# became 89 messages to HR. A whole message is refused over MESSAGE_LIMIT before any parsing.
FIELD_LIMIT = 500
MESSAGE_LIMIT = 2000


def too_long(label: tuple[str, str], length: int, limit: int) -> tuple[str, str]:
    """The (zh, en) problem for a field over its limit."""
    return (f"{label[0] or '这一项'}太长了（{length} 字，最多 {limit} 字），请缩短后再发",
            f"{label[1] or 'a value'} is too long ({length} characters, {limit} at most); "
            "please shorten it")


def _check_length(kind: str, limit: int, label: tuple[str, str], value: Any,
                  problems: list[tuple[str, str]]) -> None:
    limit = limit or FIELD_LIMIT
    if kind == "text" and isinstance(value, str) and len(value) > limit:
        problems.append(too_long(label, len(value), limit))


def _normalise(text: str) -> str:
    table = str.maketrans({"\u3000": " ", "＃": "#", "／": "/", "？": "?", "\u00a0": " "})
    return re.sub(r"\s+", " ", text.translate(table)).strip()


def normalise(text: str) -> str:
    """A message as the router reads it: one space between words, no leading '/'."""
    return _normalise(text).lstrip("/").strip()


def _is_cjk(s: str) -> bool:
    return detect(s) == "zh"


# Politeness before a command and particles/punctuation after it: 请安排…, 我的面试呢？
_POLITE_HEAD = re.compile(r"^(?:请问|请你|请帮我|请|麻烦你?|帮我|帮忙|能不能|可以|我想|我要|please\s+|pls\s+"
                          r"|can you\s+|could you\s+|show me\s+)", re.IGNORECASE)
# Closing punctuation, and a particle standing as its own last word or after a number
# (… 面试官 李四 吧, 取消#2吧): never an argument. A particle joined to a word (李四吧) stays,
# and the name is asked about; 吗 stays too: "安排 … 吗" asks, it does not tell.
_END_PUNCT = re.compile(r"(?:[\s。.！!？?~～…]|(?<=[\s\d])(?:呢|吧|嘛|啊|呀|哦|哈))+$")
_PARTICLES = re.compile(r"(?:[\s。.！!？?~～…，,]|呢|吧|吗|嘛|啊|呀|哦|哈|了)*")
_PARTICLE_TAIL = re.compile(r"(?:[\s。.！!？?~～…，,]|呢|吧|吗|嘛|啊|呀|哦|哈|了|一下|下)+$")
_GREETINGS = frozenset({"你好", "您好", "你好啊", "嗨", "哈喽", "哈啰", "在", "在么", "早", "早上好",
                        "下午好", "晚上好", "hi", "hello", "hey", "hi there", "hello there",
                        "good morning", "good afternoon", "good evening", "yo"})


def _end_trimmed(text: str) -> str:
    """text without closing punctuation, unless that is all there is ("?" asks for help)."""
    return _END_PUNCT.sub("", text) or text


def greeting(text: str) -> bool:
    """True for a message that only says hello (你好, hi, 在吗？)."""
    t = _PARTICLE_TAIL.sub("", normalise(text).lower()).strip(" ,，!！")
    return t in _GREETINGS


def _prefix_len(lowered: str, alias: str) -> int:
    """Length of the text's prefix that spells `alias` (English words may add or drop a
    plural s: "my interview" for "my interviews"); -1 if it does not start with it."""
    if lowered.startswith(alias):
        return len(alias)
    if _is_cjk(alias):
        return -1
    words = alias.split(" ")
    pos = 0
    for i, w in enumerate(words):
        if i:
            if not lowered.startswith(" ", pos):
                return -1
            pos += 1
        forms = (w, w[:-1]) if w.endswith("s") and len(w) > 3 else (w + "s", w)
        for f in forms:
            end = pos + len(f)
            if lowered.startswith(f, pos) and (end == len(lowered) or not lowered[end].isalpha()):
                pos = end
                break
        else:
            return -1
    return pos


def _parse_id(ctx: Context, text: str) -> tuple[Any, str, tuple[str, str] | None]:
    m = re.search(r"#\s*(\d{1,9})\b", text) or re.match(r"\s*(\d{1,9})\b", text)
    if not m:
        return None, text, None
    return int(m.group(1)), (text[:m.start()] + " " + text[m.end():]).strip(), None


def _parse_int(ctx: Context, text: str) -> tuple[Any, str, tuple[str, str] | None]:
    m = re.search(r"(?<![#\w])(\d{1,9})\b", text)
    if not m:
        return None, text, None
    return int(m.group(1)), (text[:m.start()] + " " + text[m.end():]).strip(), None


def _parse_word(ctx: Context, text: str) -> tuple[Any, str, tuple[str, str] | None]:
    parts = text.split(None, 1)
    if not parts:
        return None, text, None
    return parts[0], parts[1] if len(parts) > 1 else "", None


def _parse_text(ctx: Context, text: str) -> tuple[Any, str, tuple[str, str] | None]:
    return (text.strip() or None), "", None


@dataclass
class Router:
    """The command table; the first (longest) matching alias wins."""

    commands: list[Command] = field(default_factory=list)
    kinds: dict[str, KindParser] = field(default_factory=lambda: {
        "id": _parse_id, "int": _parse_int, "word": _parse_word, "text": _parse_text})

    def command(self, name: str, *, en: tuple[str, ...] = (), zh: tuple[str, ...] = (),
                **kw: Any) -> Callable[[Handler], Handler]:
        """Register the decorated function as command `name` (its English name)."""
        def register(fn: Handler) -> Handler:
            self.add(Command(name=name, handler=fn, en=(name, *en), zh=zh, **kw))
            return fn
        return register

    def add(self, cmd: Command) -> None:
        """Add a command, refusing clashing aliases and unknown parameter kinds."""
        taken = {a: c.name for c in self.commands for a in (*c.en, *c.zh)}
        for alias in (*cmd.en, *cmd.zh):
            if alias.lower() != alias or alias.strip() != alias or not alias:
                raise ValueError(f"alias {alias!r} must be lower-case and trimmed")
            if alias in taken:
                raise ValueError(f"alias {alias!r} of {cmd.name} is taken by {taken[alias]}")
        fields: tuple[Param | Option, ...] = (*cmd.params, *cmd.options)
        for p in fields:
            if p.kind not in self.kinds:
                raise ValueError(f"unknown parameter kind {p.kind!r} in {cmd.name}")
        self.commands.append(cmd)

    def kind(self, name: str) -> Callable[[KindParser], KindParser]:
        """Register a parameter kind parser."""
        def register(fn: KindParser) -> KindParser:
            self.kinds[name] = fn
            return fn
        return register

    def match(self, text: str) -> tuple[Command, str, str] | None:
        """Find (command, alias used, rest of the text) for a message, or None.

        Forgiving about what surrounds a command: 请/帮我 before it, particles and punctuation
        after it (我的面试呢？), case and a plural "s" in English (my interview, My Interviews).
        """
        text = _end_trimmed(normalise(text))   # a closing ?。! is never an argument
        found = self._match(text)
        bare = _POLITE_HEAD.sub("", text).strip()
        if bare and bare != text:
            other = self._match(bare)
            if other is not None and (found is None or len(other[1]) > len(found[1])):
                found = other
        if found is not None and _PARTICLES.fullmatch(found[2]):
            found = (found[0], found[1], "")   # 我的面试呢: nothing but a particle after it
        return found

    def _match(self, text: str) -> tuple[Command, str, str] | None:
        # The alias that covers most of the text; spelt exactly as written wins a tie over
        # one with a plural "s" added or dropped ("interview #12" is not "interviews").
        best: tuple[int, bool, tuple[Command, str, str]] | None = None
        for exact in (True, False):
            found = self._match_by(text, exact)
            if found is None:
                continue
            used = text.rfind(found[2]) if found[2] else len(text)
            if best is None or used > best[0]:
                best = (used, exact, found)
        return best[2] if best else None

    def _match_by(self, text: str, exact: bool) -> tuple[Command, str, str] | None:
        lowered = text.lower()
        best: tuple[Command, str, str] | None = None
        for cmd in self.commands:
            for alias in (*cmd.en, *cmd.zh):
                n = (len(alias) if lowered.startswith(alias) else -1) if exact \
                    else _prefix_len(lowered, alias)
                if n < 0:
                    continue
                after = text[n:]
                # English aliases end at a word boundary; Chinese ones may run into the args.
                if after and not (after[0] in " #" or _is_cjk(alias) or _is_cjk(after[0])):
                    continue
                if best is None or len(alias) > len(best[1]):
                    best = (cmd, alias, after.strip())
        return best

    def dispatch(self, ctx: Context, text: str) -> list[Reply]:
        """Route one text message: an answer to the question last asked, or a command."""
        from commands import conversation  # the data layer; imported late, router stays light

        if len(text) > MESSAGE_LIMIT:
            ctx.lang = detect(text[:200])
            return [Reply(ctx.t(f"消息太长了（{len(text)} 字，最多 {MESSAGE_LIMIT} 字），"
                                "没有处理。请缩短后再发。",
                                f"That message is too long ({len(text)} characters, "
                                f"{MESSAGE_LIMIT} at most); nothing was done. Please shorten "
                                "it."))]

        text = normalise(text)
        pending = conversation.live(ctx)
        if pending is not None:
            if conversation.is_cancel(text):
                ctx.lang = pending.lang
                conversation.drop(ctx)
                return [Reply(ctx.t("好的，刚才的问题不用回答了，什么也没有做。",
                                    "OK, dropped that question; nothing was done."))]
            if self.match(text) is None and not greeting(text) and conversation.short(text):
                ctx.lang = pending.lang
                new_text, problem = conversation.apply(ctx, pending, text)
                if problem is not None:
                    return [Reply(ctx.t(*problem))]   # the question stays open
                conversation.drop(ctx)
                return self.run(ctx, new_text)
            conversation.drop(ctx)   # a new command replaces the question
        return self.run(ctx, text)

    def run(self, ctx: Context, text: str) -> list[Reply]:
        """Run one command text (no pending question involved)."""
        from commands import conversation

        text = _end_trimmed(text)   # as match() reads it, so offsets agree
        if greeting(text):
            ctx.lang = detect(text)
            return [Reply(self.greet(ctx))]
        found = self.match(text)
        if found is None:
            ctx.lang = detect(text)
            return [Reply(self.unknown(ctx, text))]
        cmd, alias, rest = found
        ctx.lang = "zh" if _is_cjk(alias) else "en"
        if not role_allows(ctx.sender.role, cmd.role):
            zh, en = ROLE_NAMES[cmd.role]
            return [Reply(ctx.t(f"「{alias}」需要 {zh} 权限。输入「帮助」查看你可用的命令。",
                                f"“{alias}” needs the {en} role. Send “help” to see "
                                "the commands you can use."))]
        if ctx.chat == "group" and not cmd.group:
            return [Reply(ctx.t(f"「{alias}」请在与我的单聊中使用。",
                                f"Please use “{alias}” in a one-to-one chat with me."))]
        try:
            args = self.parse_args(ctx, cmd, rest)
            return cmd.handler(ctx, **args)
        except CommandError as exc:
            reply = ctx.t(exc.zh, exc.en)
            if exc.question is not None and conversation.save(ctx, text, rest, exc.question):
                reply += ctx.t("\n（直接回复即可，10 分钟内有效；发送「算了」放弃。）",
                               "\n(Just reply with the answer within 10 minutes; "
                               "“cancel” drops the question.)")
            return [Reply(reply)]

    def greet(self, ctx: Context) -> str:
        """A short bilingual welcome with the three most useful commands for the sender's role."""
        top = {"interviewer": ("my interviews", "today", "feedback"),
               "hr": ("schedule", "interviews", "my interviews"),
               "admin": ("schedule", "interviews", "role")}.get(ctx.sender.role,
                                                               ("my interviews", "today", "help"))
        by_name = {c.name: c for c in self.commands}
        cmds = [by_name[n] for n in top if n in by_name]
        zh = "；".join(f"「{c.zh[0] if c.zh else c.name}」{c.summary[0]}" for c in cmds)
        en = "; ".join(f"“{c.name}” ({c.summary[1]})" for c in cmds)
        hello_zh = f"你好，我是面试助手。常用：{zh}。发送「帮助」查看全部。"
        hello_en = f"Hi, I'm the interview assistant. Most used: {en}. Send “help” for all."
        first, second = (hello_zh, hello_en) if ctx.lang == "zh" else (hello_en, hello_zh)
        return f"{first}\n{second}"

    def parse_args(self, ctx: Context, cmd: Command, rest: str) -> dict[str, Any]:
        """Parse options and parameters; raise one CommandError naming every problem."""
        values: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        rest = self._take_options(ctx, cmd, rest, values, problems)
        for p in cmd.params:
            value, rest, error = self.kinds[p.kind](ctx, rest)
            if error:
                problems.append(error)
            elif value is None and p.required:
                zh_l, en_l = p.label[0] or p.name, p.label[1] or p.name
                problems.append(Ask(f"缺少{zh_l}", f"missing {en_l}", how="add", at=p.answer_at,
                                    prefix=p.answer_prefix))
            else:
                _check_length(p.kind, p.limit, p.label, value, problems)
            values[p.name] = value
        if rest.strip():   # text nobody consumed: say so rather than silently ignore it
            shown = inert(rest)
            problems.append((f"看不懂「{shown}」", f"unexpected “{shown}”"))
        if len(problems) == 1 and isinstance(problems[0], Ask):
            # One question: ask it alone, so that a one-line answer completes the command.
            q = problems[0]
            zh, en = q[0], q[1][0].upper() + q[1][1:]
            if q.how == "add":
                zh, en = cmd.with_usage(f"{zh}。直接回复即可。", f"{en}. Just reply with it.")
            raise CommandError(zh, en, question=q)
        if problems:
            raise cmd.refusal(problems)
        return values

    def _take_options(self, ctx: Context, cmd: Command, rest: str, values: dict[str, Any],
                      problems: list[tuple[str, str]]) -> str:
        if not cmd.options:
            return rest
        by_alias = {a: o for o in cmd.options for a in o.aliases}
        keys = "|".join(re.escape(a) for a in sorted(by_alias, key=len, reverse=True))
        pattern = re.compile(rf"(?:(?<=\s)|^)({keys})\s*[:：]\s*", re.IGNORECASE)
        found = list(pattern.finditer(rest))
        for o in cmd.options:
            values.setdefault(o.name, None)
        for i, m in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else len(rest)
            opt = by_alias[m.group(1).lower()]
            raw = rest[m.end():end].strip()
            value, leftover, error = self.kinds[opt.kind](ctx, raw)
            if error:
                problems.append(error)
            else:
                cjk = [a for a in opt.aliases if _is_cjk(a)]
                _check_length(opt.kind, opt.limit, (cjk[0] if cjk else opt.name, opt.name),
                              value, problems)
            values[opt.name] = value
        return rest[:found[0].start()].strip() if found else rest

    def unknown(self, ctx: Context, text: str) -> str:
        """The reply to text that matches no command: the corrected command if it is a typo
        (quoted, ready to send; nothing is done), else a pointer to help."""
        shown = inert(_normalise(text))   # echoed user text: never a link or markup
        fixed = self.correct(ctx, normalise(text))
        if fixed is not None:
            line = inert(fixed, 200)
            return ctx.t(f"没看懂「{shown}」。你是不是想发：\n{line}\n"
                         "（我什么也没做；是的话请发送上面这句。）",
                         f"I didn't understand “{shown}”. Did you mean:\n{line}\n"
                         "(Nothing was done; send that line if so.)")
        return ctx.t(f"没看懂「{shown}」。输入「帮助」查看命令。",
                     f"I didn't understand “{shown}”. Send “help” to see what I can do.")

    def correct(self, ctx: Context, text: str) -> str | None:
        """The message with its command word corrected, if exactly one command is one typo
        away (安拍 → 安排, 我得面试 → 我的面试, shedule → schedule)."""
        allowed = [c for c in self.commands if role_allows(ctx.sender.role, c.role)]
        lowered = text.lower()
        fixes: dict[str, str] = {}
        for c in allowed:
            for alias in (*c.en, *c.zh):
                if len(alias) < 2:
                    continue
                if _is_cjk(alias):
                    # Same length, one character different (安拍/安排, 我得面试/我的面试).
                    head = lowered[:len(alias)]
                    after = text[len(alias):]
                    ok = len(head) == len(alias) and _one_edit(head, alias)
                else:
                    word = " ".join(lowered.split(" ")[:len(alias.split(" "))])
                    head, after = word, text[len(word):]
                    ok = len(alias) >= 4 and _one_edit(word, alias)
                if ok and self._match(alias + after) is not None:
                    fixes[alias + after] = c.name
        return next(iter(fixes)) if len(set(fixes.values())) == 1 else None

def _one_edit(a: str, b: str) -> bool:
    """True if a and b differ by exactly one substitution, insertion, deletion or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))

