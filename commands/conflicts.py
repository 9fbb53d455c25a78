"""Refusing a double booking: name the clash, offer three free slots within working hours.

The offered slots are parked as a pending confirmation, so HR takes one with
`confirm CODE 2` / `确认 CODE 2`; the schedule is then re-checked as if typed afresh.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from commands import interviews_repo as repo
from commands.confirm import ask
from commands.context import Context, Reply
from commands.people import display
from commands.render import when
from commands.router import CommandError
from commands.settings_store import org_setting, span
from commands.slots import suggest
from commands.workcal import shared_windows
from store.hiring import Interview
from store.models import User

LOOK_AHEAD = timedelta(days=14)
_CIRCLED = "①②③④⑤"


def work_hours(ctx: Context) -> tuple[tuple[time, time], ZoneInfo]:
    """The organisation's working hours and the zone they are in."""
    return span(org_setting(ctx.session, "work_hours")) or (time(9), time(19)), \
        ZoneInfo(ctx.settings.timezone)


def free_slots(ctx: Context, user_ids: list[int], start: datetime, length: timedelta,
               exclude: int | None = None) -> list[tuple[datetime, datetime]]:
    """The three free slots for all these people nearest the requested time, in time order,
    inside everyone's work calendar (working days, hours, no lunch, no holidays)."""
    _, tz = work_hours(ctx)
    day_start = start.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    after = max(ctx.now, day_start)
    busy = repo.busy(ctx.session, user_ids, after, after + LOOK_AHEAD, exclude)
    users = list(ctx.session.scalars(select(User).where(User.id.in_(user_ids))))
    pool = suggest(busy, after=after, length=length, tz=tz, count=60,
                   windows_of=lambda day: shared_windows(ctx.session, users, day, tz))
    return sorted(sorted(pool, key=lambda s: abs(s[0] - start))[:3])


def clash_lines(ctx: Context, clashes: list[tuple[User, Interview]]) -> list[str]:
    """李四 在 2026-11-27 (周五) 14:00–15:00 CST 已有 #15."""
    return [ctx.t(f"{display(u)} 在 {when(iv.start_at, iv.end_at, ctx.tz, 'zh')} 已有 #{iv.id}",
                  f"{display(u)} already has #{iv.id} at "
                  f"{when(iv.start_at, iv.end_at, ctx.tz, 'en')}") for u, iv in clashes]


def refuse(ctx: Context, clashes: list[tuple[User, Interview]], *, user_ids: list[int],
           start: datetime, end: datetime, action: str, payload: dict[str, Any],
           exclude: int | None = None) -> list[Reply]:
    """The refusal of a double booking, with slots to pick from when there are any."""
    head = ctx.t("时间冲突，未安排：", "Not scheduled, there is a clash: ") + \
        ctx.t("；", "; ").join(clash_lines(ctx, clashes))
    slots = free_slots(ctx, user_ids, start, end - start, exclude)
    if not slots:
        return [Reply(head + ctx.t("。两周内工作时间没有所有人都空闲的时段，请换人或另选时间。",
                                   ". No slot in working hours in the next two weeks suits "
                                   "everyone; change the interviewers or pick another time."))]
    options = "\n".join(f"{_CIRCLED[i]} {when(s, e, ctx.tz, ctx.lang)}"
                        for i, (s, e) in enumerate(slots))
    payload = {**payload, "slots": [[s.isoformat(), e.isoformat()] for s, e in slots]}
    return [ask(ctx, action, payload, f"{head}。\n可选：\n{options}",
                f"{head}.\nFree slots:\n{options}", choices=len(slots))]


def chosen_slot(payload: dict[str, Any], choice: int | None) -> tuple[datetime, datetime]:
    """The slot picked by number (1-based); refused when the number is not one of them."""
    slots = payload.get("slots") or []
    if choice is None or not 1 <= choice <= len(slots):
        n = len(slots)
        raise CommandError(f"请选择 1–{n} 中的一个，例如「确认 代码 1」",
                           f"pick one of 1–{n}, e.g. “confirm CODE 1”")
    s, e = slots[choice - 1]
    return datetime.fromisoformat(s), datetime.fromisoformat(e)
