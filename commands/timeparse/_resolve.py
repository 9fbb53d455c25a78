"""Turns a phrase into a TimeResult relative to `now`, in a time zone."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from . import _lexicon as lx
from ._hours import Option, day_of, hour_options, weekday_date
from ._phrase import Phrase, Side
from ._scan import Atom


@dataclass(frozen=True)
class TimeResult:
    """What a time phrase means; see the package docstring for the statuses."""

    status: str
    start: datetime | None
    end: datetime | None
    matched: str
    reason_en: str
    reason_zh: str
    alternatives: tuple[datetime, ...] = ()


NONE = TimeResult("none", None, None, "", "no date or time found", "没有找到日期或时间")
_CJK = re.compile(r"[\u3400-\u9fff]")


def utc(dt: datetime) -> datetime:
    """dt in UTC; aware datetimes sharing a tzinfo otherwise compare by wall clock."""
    return dt.astimezone(UTC)


def at(day: date, opt: Option, tz: tzinfo) -> datetime | None:
    """Local wall time on a day, or None if the clocks skip it (spring forward)."""
    naive = datetime(day.year, day.month, day.day) + timedelta(days=opt[0], hours=opt[1],
                                                               minutes=opt[2])
    aware = naive.replace(tzinfo=tz)  # fold=0: the first of two repeated wall times
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return aware if back == naive else None


def _hm(dt: datetime) -> str:
    return f"{dt:%H:%M}"


def _ymdhm(dt: datetime) -> str:
    return f"{dt:%Y-%m-%d %H:%M}"


class _Invalid(Exception):
    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh


def _time_error(kind: str, text: str, period_text: str) -> _Invalid:
    if kind == "ampm":
        return _Invalid(f"“{text}”: with am/pm the hour must be 1–12",
                        f"「{text}」：使用 am/pm 时小时应为 1–12")
    if kind == "clash":
        return _Invalid(f"“{period_text}” and “{text}” contradict each other",
                        f"「{period_text}」和「{text}」互相矛盾")
    return _Invalid(f"“{text}” is not a valid time of day", f"「{text}」不是有效的时间")


class _Ctx:
    """The text, the clock and the zone one phrase is resolved against."""

    def __init__(self, text: str, now: datetime, tz: tzinfo):
        self.text, self.now, self.tz, self.today = text, now, tz, now.date()

    def src(self, atom: Atom) -> str:
        """The original text of an atom."""
        return self.text[atom.start:atom.end]

    def day(self, atom: Atom) -> date:
        """The date an atom with a day names."""
        found = day_of(atom.vals["day"], self.today)
        if found is None:
            t = self.src(atom)
            raise _Invalid(f"“{t}” is not a valid date", f"「{t}」不是有效的日期")
        return found

    def options(self, side: Side, period: Atom | None) -> list[Option]:
        """Candidate clock times of a side's time atom."""
        atom = side.slots["time"]
        p = period.vals["period"] if period else None
        opts, err = hour_options(atom.vals["time"], p)
        if err:
            ptext = self.text[period.start:period.end] if period else ""
            raise _time_error(err, self.src(atom), ptext)
        return opts

    def localize(self, day: date, atom: Atom, opts: list[Option]) -> list[datetime]:
        """Aware datetimes for the options; drops skipped wall times unless all are skipped."""
        t = atom.vals["time"]
        if t["off"] is not None:
            # Real offsets run from -12:00 to +14:00; "+48:00" must be invalid, not a crash.
            if not -12 * 60 <= t["off"] <= 14 * 60:
                raise _Invalid(f"“{self.src(atom)}” has no valid UTC offset (-12:00 to +14:00)",
                               f"「{self.src(atom)}」的时区偏移无效（应在 -12:00 到 +14:00 之间）")
            # An explicit UTC offset fixes the instant; show it in the requested zone.
            fixed = timezone(timedelta(minutes=t["off"]))
            naive = datetime(day.year, day.month, day.day) + timedelta(
                days=opts[0][0], hours=opts[0][1], minutes=opts[0][2])
            return [naive.replace(tzinfo=fixed).astimezone(self.tz)]
        out = [dt for o in opts if (dt := at(day, o, self.tz)) is not None]
        if out and at(day, opts[0], self.tz) is not None:
            return out
        wall = datetime(day.year, day.month, day.day) + timedelta(
            days=opts[0][0], hours=opts[0][1], minutes=opts[0][2])
        key = getattr(self.tz, "key", str(self.tz))
        raise _Invalid(f"{_ymdhm(wall)} does not exist in {key} (the clocks skip it)",
                       f"{key} 没有 {_ymdhm(wall)} 这个时刻（时钟调整跳过了它）")


def _side_day(ctx: _Ctx, side: Side) -> tuple[date | None, bool]:
    """A side's date, and whether it came from a bare weekday (周五, fri)."""
    day_atom, wd_atom = side.get("day"), side.get("weekday")
    if day_atom is not None:
        d = ctx.day(day_atom)
        if wd_atom is not None and d.weekday() != wd_atom.vals["weekday"][0]:
            w = wd_atom.vals["weekday"][0]
            raise _Invalid(
                f"{d:%Y-%m-%d} is a {lx.WEEKDAY_EN_LONG[d.weekday()]}, not {lx.WEEKDAY_EN_LONG[w]}",
                f"{d:%Y-%m-%d} 是{lx.WEEKDAY_ZH[d.weekday()]}，不是{lx.WEEKDAY_ZH[w]}")
        return d, False
    if wd_atom is not None:
        w, mod, _ = wd_atom.vals["weekday"]
        return weekday_date(w, mod, ctx.today), mod == "bare"
    return None, False


def _base_day(ctx: _Ctx, ph: Phrase) -> tuple[date | None, bool]:
    """The start's date (from the end if only it names one: "3pm - 4pm tomorrow")."""
    found = _side_day(ctx, ph.head)
    if found[0] is None and ph.tail is not None:
        found = _side_day(ctx, ph.tail)
    return found


def _range_end(ctx: _Ctx, ph: Phrase, day: date, starts: list[datetime]) -> tuple[list[datetime],
                                                                                datetime]:
    """Pick the end (and, when the end settles it, the start's half of the day)."""
    assert ph.tail is not None
    tail, head = ph.tail, ph.head
    end_day = day
    if head.slots.keys() & {"day", "weekday"}:
        end_day = _side_day(ctx, tail)[0] or day  # "周五3点到周六4点"
    period = tail.get("period") or head.get("period")  # 下午3点到4点: the end is 下午 too
    eopts = ctx.options(tail, period)
    ends = ctx.localize(end_day, tail.slots["time"], eopts)
    if len(starts) > 1 and len(ends) == 1:
        # "3-4pm": the start is the latest reading before the end.
        before = [s for s in starts if utc(s) < utc(ends[0])]
        if before:
            starts = [max(before, key=utc)]
    start = starts[0]
    later = [e for e in ends if utc(e) > utc(start)]
    if later:
        return starts, min(later, key=utc)
    # "23:00-01:00" runs past midnight; "15:00-14:00" is a mistake.
    nxt = at(end_day + timedelta(days=1), eopts[0], ctx.tz)
    if nxt is not None and utc(start) < utc(nxt) <= utc(start) + timedelta(hours=12):
        return starts, nxt
    m = ctx.text[ph.start:ph.end]
    raise _Invalid(f"the end of “{m}” is not after its start", f"「{m}」的结束时间不晚于开始时间")


def _result(ctx: _Ctx, ph: Phrase, starts: list[datetime], end: datetime | None) -> TimeResult:
    m = ctx.text[ph.start:ph.end]
    now = utc(ctx.now)
    start = starts[0]
    if len(starts) > 1 and any(utc(s) >= now for s in starts):
        alts = tuple(sorted(starts, key=utc))
        t = ctx.src(ph.head.slots["time"])
        zh = _CJK.search(m) is not None
        opts = " or ".join(_hm(a) for a in alts)
        return TimeResult("ambiguous", start, end, m,
                          f"“{t}” could be {opts} — add {'上午/下午' if zh else 'am/pm'}"
                          f" or use {_hm(start)}",
                          f"「{t}」可能是 {' 或 '.join(_hm(a) for a in alts)}，"
                          f"请加上{'上午/下午' if zh else ' am/pm '}或写成 {_hm(start)}",
                          alts)
    if utc(start) < now:
        return TimeResult("past", start, end, m,
                          f"“{m}” is {_ymdhm(start)}, which is already past",
                          f"「{m}」是 {_ymdhm(start)}，已经过去了")
    return TimeResult("ok", start, end, m, "", "")


def resolve(ph: Phrase, text: str, now: datetime, tz: tzinfo) -> TimeResult:
    """Resolve one phrase; `now` must already be in tz."""
    ctx = _Ctx(text, now, tz)
    m = text[ph.start:ph.end]
    try:
        if ph.rel is not None:
            base = now.replace(second=0, microsecond=0)
            start = utc(base) + timedelta(minutes=ph.rel.vals["rel"])
            return _result(ctx, ph, [start.astimezone(tz)], None)
        day, bare_weekday = _base_day(ctx, ph)
        if "time" not in ph.head.slots:
            raise _Invalid(f"“{m}” has no time of day — add one, e.g. 15:00",
                           f"「{m}」缺少具体时间，例如 15:00")
        day = day or ctx.today
        atom = ph.head.slots["time"]
        opts = ctx.options(ph.head, ph.head.get("period"))
        starts = ctx.localize(day, atom, opts)
        if bare_weekday and day == ctx.today and utc(starts[0]) <= utc(now):
            # A bare weekday naming today, at a time already gone, means next week.
            day += timedelta(days=7)
            starts = ctx.localize(day, atom, opts)
        end = None
        if ph.tail is not None:
            starts, end = _range_end(ctx, ph, day, starts)
        return _result(ctx, ph, starts, end)
    except _Invalid as bad:
        return TimeResult("invalid", None, None, m, bad.en, bad.zh)


def resolve_day(ph: Phrase, text: str, now: datetime) -> date | None:
    """The date a phrase names (ignoring its time), or None if it names no valid day."""
    ctx = _Ctx(text, now, now.tzinfo or UTC)
    try:
        day, _ = _base_day(ctx, ph)
    except _Invalid:
        return None
    return day
