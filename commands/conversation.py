"""The question the bot last asked a member, answered by their next short message.

When a command stops at a question (「3点」是 03:00 还是 15:00？, 下周几？, 面试官是谁？, which of two
李四), the command and the part asked about are stored (table pending_questions, so the
answer may reach another worker or come after a restart). The member's next message that is
not a command is the answer: it is put in place of the part and the whole command runs again,
so everything is parsed and echoed as if it had been typed that way. A question lasts 10
minutes, a new command replaces it, and 算了 / cancel drops it.

How an answer fits in (`Ask.how`):
  replace      the answer (or the chosen text) replaces the part: 3点 → 下午3点, 李四 → @lisi2
  hour         like replace; 上午/下午/am/pm alone go with the part: 下午 + 3点, 3 + pm
  day          a number, a date or a weekday picks one of the days offered; another day replaces
  after        the answer goes after the part: 明天 + 下午3点
  add          a missing argument: the answer goes at the start or end, after its keyword
"""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, select

from commands.context import Context
from commands.router import Ask
from commands.sanitize import inert
from commands.timeparse import parse_day, parse_time
from store.hiring import PendingQuestion

VALID_FOR = timedelta(minutes=10)
MAX_ANSWER = 40          # longer messages are new messages, not answers
CANCEL = frozenset({"算了", "算了吧", "不用了", "取消", "放弃", "不要了", "cancel", "never mind",
                    "nevermind", "forget it", "stop", "abort"})
_PERIOD_ZH = re.compile(r"^(上午|早上|中午|下午|傍晚|晚上|凌晨)$")
_AMPM = re.compile(r"^([ap])\.?m\.?$", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(?:周|星期|礼拜|週|禮拜)([一二三四五六日天])$|^(mon|tue|wed|thu|fri|sat|sun)",
                      re.IGNORECASE)
_WD = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
       "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def live(ctx: Context) -> PendingQuestion | None:
    """The sender's open question, if one was asked in the last 10 minutes."""
    if ctx.session is None or ctx.sender.id is None:
        return None   # a router used without a database (unit tests of matching)
    until = ctx.sender.question_until
    if until is None or until <= ctx.now:
        return None   # the common case, decided without a query
    return ctx.session.scalars(select(PendingQuestion).where(
        PendingQuestion.user_id == ctx.sender.id, PendingQuestion.expires_at > ctx.now)).first()


def drop(ctx: Context) -> None:
    """Forget the sender's question (answered, replaced or cancelled)."""
    if ctx.sender.question_until is None:
        return
    ctx.session.execute(delete(PendingQuestion).where(PendingQuestion.user_id == ctx.sender.id))
    ctx.sender.question_until = None


def is_cancel(text: str) -> bool:
    """算了 / cancel / 不用了 alone."""
    return text.strip(" 。.!！~").lower() in CANCEL


def short(text: str) -> bool:
    """Short enough to be an answer rather than a new message."""
    return 0 < len(text) <= MAX_ANSWER


def save(ctx: Context, command: str, args: str, q: Ask) -> bool:
    """Store the question asked about `command` (whose arguments are `args`); False if the
    part cannot be found in the command (then the member retypes it, as before)."""
    if ctx.session is None or ctx.sender.id is None:
        return False
    base = len(command) - len(args)   # where the arguments start
    if q.how == "add":
        pos = base if q.at == "start" else len(command)
        span = (pos, pos)
    else:
        within = command.find(q.matched, base)
        if within < 0 or not q.part:
            return False
        at = command.find(q.part, within, within + len(q.matched))
        if at < 0:
            return False
        span = (at, at + len(q.part))
    ctx.session.execute(delete(PendingQuestion).where(PendingQuestion.user_id == ctx.sender.id))
    ctx.sender.question_until = ctx.now + VALID_FOR
    ctx.session.add(PendingQuestion(
        user_id=ctx.sender.id, command=command, part_start=span[0], part_end=span[1],
        ask=q.how if q.how != "add" else f"add:{q.prefix[0] if ctx.lang == 'zh' else q.prefix[1]}",
        choices=[list(c) for c in q.choices], lang=ctx.lang, created_at=ctx.now,
        expires_at=ctx.now + VALID_FOR))
    ctx.session.flush()
    return True


def _choices(q: PendingQuestion) -> list[tuple[str, str, str]]:
    """The numbered answers offered, as stored (JSON): (label zh, label en, text)."""
    return [(str(zh), str(en), str(text)) for zh, en, text in q.choices or []]


def _choice(q: PendingQuestion, answer: str) -> str | None:
    """The text of the numbered choice the answer names (2, 第2个, #2), if any."""
    choices = _choices(q)
    m = re.fullmatch(r"(?:第|#|no\.?\s?)?\s*(\d{1,2})\s*(?:个|号|项)?", answer, re.IGNORECASE)
    if m and choices and 1 <= int(m.group(1)) <= len(choices):
        return choices[int(m.group(1)) - 1][2]
    for label_zh, label_en, text in choices:
        if answer.lower() in (label_zh.lower(), label_en.lower(), text.lower()):
            return text
    return None


def _day_answer(ctx: Context, q: PendingQuestion, answer: str) -> str | None:
    """A day among those offered (by weekday or date), or another day the member names."""
    days = {d: c[2] for c in _choices(q) if (d := parse_day(c[2], ctx.now, ctx.tz)) is not None}
    m = _WEEKDAY.match(answer)
    if m:
        w = _WD[(m.group(1) or m.group(2)).lower()]
        same = [t for d, t in days.items() if d.weekday() == w]
        if len(same) == 1:
            return same[0]
    d = parse_day(answer, ctx.now, ctx.tz)
    if d is not None and d in days:
        return days[d]
    if d is not None and parse_time(answer, ctx.now, ctx.tz).status in ("invalid",):
        return answer   # a day, written in full (12月9日): it replaces the vague one
    return None


def apply(ctx: Context, q: PendingQuestion, answer: str) -> tuple[str, tuple[str, str] | None]:
    """The command with the answer in place, or the reason the answer does not fit."""
    answer = answer.strip(" 。.!！")
    how = q.ask
    before, part, after = q.command[:q.part_start], q.command[q.part_start:q.part_end], \
        q.command[q.part_end:]
    text = _choice(q, answer)
    if text is None and how == "day":
        text = _day_answer(ctx, q, answer)
    if text is None and how == "hour":
        if _PERIOD_ZH.match(answer):
            text = answer + part          # 下午 + 3点
        elif _AMPM.match(answer):
            text = part + answer          # 3 + pm
        elif parse_time(answer, ctx.now, ctx.tz).status != "none":
            text = answer
    if text is None and how == "after":
        if parse_time(answer, ctx.now, ctx.tz).status != "none":
            return f"{before}{part}{answer}{after}", None
    if text is None and how.startswith("add:"):
        prefix = how[4:]
        sep = " " if before and not before.endswith(" ") else ""
        return f"{before}{sep}{prefix}{answer} {after}".strip(), None
    if text is None and how == "replace":
        text = answer
    if text is None:
        shown = inert(answer)
        n = len(q.choices)
        pick_zh = f"回复 1–{n} 中的一个序号，" if n else ""
        pick_en = f"reply with a number 1–{n}, " if n else ""
        return q.command, (f"「{shown}」没有回答刚才的问题（关于「{inert(part or q.command)}」）："
                           f"请{pick_zh}或写出日期/时间；发送「算了」放弃。",
                           f"“{shown}” does not answer my question about "
                           f"“{inert(part or q.command)}”: "
                           f"{pick_en}or write the day/time; “cancel” drops the question.")
    pad_l = " " if before and not before.endswith(" ") and text[:1].isascii() else ""
    pad_r = " " if after and not after.startswith(" ") and text[-1:].isascii() else ""
    return f"{before}{pad_l}{text}{pad_r}{after}", None
