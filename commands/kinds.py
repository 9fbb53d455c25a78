"""Parameter kinds for the router: times, days, people and candidates (option values such as
durations and rounds are in commands.value_kinds, imported here so one import registers all).

Each kind takes (ctx, text) and returns (value, remaining text, error as (zh, en) or None),
so the router parses every argument before a handler runs and reports every problem at once.
An ambiguous or past time is an error that asks back; it is never guessed.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import commands.value_kinds  # noqa: F401  (registers the option-value kinds)
from commands import people, pools
from commands.candidates_repo import find_candidate
from commands.context import Context
from commands.privacy import candidate_viewer
from commands.registry import router
from commands.router import Ask, CommandError
from commands.timeparse import TimeResult, extract_day, extract_time, reason

Parsed = tuple[Any, str, "tuple[str, str] | None"]
_FILLERS = {"to", "at", "on", "到", "改到", "改为", "改成"}


def _ask_back(r: TimeResult) -> Ask:
    """The question for an ambiguous time: every reading, and how to write it plainly."""
    zh, en = reason(r)
    fmt = "%H:%M" if len({a.date() for a in r.alternatives}) == 1 else "%Y-%m-%d %H:%M"
    options = [a.strftime(fmt) for a in r.alternatives]
    return Ask(zh, en, part=r.part or r.matched, matched=r.matched, how="hour",
               choices=tuple((o, o, o) for o in options))


def _question(r: TimeResult) -> tuple[str, str]:
    """A time that is not ok: the question to ask back, or the plain refusal."""
    if r.status == "ambiguous":
        return _ask_back(r)
    if r.status == "unclear":
        from commands.timeparse._vague import label
        return Ask(r.reason_zh, r.reason_en, part=r.part, matched=r.matched, how="day",
                   # The answer goes in as 12月9日: read like any date, and echoed as read.
                   choices=tuple((label(d, "zh"), label(d, "en"), f"{d.month}月{d.day}日")
                                 for d in r.days))
    if r.ask == "time_of_day":
        return Ask(r.reason_zh, r.reason_en, part=r.part, matched=r.matched, how="after")
    return r.reason_zh, r.reason_en


@router.kind("time")
def time_kind(ctx: Context, text: str) -> Parsed:
    """A start (and maybe end) time, resolved in the sender's time zone.

    How each non-literal part was read (下周三 → 2026-12-09) is left in ctx.extra["readings"]
    for the reply to echo.
    """
    result, rest = extract_time(text, ctx.now, ctx.tz)
    rest = " ".join(w for w in rest.split() if w.lower() not in _FILLERS)
    if result.status == "none" and not result.reason_zh.startswith("没有"):
        return None, rest, (result.reason_zh, result.reason_en)
    if result.status == "none":
        return None, rest, None
    if result.status != "ok":
        return None, rest, _question(result)
    ctx.extra["readings"] = result.readings
    return (result.start, result.end), rest, None


@router.kind("day")
def day_kind(ctx: Context, text: str) -> Parsed:
    """A day: 今天, 明天, 周五, 12月1日, tomorrow, next wed."""
    day, rest = extract_day(text, ctx.now, ctx.tz)
    return day, rest, None


def _error(exc: CommandError) -> tuple[str, str]:
    return exc.question if exc.question is not None else (exc.zh, exc.en)


def _people_result(ctx: Context, text: str | None, rest: str) -> Parsed:
    if not text:
        return None, rest, None
    try:
        found = people.resolve_many(ctx.session, text, ctx.now)
    except CommandError as exc:
        return None, rest, _error(exc)
    if len(found) > people.MAX_PEOPLE:
        return None, rest, (f"一次最多 {people.MAX_PEOPLE} 人，这里有 {len(found)} 人",
                            f"at most {people.MAX_PEOPLE} people at once; this names {len(found)}")
    return found or None, rest, None


@router.kind("person")
def person_kind(ctx: Context, text: str) -> Parsed:
    """One person: the whole remaining text (@lisi, lisi, 李四, Li Si)."""
    if not text.strip():
        return None, "", None
    try:
        return people.resolve(ctx.session, text, ctx.now), "", None
    except CommandError as exc:
        return None, "", _error(exc)


@router.kind("account")
def account_kind(ctx: Context, text: str) -> Parsed:
    """One person by the first word; an @userid never met is taken as a new member."""
    parts = text.split(None, 1)
    if not parts:
        return None, "", None
    try:
        value = people.resolve(ctx.session, parts[0], accept_unmet=True)
    except CommandError as exc:
        return None, "", (exc.zh, exc.en)
    return value, parts[1] if len(parts) > 1 else "", None


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
    if found is None:
        return _people_result(ctx, found, before)
    try:   # pools named among the interviewers (后端池×2, backend x2) are picked later
        refs, found = pools.extract(ctx, found)
    except CommandError as exc:
        return None, before, _error(exc)
    if not refs:
        return _people_result(ctx, found, before)
    named, rest, error = _people_result(ctx, found or None, before)
    return (None if error else pools.Panel(named or [], refs)), rest, error


@router.kind("candidate")
def candidate_kind(ctx: Context, text: str) -> Parsed:
    """A candidate by C-number or name; an unknown name is a new candidate (not yet saved)."""
    name = text.strip()
    if name[:1] in "「“\"" and name[-1:] in "」”\"" and len(name) > 2:
        name = name[1:-1].strip()   # a quoted name: time words in it are part of the name
    if not name:
        return None, "", None
    try:
        return find_candidate(ctx.session, name, candidate_viewer(ctx.sender)), "", None
    except CommandError as exc:
        return None, "", (exc.zh, exc.en)


def local_day_bounds(ctx: Context, day: Any) -> tuple[datetime, datetime]:
    """The start and end of a calendar day in the sender's zone."""
    start = datetime(day.year, day.month, day.day, tzinfo=ctx.tz)
    return start, datetime.fromordinal(day.toordinal() + 1).replace(tzinfo=ctx.tz)
