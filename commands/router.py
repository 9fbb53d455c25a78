"""Declarative command routing: aliases in English and Chinese, arguments parsed here, once.

A command is registered with `@router.command(...)`; the router finds it by the longest alias
at the start of the text (any case, optional leading `/`), checks the sender's role, parses the
declared parameters and `key:value` options, and calls `handler(ctx, **args)`. Everything a user
typed wrong is reported in one reply, with a correct example.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from commands.context import Context, Reply, role_allows
from commands.lang import detect
from commands.sanitize import inert

Handler = Callable[..., "Reply | list[Reply] | str | None"]
# A parameter kind: (ctx, text) -> (value, remaining text, error as (zh, en) or None).
KindParser = Callable[[Context, str], tuple[Any, str, "tuple[str, str] | None"]]

ROLE_NAMES = {"interviewer": ("面试官", "interviewer"), "hr": ("HR", "HR"),
              "admin": ("管理员", "admin")}


class CommandError(Exception):
    """A problem the user can fix; its text (zh, en) is the reply."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Param:
    """A positional argument: kind is id, int, word, text, or a registered kind."""

    name: str
    kind: str = "word"
    required: bool = True
    label: tuple[str, str] = ("", "")  # (zh, en) name shown when it is missing


@dataclass(frozen=True)
class Option:
    """A `key:value` option; the value runs to the next option or the end of the text."""

    name: str
    aliases: tuple[str, ...]
    kind: str = "text"


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


def _normalise(text: str) -> str:
    table = str.maketrans({"\u3000": " ", "＃": "#", "／": "/", "？": "?", "\u00a0": " "})
    return re.sub(r"\s+", " ", text.translate(table)).strip()


def _is_cjk(s: str) -> bool:
    return detect(s) == "zh"


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
        """Find (command, alias used, rest of the text) for a message, or None."""
        text = _normalise(text).lstrip("/").strip()
        lowered = text.lower()
        best: tuple[Command, str, str] | None = None
        for cmd in self.commands:
            for alias in (*cmd.en, *cmd.zh):
                if not lowered.startswith(alias):
                    continue
                after = text[len(alias):]
                # English aliases end at a word boundary; Chinese ones may run into the args.
                if after and not (after[0] in " #" or _is_cjk(alias) or _is_cjk(after[0])):
                    continue
                if best is None or len(alias) > len(best[1]):
                    best = (cmd, alias, after.strip())
        return best

    def dispatch(self, ctx: Context, text: str) -> list[Reply]:
        """Route one text message to its handler and return the replies."""
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
            return as_replies(cmd.handler(ctx, **args))
        except CommandError as exc:
            return [Reply(ctx.t(exc.zh, exc.en))]

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
                problems.append((f"缺少{p.label[0] or p.name}", f"missing {p.label[1] or p.name}"))
            values[p.name] = value
        if rest.strip():   # text nobody consumed: say so rather than silently ignore it
            shown = inert(rest)
            problems.append((f"看不懂「{shown}」", f"unexpected “{shown}”"))
        if problems:
            zh = "；".join(z for z, _ in problems)
            en = "; ".join(e for _, e in problems)
            raise CommandError(
                f"{zh}。\n用法：{cmd.usage[0]}\n例如：{cmd.example[0]}",
                f"{en[0].upper() + en[1:]}.\nUsage: {cmd.usage[1]}\nExample: {cmd.example[1]}")
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
            values[opt.name] = value
        return rest[:found[0].start()].strip() if found else rest

    def unknown(self, ctx: Context, text: str) -> str:
        """The reply to text that matches no command: a suggestion and a pointer to help."""
        shown = inert(_normalise(text))   # echoed user text: never a link or markup
        words = _normalise(text).lstrip("/").lower()
        allowed = [c for c in self.commands if role_allows(ctx.sender.role, c.role)]
        aliases = [a for c in allowed for a in (c.zh if ctx.lang == "zh" else c.en)]
        probe = words[:4] if ctx.lang == "zh" else " ".join(words.split()[:2])
        guesses = difflib.get_close_matches(probe, aliases, n=2, cutoff=0.5)
        if not guesses and ctx.lang == "en":
            guesses = difflib.get_close_matches(words.split(" ")[0] if words else "", aliases,
                                                n=2, cutoff=0.6)
        if guesses:
            return ctx.t("没看懂「{}」。你是不是想用：{}？输入「帮助」查看全部命令。".format(
                shown, "、".join(f"「{g}」" for g in guesses)),
                "I didn't understand “{}”. Did you mean {}? Send “help” for all commands.".format(
                shown, " or ".join(f"“{g}”" for g in guesses)))
        return ctx.t(f"没看懂「{shown}」。输入「帮助」查看命令。",
                     f"I didn't understand “{shown}”. Send “help” to see what I can do.")


def as_replies(result: Reply | list[Reply] | str | None) -> list[Reply]:
    """Normalise a handler's return value to a list of replies."""
    if result is None:
        return []
    if isinstance(result, str):
        return [Reply(result)]
    if isinstance(result, Reply):
        return [result]
    return list(result)
