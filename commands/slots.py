"""Free time inside working windows: pure functions over busy intervals (no database)."""
from __future__ import annotations

from collections.abc import Callable
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


def gaps(busy: list[Interval], windows: list[Interval], not_before: datetime,
         min_len: timedelta = STEP) -> list[Interval]:
    """The gaps between busy intervals inside the given working windows, at least min_len long."""
    out: list[Interval] = []
    for w_start, w_end in windows:
        tz = w_start.tzinfo
        cursor = max(w_start, _round_up(not_before.astimezone(tz)))
        for b_start, b_end in sorted(busy):
            if b_end <= cursor or b_start >= w_end:
                continue
            if b_start - cursor >= min_len:
                out.append((cursor, b_start.astimezone(tz)))
            cursor = max(cursor, b_end.astimezone(tz))
        if w_end - cursor >= min_len:
            out.append((cursor, w_end))
    return out


def free_windows(busy: list[Interval], day: date, work: tuple[time, time], tz: ZoneInfo,
                 not_before: datetime, min_len: timedelta = STEP) -> list[Interval]:
    """The gaps between busy intervals within one day's working hours, at least min_len long."""
    return gaps(busy, [(_at(day, work[0], tz), _at(day, work[1], tz))], not_before, min_len)


def suggest(busy: list[Interval], *, after: datetime, length: timedelta,
            work: tuple[time, time] | None = None, tz: ZoneInfo, count: int = 3,
            days: int = 14,
            windows_of: Callable[[date], list[Interval]] | None = None) -> list[Interval]:
    """Up to `count` non-overlapping free slots of `length` inside the working windows of each
    day from `after` on (by default `work` hours, Monday to Friday)."""
    def weekdays(d: date) -> list[Interval]:
        assert work is not None
        return [(_at(d, work[0], tz), _at(d, work[1], tz))] if d.weekday() < 5 else []
    windows_of = windows_of or weekdays
    out: list[Interval] = []
    cursor = after
    day = after.astimezone(tz).date()
    for _ in range(days):
        for w_start, w_end in gaps(busy, windows_of(day), cursor, length):
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


round_up = _round_up    # the public name, for slot finders outside this module
