"""Dates and times in interview commands, Chinese and English (standard library only).

    parse_time("明天下午3点", now)   -> TimeResult(status="ok", start=2026-11-26 15:00+08:00, ...)
    extract_time("张三 明天下午3点 面试官 李四 时长:60", now)
        -> (TimeResult(...), "张三 面试官 李四 时长:60")
    parse_day("下周三", now)        -> date(2026, 12, 2)

Statuses: "ok"; "ambiguous" (start is the best guess, alternatives lists every reading);
"past" (fully resolved but before now; start is set); "invalid" (looks like a time but
cannot be one: 2月30日, 25点, 13pm, a day with no time of day, a wall time skipped by a DST
change); "none" (nothing time-like). Non-ok results carry reason_en / reason_zh.

Rules
-----
Zone: `now` (aware) is converted to `tz`; results are aware datetimes in `tz`. A wall time
that falls in a spring-forward gap is "invalid"; a repeated one (fall back) takes the first
occurrence (fold=0). "in 2 hours" / "2小时后" is exact elapsed time (computed in UTC).

Days: no day means today, and a time already gone today is "past" (never moved to
tomorrow); exactly `now` is not past. Weeks run Monday to Sunday.
  * 周五 / 星期五 / fri (bare): the next Friday on or after today; today only if the time
    is still ahead, otherwise a week later.
  * 本周五 / 这周五 / this fri: Friday of this week, even if already past ("past").
  * 下周三 / next wed: Wednesday of next calendar week; 下下周三: two weeks on;
    上周五 / last fri: previous week.
  * 12月1日, Dec 1, 1 Dec, 12/1 (month/day), 12-01 with no year: this year; a date up to
    60 days back is "past" (a slip worth pointing out), one further back is next year's
    (1月5日 asked in December). With a year (2027年1月5日, 2026-12-01) it is used as is.
  * 20号: this month, or the next month that has that day if it is before today.
  * A weekday together with a date (周二 12月1日) must agree, else "invalid".

Hours (the 12/24-hour question):
  * am/pm, or a part of the day (上午 早上 中午 下午 傍晚 晚上 今晚 夜里 凌晨, morning,
    afternoon, evening, tonight) decides it: 下午3点 15:00, 中午1点 13:00, 晚上8点 20:00,
    晚上12点 / midnight = 00:00 of the next day, 晚上1点 / 夜里2点 = early next morning,
    凌晨2点 = 02:00 of the named day. A clash (上午15点, morning 3pm) is "invalid".
  * 24-hour forms are unambiguous: 0 and 12–23 in any form (15:00, 15点, 十二点 = noon),
    zero-padded "09:00", ISO date-times, times with a UTC offset.
  * "H:MM" and "X点" with H = 8–11 (9:00, 10:30, 10点, 十点半) are taken as morning: that
    is how 24-hour time is written, and nobody means an interview at 10 at night.
    "H:MM" with H = 1–7 is ambiguous (1:00 or 13:00).
  * "X点" (any minutes: 3点, 3点半), "3 o'clock" with X = 1–7, and a bare hour after a day
    (fri 3, at 3) with X = 1–11 are ambiguous. A bare number is an hour only after a day
    or part of the day, after "at", or as one end of a marked range (3-4pm); "2 rounds",
    "round 2" and phone numbers stay text.
  * Best guess for an ambiguous hour: 1–7 → afternoon, 8–11 → morning (working hours).
    If every reading is already past the status is "past" instead.
  * Ranges (-, –, ~, 到, 至, to, until): the end inherits the start's day and part of day
    (下午3点到4点 = 15:00–16:00); an unmarked end takes its first reading after the start
    (3pm-4 = 15:00–16:00); a marked end pins an unmarked start (3-4pm = 15:00–16:00).
    An end not after the start is "invalid", except past midnight within 12 hours.

Extraction: #ids, @mentions, e-mail addresses, URLs and key:value options (时长:60, dur:45,
round:2, 原因:…) are never read as times; keys naming a time (时间:, time:, when:) are.
The leftmost phrase with a clock time wins; failing that the leftmost day phrase (which
is "invalid": no time of day). "at"/"on"/"from" just before a phrase go with it.
A capitalised "Sun" alone is taken for the surname, not Sunday (parse_day("Sun") still
reads Sunday). The scanner is linear: every regex quantifier is bounded.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from . import _lexicon as lx
from ._phrase import Phrase, phrases
from ._resolve import NONE, TimeResult, resolve, resolve_day
from ._scan import prepare, scan

__all__ = ["TimeResult", "extract_day", "extract_time", "format_when", "parse_day", "parse_time"]


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _local_now(now: datetime, tz: str | tzinfo) -> tuple[datetime, tzinfo]:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    zone = _zone(tz)
    return now.astimezone(zone), zone


def _remaining(text: str, start: int, end: int) -> str:
    return " ".join((text[:start] + " " + text[end:]).split())


def _find(text: str, allow_weak: bool) -> Phrase | None:
    """The phrase to use: leftmost with a clock time, else leftmost with a day."""
    s = prepare(text)
    first_day: Phrase | None = None
    for ph in phrases(s, scan(s)):
        if ph.has_time:
            return ph
        has_day = ph.head.slots.keys() & {"day", "weekday"}
        if first_day is None and has_day and (allow_weak or not ph.weak):
            first_day = ph
    return first_day


def extract_time(text: str, now: datetime,
                 tz: str | tzinfo = "Asia/Shanghai") -> tuple[TimeResult, str]:
    """Find the time phrase in a command; return it and the command without it."""
    local, zone = _local_now(now, tz)
    ph = _find(text, allow_weak=False)
    if ph is None:
        return NONE, " ".join(text.split())
    return resolve(ph, text, local, zone), _remaining(text, ph.start, ph.end)


def parse_time(text: str, now: datetime, tz: str | tzinfo = "Asia/Shanghai") -> TimeResult:
    """Understand a time phrase such as 明天下午3点, fri 14:00 or 2026-12-01 15:00."""
    local, zone = _local_now(now, tz)
    ph = _find(text, allow_weak=True)
    return NONE if ph is None else resolve(ph, text, local, zone)


def _find_day(text: str, allow_weak: bool) -> Phrase | None:
    s = prepare(text)
    for ph in phrases(s, scan(s)):
        if ph.head.slots.keys() & {"day", "weekday"} and (allow_weak or not ph.weak):
            return ph
    return None


def _day_span(ph: Phrase) -> tuple[int, int]:
    """The part of a phrase that names the day (so "tomorrow 3pm" keeps "3pm")."""
    sides = [ph.head] + ([ph.tail] if ph.tail else [])
    found = sorted({id(a): a for sd in sides for slot, a in sd.slots.items()
                    if slot in ("day", "weekday")}.values(), key=lambda a: a.start)
    # A prefix ("on fri") belongs to the day only when the day opens the phrase.
    start = ph.start if found[0] is ph.atoms[0] else found[0].start
    return start, found[-1].end


def extract_day(text: str, now: datetime,
                tz: str | tzinfo = "Asia/Shanghai") -> tuple[date | None, str]:
    """Find a day (明天, 周五, 12月1日, next wed, Dec 1) in a command; return it and the rest."""
    local, _ = _local_now(now, tz)
    ph = _find_day(text, allow_weak=False)
    if ph is None:
        return None, " ".join(text.split())
    day = resolve_day(ph, text, local)
    if day is None:
        return None, " ".join(text.split())
    return day, _remaining(text, *_day_span(ph))


def parse_day(text: str, now: datetime, tz: str | tzinfo = "Asia/Shanghai") -> date | None:
    """A day alone: 今天, 周五, 下周三, 12月1日, 2026-12-01, tomorrow, next wed, Dec 1, 12/1."""
    local, _ = _local_now(now, tz)
    ph = _find_day(text, allow_weak=True)
    return None if ph is None else resolve_day(ph, text, local)


def _zone_label(dt: datetime) -> str:
    name = dt.tzname() or ""
    if name and name[0] not in "+-" and not name[0].isdigit():
        return name
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_when(start: datetime, end: datetime | None, lang: str) -> str:
    """Echo a time for confirmation: "2026-11-26 (周四) 15:00–16:00 CST" (zh) or "(Thu)" (en)."""
    names = lx.WEEKDAY_ZH if lang.lower().startswith("zh") else lx.WEEKDAY_EN

    def day(dt: datetime) -> str:
        return f"{dt:%Y-%m-%d} ({names[dt.weekday()]})"

    out = f"{day(start)} {start:%H:%M}"
    if end is None:
        return f"{out} {_zone_label(start)}" if start.tzinfo else out
    if start.tzinfo:
        # Show the end in the start's zone (a naive end is taken to be in it already).
        end = end.astimezone(start.tzinfo) if end.tzinfo else end.replace(tzinfo=start.tzinfo)
    if start.tzinfo and _zone_label(start) != _zone_label(end):
        out += f" {_zone_label(start)}"  # the range crosses a DST change
    out += "–" + (f"{day(end)} " if end.date() != start.date() else "") + f"{end:%H:%M}"
    return f"{out} {_zone_label(end)}" if end.tzinfo else out
