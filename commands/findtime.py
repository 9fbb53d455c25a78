"""`find time` / `找时间`: the earliest common free slots of a panel as a card of buttons.

A tap sends `确认 CODE n` as the HR who asked: the code is theirs alone (anyone else's tap finds
nothing under it) and runs once. The chosen slot is then booked by schedule.create, the same
checks and writes as `安排`; a slot taken (or pushed over a cap) meanwhile is refused with a
fresh card.
"""
from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from commands import interviews_repo as repo
from commands import people, picking, schedule, shadowing, slot_finder
from commands.candidates_repo import CandidateRef
from commands.confirm import confirmable, park
from commands.conflicts import work_hours
from commands.context import Context
from commands.kinds import local_day_bounds
from commands.registry import router
from commands.render import when
from commands.replies import Card, Reply
from commands.router import CommandError, Option, Param
from store.models import User

# 本周 / this week …: the range searched; two weeks from now when none is named.
RANGES = {"今天": "today", "今日": "today", "today": "today", "明天": "tomorrow",
          "tomorrow": "tomorrow", "本周": "week", "这周": "week", "this week": "week",
          "下周": "next week", "next week": "next week", "两周内": "two weeks",
          "两周": "two weeks", "two weeks": "two weeks"}
RANGE_LABEL = {"today": ("今天", "today"), "tomorrow": ("明天", "tomorrow"),
               "week": ("本周", "this week"), "next week": ("下周", "next week"),
               "two weeks": ("两周内", "in the next two weeks")}
_RANGE = re.compile("(?:(?<=\\s)|^)(" + "|".join(sorted(map(re.escape, RANGES), key=len,
                                                        reverse=True)) + ")(?=\\s|$)",
                    re.IGNORECASE)
_LENGTH = re.compile(r"(?:(?<=\s)|^)(\d{1,3}(?:\.\d)?)\s*(分钟|min|mins|minutes|m|小时|个小时|h|hr|"
                     r"hours?)(?=\s|$)", re.IGNORECASE)


@router.kind("search_range")
def search_range_kind(ctx: Context, text: str) -> tuple[Any, str, tuple[str, str] | None]:
    """本周 60分钟 / this week 60min, anywhere in the text: (range, minutes or None)."""
    found = _RANGE.search(text)
    rest = text if found is None else text[:found.start()] + " " + text[found.end():]
    length = _LENGTH.search(rest)
    if length is not None:
        rest = rest[:length.start()] + " " + rest[length.end():]
    minutes = None
    if length is not None:
        hours = length.group(2).lower()[:1] in ("h", "小", "个")
        minutes = int(float(length.group(1)) * (60 if hours else 1))
    value = (RANGES[found.group(1).lower()] if found else "two weeks", minutes)
    if value[1] is not None and not 5 <= value[1] <= 8 * 60:
        return None, rest, ("时长须在 5 分钟到 8 小时之间", "duration must be 5 minutes to 8 hours")
    return value, " ".join(rest.split()), None


def bounds(ctx: Context, span: str) -> tuple[datetime, datetime]:
    """[start, end) of the searched range, in the sender's zone."""
    today = ctx.now.astimezone(ctx.tz).date()
    first = {"tomorrow": 1, "next week": 7 - today.weekday()}.get(span, 0)
    days = {"today": 1, "tomorrow": 1, "week": 7 - today.weekday(), "next week": 7,
            "two weeks": 14}[span]
    start = local_day_bounds(ctx, today + timedelta(days=first))[0]
    return start, local_day_bounds(ctx, today + timedelta(days=first + days - 1))[1]


@router.command(
    "find time", en=("find time", "find slot", "findtime"), zh=("找时间", "找时段"), role="hr",
    params=(Param("search", kind="search_range", required=False),
            Param("interviewers", kind="panel", label=("面试官", "interviewers (after “with”)"),
                  answer_prefix=("面试官 ", "with ")),
            Param("candidate", kind="candidate", label=("候选人", "candidate"),
                  answer_at="start")),
    options=(Option("duration", ("dur", "duration", "时长"), "minutes"),
             Option("round", ("round", "轮次"), "round"), Option("mode", ("mode", "形式"), "mode"),
             Option("position", ("position", "岗位", "职位"), "text", limit=128)),
    summary=("找出面试官共同的空闲时段，点一下即安排", "find the panel's earliest common free slots; "
             "one tap books"),
    usage=("找时间 候选人 面试官 人…|池×N [今天|明天|本周|下周] [60分钟]",
           "find time <candidate> with <people>|<pool> xN [today|tomorrow|this week|next week] "
           "[60min]"),
    example=("找时间 张三 面试官 李四 王五 本周 60分钟", "find time Alice with @lisi backend x2 this week "
             "60min"))
def find_time(ctx: Context, interviewers: list[User], candidate: CandidateRef,
              search: tuple[str, int | None] | None = None, duration: int | None = None,
              round: tuple[int | None, str | None] | None = None, mode: str | None = None,
              position: str | None = None) -> list[Reply]:
    """A card of the earliest slots everyone named (and each pool) can take."""
    span, minutes = search or ("two weeks", None)
    length = timedelta(minutes=duration or minutes or schedule.DEFAULT_MINUTES)
    schedule.too_long(length)
    spec = schedule.Spec(candidate.candidate.id if candidate.candidate else None, candidate.name,
                         "", "", [], round[0] if round else None, round[1] if round else None,
                         mode, position)
    lo, hi = bounds(ctx, span)
    search_ = {"span": span, "from": lo.isoformat(), "to": hi.isoformat(),
               "minutes": int(length.total_seconds() // 60),
               "named": [u.wecom_userid for u in interviewers],
               "pools": [list(r) for r in getattr(interviewers, "pools", [])]}
    return [_offer(ctx, spec, search_, list(interviewers), head=("", ""))]


def _named(ctx: Context, userids: list[str]) -> list[User]:
    """The users by userid in the order given; one never met is a new (unsaved) member."""
    found = {u.wecom_userid: u for u in ctx.session.scalars(
        select(User).where(User.wecom_userid.in_(userids)))}
    return [found.get(u) or User(wecom_userid=u, name=u, role="interviewer") for u in userids]


def _offer(ctx: Context, spec: schedule.Spec, search: dict[str, Any], named: list[User],
           head: tuple[str, str]) -> Reply:
    """Search and answer with a card of buttons (plain text when nothing is free)."""
    _, tz = work_hours(ctx)
    lo, hi = datetime.fromisoformat(search["from"]), datetime.fromisoformat(search["to"])
    refs = [(name, n) for name, n in search["pools"]]
    offers = slot_finder.earliest(ctx, named, refs, lo, hi, timedelta(minutes=search["minutes"]),
                                  tz, candidate_id=spec.candidate_id)
    label = RANGE_LABEL[search["span"]]
    who = _who(ctx, named, refs)
    if not offers:
        return Reply(ctx.t(
            f"{head[0]}{label[0]}没有 {who} 都空闲的 {search['minutes']} 分钟时段"
            "（已按工作时间、各人的面试时段和上限、已有安排查找）。请换个范围或换人。",
            f"{head[1]}No {search['minutes']}-minute slot {label[1]} suits {who} (working "
            "time, each one's interview hours and caps, and their bookings were checked). "
            "Try another range or other interviewers."))
    payload = {"spec": asdict(spec), "search": search, "offers": [o.as_json() for o in offers]}
    code = park(ctx, "find_slot", payload)
    lines = [f"{i}. {when(o.start, o.end, ctx.tz, ctx.lang)} · "
             f"{ctx.t('、', ', ').join(people.display(u) for u in o.panel)}"
             for i, o in enumerate(offers, 1)]
    text = ctx.t(f"{head[0]}为 {spec.candidate_name} 找到 {who} {label[0]}最早的共同空闲时段"
                 f"（{search['minutes']} 分钟）：\n" + "\n".join(lines) +
                 f"\n点按钮或回复「确认 {code} 序号」安排（10 分钟内有效，只能用一次）。",
                 f"{head[1]}Earliest common free slots {label[1]} for {spec.candidate_name} with "
                 f"{who} ({search['minutes']} min):\n" + "\n".join(lines) +
                 f"\nTap one or reply “confirm {code} <number>” to book it (valid for 10 "
                 "minutes, once).")
    word = ctx.t("确认", "confirm")
    card = {"card_type": "button_interaction",
            "main_title": {"title": ctx.t(f"找时间：{spec.candidate_name}"[:36],
                                          f"Find a time: {spec.candidate_name}"[:36])},
            "sub_title_text": text[:1000],
            "task_id": f"findtime_{ctx.sender.id}_{code}_{int(ctx.now.timestamp())}",
            "button_list": [{"text": _button(o.start, ctx), "style": 1,
                             "key": f"{word} {code} {i}"} for i, o in enumerate(offers, 1)]}
    return Card(text, card=card)


def _who(ctx: Context, named: list[User], refs: list[tuple[str, int]]) -> str:
    parts = [people.display(u) for u in named] + \
        [ctx.t(f"「{name}」池×{n}", f"pool “{name}” x{n}") for name, n in refs]
    return ctx.t("、", ", ").join(parts)


def _button(start: datetime, ctx: Context) -> str:
    """11/26(四)10:00 — short enough for a card button."""
    local = start.astimezone(ctx.tz)
    day = "一二三四五六日"[local.weekday()] if ctx.lang == "zh" else f"{local:%a}"
    return f"{local.month}/{local.day}({day}){local:%H:%M}"


@confirmable("find_slot", role="hr")
def _take(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    """Book the tapped slot through schedule.create; a slot gone meanwhile gets a fresh card."""
    offers = payload.get("offers") or []
    if choice is None or not 1 <= choice <= len(offers):
        raise CommandError(f"请选择 1–{len(offers)} 中的一个，例如「确认 代码 1」",
                           f"pick one of 1–{len(offers)}, e.g. “confirm CODE 1”")
    start_s, end_s, userids = offers[choice - 1]
    start, end = datetime.fromisoformat(start_s), datetime.fromisoformat(end_s)
    panel = _named(ctx, userids)
    known = [u for u in panel if u.id is not None]
    repo.lock_users(ctx.session, [u.id for u in known])   # held until the booking is written
    _, tz = work_hours(ctx)
    gone = picking.blockers(ctx.session, known, start, end, tz)
    spec = schedule.Spec(**payload["spec"])
    if gone or start <= ctx.now:
        why_zh = "、".join(f"{people.display(u)} {w[0]}" for u, w in gone) or "已过时"
        why_en = "; ".join(f"{people.display(u)} {w[1]}" for u, w in gone) or "it has passed"
        at_zh, at_en = when(start, end, ctx.tz, "zh"), when(start, end, ctx.tz, "en")
        search = payload["search"]
        return [_offer(ctx, spec, search, _named(ctx, search["named"]),
                       head=(f"{at_zh} 已不可用（{why_zh}），未安排。\n",
                             f"{at_en} is no longer free ({why_en}); nothing was booked.\n"))]
    spec.start, spec.end = start.isoformat(), end.isoformat()
    shadows = shadowing.join(ctx, [name for name, _ in payload["search"]["pools"]], panel,
                             start, end)
    spec.userids = [*userids, *(u.wecom_userid for u, _ in shadows)]
    spec.bounded = list(userids)
    spec.shadows = [[u.wecom_userid, pool] for u, pool in shadows]
    return schedule.create(ctx, spec, known=[*known, *(u for u, _ in shadows)],
                           new=[u for u in panel if u.id is None])
