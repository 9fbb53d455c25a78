"""Parameter kinds for the router: times, days, people, candidates and option values.

Each kind takes (ctx, text) and returns (value, remaining text, error as (zh, en) or None),
so the router parses every argument before a handler runs and reports every problem at once.
An ambiguous or past time is an error that asks back; it is never guessed.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands import people
from commands.candidates_repo import CandidateRef, find_candidate
from commands.context import Context
from commands.quote import quote
from commands.registry import router
from commands.router import CommandError
from commands.timeparse import extract_day, extract_time

Parsed = tuple[Any, str, "tuple[str, str] | None"]
_FILLERS = {"to", "at", "on", "到", "改到", "改为", "改成"}


def _ask_back(r: Any) -> tuple[str, str]:
    """The question for an ambiguous time: every reading, and how to write it plainly."""
    days = {a.date() for a in r.alternatives}
    fmt = "%H:%M" if len(days) == 1 else "%m-%d %H:%M"
    options = [a.strftime(fmt) for a in r.alternatives]
    example = r.start.strftime("%Y-%m-%d %H:%M")
    return (f"「{r.matched}」是 {' 还是 '.join(options)}？请写清楚，例如「{example}」",
            f"does “{r.matched}” mean {' or '.join(options)}? Please say which, "
            f"e.g. “{example}”")


@router.kind("time")
def time_kind(ctx: Context, text: str) -> Parsed:
    """A start (and maybe end) time, resolved in the sender's time zone."""
    result, rest = extract_time(text, ctx.now, ctx.tz)
    rest = " ".join(w for w in rest.split() if w.lower() not in _FILLERS)
    if result.status == "none":
        return None, rest, None
    if result.status == "ambiguous":
        return None, rest, _ask_back(result)
    if result.status != "ok":
        return None, rest, (result.reason_zh, result.reason_en)
    return (result.start, result.end), rest, None


@router.kind("day")
def day_kind(ctx: Context, text: str) -> Parsed:
    """A day: 今天, 明天, 周五, 12月1日, tomorrow, next wed."""
    day, rest = extract_day(text, ctx.now, ctx.tz)
    return day, rest, None


def _people_result(ctx: Context, text: str | None, rest: str) -> Parsed:
    if not text:
        return None, rest, None
    try:
        return people.resolve_many(ctx.session, text) or None, rest, None
    except CommandError as exc:
        return None, rest, (exc.zh, exc.en)


@router.kind("person")
def person_kind(ctx: Context, text: str) -> Parsed:
    """One person: the whole remaining text (@lisi, lisi, 李四, Li Si)."""
    if not text.strip():
        return None, "", None
    try:
        return people.resolve(ctx.session, text), "", None
    except CommandError as exc:
        return None, "", (exc.zh, exc.en)


@router.kind("member")
def member_kind(ctx: Context, text: str) -> Parsed:
    """One person named by the first word, the rest left for other parameters."""
    parts = text.split(None, 1)
    if not parts:
        return None, "", None
    value, _, error = person_kind(ctx, parts[0])
    return value, parts[1] if len(parts) > 1 else "", error


@router.kind("people")
def people_kind(ctx: Context, text: str) -> Parsed:
    """Several people: everything after with / 面试官 if present, else the whole text."""
    found, before = people.split_panel(text)
    if found is None and not people.PANEL_KEYWORD.search(text):
        return _people_result(ctx, text.strip() or None, "")
    return _people_result(ctx, found, before)


@router.kind("panel")
def panel_kind(ctx: Context, text: str) -> Parsed:
    """The interviewers of a new interview: after with / 面试官, or the @mentions."""
    found, before = people.split_panel(text)
    return _people_result(ctx, found, before)


@router.kind("candidate")
def candidate_kind(ctx: Context, text: str) -> Parsed:
    """A candidate by C-number or name; an unknown name is a new candidate (not yet saved)."""
    if not text.strip():
        return None, "", None
    try:
        return find_candidate(ctx.session, text.strip()), "", None
    except CommandError as exc:
        return None, "", (exc.zh, exc.en)


@router.kind("minutes")
def minutes_kind(ctx: Context, text: str) -> Parsed:
    """A duration: 45, 45min, 1h, 1.5h, 90分钟, 1小时."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(h|hr|hours?|小时|个小时|m|min|mins|minutes?|分钟|分)?\s*",
                     text, re.IGNORECASE)
    if not m:
        return None, "", (f"时长「{quote(text)}」看不懂，请写分钟数，如 45",
                          f"can't read duration “{quote(text)}”, give minutes, e.g. 45")
    n = float(m.group(1)) * (60 if (m.group(2) or "").lower()[:1] in ("h", "小") else 1)
    if not 5 <= n <= 8 * 60:
        return None, "", ("时长须在 5 分钟到 8 小时之间", "duration must be 5 minutes to 8 hours")
    return int(n), "", None


ROUND_WORDS = {"一面": 1, "初试": 1, "二面": 2, "复试": 2, "三面": 3, "终试": 3, "四面": 4,
               "五面": 5, "first": 1, "second": 2, "third": 3, "final": 3}


@router.kind("round")
def round_kind(ctx: Context, text: str) -> Parsed:
    """A round: 2, 二面, 复试, round 2; extra words are kept as its label (二面 技术 -> 技术)."""
    words = text.split()
    number, label = None, []
    for w in words:
        key = w.lower().removeprefix("round")
        if key.isdigit() and number is None:
            number = int(key)
        elif w.lower() in ROUND_WORDS and number is None:
            number = ROUND_WORDS[w.lower()]
        elif w.lower() != "round":
            label.append(w)
    if number is None and label and label[0][:2] in ROUND_WORDS:   # 二面技术
        number, label[0] = ROUND_WORDS[label[0][:2]], label[0][2:]
    label = [w for w in label if w]
    if number is None and not label or (number is not None and not 1 <= number <= 9):
        return None, "", (f"轮次「{quote(text)}」看不懂，例如 轮次:二面",
                          f"can't read round “{quote(text)}”, e.g. round:2")
    return (number, " ".join(label)[:32] or None), "", None


MODES = {"onsite": "onsite", "现场": "onsite", "线下": "onsite", "office": "onsite",
         "video": "video", "视频": "video", "线上": "video", "online": "video",
         "phone": "phone", "电话": "phone", "showmebug": "showmebug", "smb": "showmebug"}


@router.kind("mode")
def mode_kind(ctx: Context, text: str) -> Parsed:
    """How the interview happens: onsite/现场, video/视频, phone/电话, showmebug."""
    mode = MODES.get(text.strip().lower())
    if mode is None:
        return None, "", (f"形式「{quote(text)}」不认识，可选：现场、视频、电话、showmebug",
                          f"unknown mode “{quote(text)}”; use onsite, video, phone or showmebug")
    return mode, "", None


RECS = {"强烈推荐": "strong_yes", "strong yes": "strong_yes", "strong_yes": "strong_yes",
        "推荐": "yes", "yes": "yes", "不推荐": "no", "no": "no", "强烈不推荐": "strong_no",
        "strong no": "strong_no", "strong_no": "strong_no"}


@router.kind("rec")
def rec_kind(ctx: Context, text: str) -> Parsed:
    """A recommendation on the four-level scale (no neutral)."""
    rec = RECS.get(" ".join(text.lower().replace("-", " ").split()))
    if rec is None:
        return None, "", (f"结论「{quote(text)}」不认识，可选：强烈推荐、推荐、不推荐、强烈不推荐",
                          f"unknown recommendation “{quote(text)}”; "
                          "use strong yes, yes, no or strong no")
    return rec, "", None


@router.kind("score")
def score_kind(ctx: Context, text: str) -> Parsed:
    """A score from 1 to 5 (4, 4分, 4/5)."""
    m = re.fullmatch(r"\s*([1-5])\s*(?:分|/\s*5)?\s*", text)
    if not m:
        return None, "", (f"评分「{quote(text)}」须是 1 到 5 的整数", f"score “{quote(text)}” must be 1 to 5")
    return int(m.group(1)), "", None


ROLE_WORDS = {"admin": "admin", "管理员": "admin", "hr": "hr", "interviewer": "interviewer",
              "面试官": "interviewer"}


@router.kind("role")
def role_kind(ctx: Context, text: str) -> Parsed:
    """A role word (admin/管理员, hr, interviewer/面试官), taken from the end of the text."""
    words = text.split()
    if not words or words[-1].lower() not in ROLE_WORDS:
        return None, text, None
    return ROLE_WORDS[words[-1].lower()], " ".join(words[:-1]), None


@router.kind("zone")
def zone_kind(ctx: Context, text: str) -> Parsed:
    """An IANA time zone such as Asia/Shanghai."""
    try:
        return ZoneInfo(text.strip()).key, "", None
    except (ZoneInfoNotFoundError, ValueError):
        return None, "", (f"时区「{quote(text)}」不认识，例如 Asia/Shanghai",
                          f"unknown time zone “{quote(text)}”, e.g. Asia/Shanghai")


def local_day_bounds(ctx: Context, day: Any) -> tuple[datetime, datetime]:
    """The start and end of a calendar day in the sender's zone."""
    start = datetime(day.year, day.month, day.day, tzinfo=ctx.tz)
    return start, datetime.fromordinal(day.toordinal() + 1).replace(tzinfo=ctx.tz)
