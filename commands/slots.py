"""Free time inside working hours: pure functions over busy intervals (no database)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]
STEP = timedelta(minutes=30)       # suggestions start on the hour or half hour


def _at(day: date, t: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, t, tzinfo=tz)


def _round_up(dt: datetime, step: timedelta = STEP) -> datetime:
    """The next step boundary at or after dt (in dt's own zone)."""
    midnight = dt.replace(hour=0, minute=0, second=0, microsecond=0)
    steps = -(-(dt - midnight) // step)
    return midnight + steps * step


def free_windows(busy: list[Interval], day: date, work: tuple[time, time], tz: ZoneInfo,
                 not_before: datetime, min_len: timedelta = STEP) -> list[Interval]:
    """The gaps between busy intervals within one day's working hours, at least min_len long."""
    start = max(_at(day, work[0], tz), _round_up(not_before.astimezone(tz)))
    end = _at(day, work[1], tz)
    out: list[Interval] = []
    cursor = start
    for b_start, b_end in sorted(busy):
        if b_end <= cursor or b_start >= end:
            continue
        if b_start - cursor >= min_len:
            out.append((cursor, b_start.astimezone(tz)))
        cursor = max(cursor, b_end.astimezone(tz))
    if end - cursor >= min_len:
        out.append((cursor, end))
    return out


def suggest(busy: list[Interval], *, after: datetime, length: timedelta,
            work: tuple[time, time], tz: ZoneInfo, count: int = 3,
            days: int = 14) -> list[Interval]:
    """Up to `count` non-overlapping free slots of `length`, on working days from `after` on."""
    out: list[Interval] = []
    cursor = after
    day = after.astimezone(tz).date()
    for _ in range(days):
        if day.weekday() < 5:                       # Monday to Friday
            for w_start, w_end in free_windows(busy, day, work, tz, cursor, length):
                slot = _round_up(w_start)
                while slot + length <= w_end and len(out) < count:
                    out.append((slot, slot + length))
                    slot = _round_up(slot + length)
            if len(out) >= count:
                break
        day += timedelta(days=1)
    return out


def inside(start: datetime, end: datetime, work: tuple[time, time], tz: ZoneInfo) -> bool:
    """True when [start, end) lies within one day's working hours."""
    s, e = start.astimezone(tz), end.astimezone(tz)
    return s.date() == e.date() and work[0] <= s.time() and e.time() <= work[1]
