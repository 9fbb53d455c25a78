"""Turns a phrase into a TimeResult relative to `now`, in a time zone."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from . import _lexicon as lx
from . import _vague, holidays
from ._hours import Option, day_of, hour_options, weekday_date
from ._phrase import Phrase, Side
from ._scan import Atom


@dataclass(frozen=True)
class TimeResult:
    """What a time phrase means; see the package docstring for the statuses.

    A question (ambiguous, unclear, or a day with no time) names the part it is about:
    `part` and its `span` in the text, and `ask` says how an answer fits in: "hour" (the
    answer replaces the part: 下午3点 for 3点), "day" (the answer picks one of `days`, or
    replaces the part), "time_of_day" (the answer is added after the part: 明天 + 下午3点).
    `readings` are how each non-literal part was read, (source, zh, en), for the echo.
    """

    status: str
    start: datetime | None
    end: datetime | None
    matched: str
    reason_en: str
    reason_zh: str
    alternatives: tuple[datetime, ...] = ()
    part: str = ""
    span: tuple[int, int] | None = None
    ask: str = ""
    days: tuple[date, ...] = ()
    readings: tuple[tuple[str, str, str], ...] = ()
    provisional: bool = False


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
    def __init__(self, en: str, zh: str, part: Atom | None = None, ask: str = ""):
        super().__init__(en)
        self.en, self.zh, self.part, self.ask = en, zh, part, ask


class _Unclear(Exception):
    """A vague day (下周, 周末, 月底): which of `days`?"""

    def __init__(self, atom: Atom, days: list[date], zh: str, en: str):
        super().__init__(en)
        self.atom, self.days, self.zh, self.en = atom, days, zh, en


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
        self.provisional = False

    def src(self, atom: Atom) -> str:
        """The original text of an atom."""
        return self.text[atom.start:atom.end]

    def day(self, atom: Atom) -> date:
        """The date an atom with a day names."""
        spec = atom.vals["day"]
        if spec[0] == "vague":
            days = _vague.choices(spec, self.today)
            t = self.src(atom)
            if not days:
                raise _Invalid(f"“{t}” is already over", f"「{t}」已经过去了")
            zh, en = _vague.question(spec, t, days)
            raise _Unclear(atom, days, zh, en)
        if spec[0] == "holiday":
            return self.holiday(atom, spec[1])
        found = day_of(spec, self.today)
        if found is None:
            t = self.src(atom)
            raise _Invalid(f"“{t}” is not a valid date", f"「{t}」不是有效的日期")
        return found

    def holiday(self, atom: Atom, word: str) -> date:
        """The festival day of the next holiday named by the atom (元旦, 国庆节, national day)."""
        h = holidays.next_holiday(word, self.today)
        t = self.src(atom)
        if h is None:
            years = holidays.known_years()
            raise _Invalid(f"the dates of “{t}” after {years.stop - 1} are not known yet; "
                           "please give the date",
                           f"还没有 {years.stop - 1} 年以后「{t}」的日期，请直接写日期")
        self.provisional = self.provisional or h.provisional
        return h.day

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
            # 12月8日（周三） when the 8th is a Tuesday: ask which of the two was meant.
            w = wd_atom.vals["weekday"][0]
            other = d + timedelta(days=(w - d.weekday() + 3) % 7 - 3)
            end = max(day_atom.end, wd_atom.end)
            end += ctx.text[end:end + 1] in (")", "）", "】", "]")
            both = Atom(min(day_atom.start, wd_atom.start), end, {})
            t = ctx.src(both)
            days = sorted({d, other})
            opts_zh = "  ".join(f"{i}) {_vague.label(x, 'zh')}" for i, x in enumerate(days, 1))
            opts_en = "  ".join(f"{i}) {_vague.label(x, 'en')}" for i, x in enumerate(days, 1))
            raise _Unclear(
                both, days,
                f"「{t}」对不上：{d:%Y-%m-%d} 是{lx.WEEKDAY_ZH[d.weekday()]}，不是"
                f"{lx.WEEKDAY_ZH[w]}。是哪一天？请回复序号或日期：{opts_zh}",
                f"“{t}” does not agree: {d:%Y-%m-%d} is a {lx.WEEKDAY_EN_LONG[d.weekday()]}, "
                f"not {lx.WEEKDAY_EN_LONG[w]}. Which day? Reply with a number or a date: {opts_en}")
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
        atom = ph.head.slots["time"]
        return TimeResult("ambiguous", start, end, m,
                          f"“{t}” could be {opts} — add {'上午/下午' if zh else 'am/pm'}"
                          f" or use {_hm(start)}",
                          f"「{t}」可能是 {' 或 '.join(_hm(a) for a in alts)}，"
                          f"请加上{'上午/下午' if zh else ' am/pm '}或写成 {_hm(start)}",
                          alts, part=t, span=(atom.start, atom.end), ask="hour",
                          readings=_readings(ctx, ph, start, end), provisional=ctx.provisional)
    readings = _readings(ctx, ph, start, end)
    if utc(start) < now:
        return TimeResult("past", start, end, m,
                          f"“{m}” is {_ymdhm(start)}, which is already past",
                          f"「{m}」是 {_ymdhm(start)}，已经过去了", readings=readings,
                          provisional=ctx.provisional)
    return TimeResult("ok", start, end, m, "", "", readings=readings,
                      provisional=ctx.provisional)


def _literal(atom: Atom) -> bool:
    """A day written out in full (2026-12-09, 2026年12月9日): nothing to explain."""
    spec = atom.vals.get("day")
    return spec is not None and spec[0] == "ymd" and spec[1] is not None and \
        "holiday" not in atom.vals


def _reading(ctx: _Ctx, atom: Atom, d: date) -> tuple[str, str, str]:
    t = ctx.src(atom)
    zh = f"{t} → {d:%Y-%m-%d} ({lx.WEEKDAY_ZH[d.weekday()]})"
    en = f"{t} → {d:%Y-%m-%d} ({lx.WEEKDAY_EN[d.weekday()]})"
    spec = atom.vals.get("day")
    if spec is not None and spec[0] == "holiday":
        h = holidays.next_holiday(spec[1], ctx.today)
        if h is not None and h.provisional:
            zh += f"（{h.day.year} 年放假安排尚未公布，按传统日期）"
            en += f" (the official {h.day.year} holiday dates are not out yet; traditional date)"
    return t, zh, en


def _readings(ctx: _Ctx, ph: Phrase, start: datetime,
              end: datetime | None) -> tuple[tuple[str, str, str], ...]:
    """How each part that is not written out in full was read, for the echo."""
    out: list[tuple[str, str, str]] = []
    if ph.rel is not None:
        t = ctx.src(ph.rel)
        return ((t, f"{t} → {_ymdhm(start)}", f"{t} → {_ymdhm(start)}"),)
    sides = [(ph.head, start)] + ([(ph.tail, end)] if ph.tail is not None and end else [])
    seen: set[int] = set()
    for side, when in sides:
        for slot in ("day", "weekday"):
            atom = side.get(slot)
            if atom is None or id(atom) in seen or _literal(atom):
                continue
            seen.add(id(atom))
            if slot == "weekday" and side.get("day") is not None:
                continue   # the date says it; the weekday only had to agree
            out.append(_reading(ctx, atom, when.astimezone(ctx.tz).date()))
    return tuple(out)


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
        if "time" not in ph.head.slots and ph.noon_only:
            p = ph.head.slots["period"]   # 后天中午: noon, as "noon tomorrow" is
            ph.head.slots["time"] = Atom(p.start, p.end, {"time": {
                "h": 12, "m": 0, "fmt": "word", "ap": None, "off": None, "word": "noon"}})
        if "time" not in ph.head.slots:
            raise _Invalid(f"“{m}” has no time of day — what time? e.g. 15:00",
                           f"「{m}」缺少具体时间：几点？例如 15:00", ask="time_of_day")
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
    except _Unclear as q:
        return TimeResult("unclear", None, None, m, q.en, q.zh, part=ctx.src(q.atom),
                          span=(q.atom.start, q.atom.end), ask="day", days=tuple(q.days))
    except _Invalid as bad:
        if bad.ask == "time_of_day":
            return TimeResult("invalid", None, None, m, bad.en, bad.zh, part=m,
                              span=(ph.start, ph.end), ask="time_of_day")
        return TimeResult("invalid", None, None, m, bad.en, bad.zh)


def resolve_day(ph: Phrase, text: str, now: datetime) -> date | None:
    """The date a phrase names (ignoring its time), or None if it names no valid day."""
    ctx = _Ctx(text, now, now.tzinfo or UTC)
    try:
        day, _ = _base_day(ctx, ph)
    except (_Invalid, _Unclear):
        return None
    return day
