"""The organisation's work calendar, overridable per person: working days, hours, lunch break
and China's public holidays (with their make-up working days).

    outside_reasons(session, user, start, end, tz) -> [("周日", "Sunday"), ("午休", "lunch break")]
    working_windows(session, user, day, tz)        -> [(09:00, 12:00), (13:30, 19:00)] or []

`user` None means the organisation's calendar; a user's own `work_hours`, `work_days` and
`lunch` settings override it. Scheduling outside it asks for confirmation (commands.schedule);
free-slot suggestions and `free` stay inside it.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from commands.settings_store import org_setting, span, user_setting
from commands.timeparse.holidays import holiday_on, is_makeup_workday

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from store.models import User

WEEKDAY = (("周一", "Monday"), ("周二", "Tuesday"), ("周三", "Wednesday"), ("周四", "Thursday"),
           ("周五", "Friday"), ("周六", "Saturday"), ("周日", "Sunday"))


def _setting(session: Session, user: User | None, key: str) -> Any:
    if user is not None and user.id is not None:
        return user_setting(session, user.id, key)
    return org_setting(session, key)


def _calendar(session: Session, user: User | None) -> tuple[tuple[time, time], list[int],
                                                          tuple[time, time] | None]:
    hours = span(_setting(session, user, "work_hours")) or (time(9), time(19))
    days = list(_setting(session, user, "work_days"))
    return hours, days, span(_setting(session, user, "lunch"))


def day_off(session: Session, user: User | None, day: date) -> tuple[str, str] | None:
    """Why `day` is not a working day (国庆 / 周日), or None when it is one."""
    name = holiday_on(day)
    if name is not None:
        return name
    _, days, _ = _calendar(session, user)
    if day.isoweekday() in days or (day.weekday() >= 5 and is_makeup_workday(day)):
        return None
    return WEEKDAY[day.weekday()]


def working_windows(session: Session, user: User | None, day: date,
                    tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The working intervals of `day` for this person (empty on a day off), lunch excluded."""
    if day_off(session, user, day) is not None:
        return []
    (start, end), _, lunch = _calendar(session, user)

    def at(t: time) -> datetime:
        return datetime.combine(day, t, tzinfo=tz)

    if lunch is None or not (start < lunch[0] < lunch[1] < end):
        return [(at(start), at(end))]
    return [(at(start), at(lunch[0])), (at(lunch[1]), at(end))]


def outside_reasons(session: Session, user: User | None, start: datetime, end: datetime,
                    tz: ZoneInfo) -> list[tuple[str, str]]:
    """(zh, en) reasons the span [start, end) is outside working time; empty when inside."""
    s, e = start.astimezone(tz), end.astimezone(tz)
    (w_start, w_end), _, lunch = _calendar(session, user)
    reasons: list[tuple[str, str]] = []
    day = s.date()
    last = (e - timedelta(microseconds=1)).date()
    while day <= last:
        off = day_off(session, user, day)
        if off is not None and off not in reasons:
            reasons.append(off)
        day += timedelta(days=1)
    if s.date() != last:
        reasons.append(("跨天", "runs past midnight"))
        return reasons
    if s.time() < w_start:
        reasons.append((f"上班前（{w_start:%H:%M} 上班）", f"before work ({w_start:%H:%M})"))
    if e.time() > w_end or s.time() >= w_end:
        reasons.append((f"下班后（{w_end:%H:%M} 下班）", f"after work ({w_end:%H:%M})"))
    if lunch is not None and s.time() < lunch[1] and e.time() > lunch[0]:
        reasons.append((f"午休（{lunch[0]:%H:%M}–{lunch[1]:%H:%M}）",
                        f"lunch break ({lunch[0]:%H:%M}–{lunch[1]:%H:%M})"))
    return reasons


def shared_windows(session: Session, users: list[User], day: date,
                   tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The intervals of `day` inside everyone's working time (the org's when nobody is named)."""
    windows = working_windows(session, None, day, tz)
    for user in users:
        own = working_windows(session, user, day, tz)
        windows = [(max(a, c), min(b, d)) for a, b in windows for c, d in own
                   if max(a, c) < min(b, d)]
    return windows


def reasons_for(session: Session, users: list[User], start: datetime, end: datetime,
                tz: ZoneInfo, name: Callable[[User], str]) -> list[tuple[str, str]]:
    """Why [start, end) is outside the org's or any of these people's working time."""
    out = list(outside_reasons(session, None, start, end, tz))
    for user in users:
        for zh, en in outside_reasons(session, user, start, end, tz):
            if (zh, en) not in out:
                out.append((f"{name(user)}：{zh}", f"{name(user)}: {en}"))
    return out
