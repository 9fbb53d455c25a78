"""Clock readings to 24-hour candidates, and day specs to dates."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from . import _lexicon as lx

# An option is (days after the base date, hour, minute); "晚上12点" is (1, 0, 0).
Option = tuple[int, int, int]
Reason = tuple[str, str]

# Hours (24h) each part of the day can contain; used to reject "morning 3pm" or "上午15点".
_FITS = {
    "morning": lambda h: h <= 12, "dawn": lambda h: h < 7, "noon": lambda h: 11 <= h <= 14,
    "afternoon": lambda h: h >= 12, "dusk": lambda h: 15 <= h <= 21,
    "evening": lambda h: h >= 16 or h < 5, "night": lambda h: h >= 18 or h < 6,
}
_NEXT_DAY_AFTER_DARK = ("evening", "night")


def _with_period(period: str, h: int, m: int) -> Option | None:
    """A 1–12 hour read with a part of the day (下午3点, 晚上8点, 凌晨2点); None if they clash."""
    if period == "morning":
        return (0, h, m)
    if period == "dawn":
        return (0, 0 if h == 12 else h, m)
    if period == "noon":
        return (0, h, m) if h in (11, 12) else (0, h + 12, m) if h <= 6 else None
    if period == "afternoon":
        return (0, 12 if h == 12 else h + 12, m)
    if period == "dusk":
        return None if h == 12 else (0, h + 12, m)
    # 晚上/夜里: the night runs past midnight, so 晚上12点 and 夜里1点 are the next day.
    small = 4 if period == "evening" else 5
    if h == 12:
        return (1, 0, m)
    return (1, h, m) if h <= small else (0, h + 12, m)


def hour_options(t: dict[str, Any], period: str | None) -> tuple[list[Option], str | None]:
    """Candidates for a clock reading, best guess first; or an error kind.

    Error kinds: "time" (impossible reading), "ampm" (13pm), "clash" (上午15点).
    """
    h, m, fmt = t["h"], t["m"], t["fmt"]
    if not 0 <= m <= 59 or h < 0:
        return [], "time"
    if fmt == "word":
        return [(1, 0, 0) if t["word"] == "midnight" else (0, 12, 0)], None
    if t["ap"]:
        if not 1 <= h <= 12:
            return [], "ampm"
        h24 = h % 12 + (12 if t["ap"] == "p" else 0)
        if period and not _FITS[period](h24):
            return [], "clash"
        day = 1 if period in _NEXT_DAY_AFTER_DARK and h24 < 6 else 0
        return [(day, h24, m)], None
    if h > 24 or (h == 24 and m):
        return [], "time"
    if h == 24:
        return [(1, 0, 0)], None
    if period:
        if h == 0 or h > 12:
            if not _FITS[period](h) and not (h == 0 and period in _NEXT_DAY_AFTER_DARK):
                return [], "clash"
            return [(1 if h == 0 and period in _NEXT_DAY_AFTER_DARK else 0, h, m)], None
        opt = _with_period(period, h, m)
        return ([opt], None) if opt else ([], "clash")
    # No marker. 0, 12–23, zero-padded "09:00", ISO and explicit offsets are 24-hour clock;
    # "8:00"–"11:59" written with a colon is how people write morning times in 24h.
    # So is "8点"–"11点": an interview at 10 at night is not a reading worth asking about.
    if (h == 0 or h >= 12 or fmt in ("clock0", "iso") or t["off"] is not None
            or (fmt in ("clock", "dian") and h >= 8)):
        return [(0, h, m)], None
    am, pm = (0, h, m), (0, h + 12, m)
    # Interviews happen in working hours: 1–7 most likely afternoon, 8–11 morning.
    return ([pm, am] if h <= 7 else [am, pm]), None


def _add_months(d: date, k: int) -> tuple[int, int]:
    total = d.year * 12 + d.month - 1 + k
    return total // 12, total % 12 + 1


def _valid(y: int, mo: int, d: int) -> date | None:
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def day_of(spec: tuple[Any, ...], today: date) -> date | None:
    """The date for a day spec, or None when it names no real date (2月30日, 13月1日)."""
    kind = spec[0]
    if kind == "rel":
        return today + timedelta(days=spec[1])
    if kind == "ymd":
        _, year, mo, d = spec
        if year is not None:
            return _valid(year, mo, d)
        if _valid(2000, mo, d) is None:  # 2000 is a leap year, so 2月29日 passes here
            return None
        # No year: this year; a date up to two months back is a mistake to point out ("past"),
        # one further back means next year (in December, "1月5日" is next January).
        this_year = _valid(today.year, mo, d)
        if this_year is not None and today - timedelta(days=60) <= this_year:
            return this_year
        for y in range(today.year, today.year + 9):
            found = _valid(y, mo, d)
            if found is not None and found >= today:
                return found
        return None
    _, d, which = spec  # "dom": 20号, 下个月5号
    months = {"this": (0,), "next": (1,)}.get(which, (0, 1, 2))
    for k in months:
        found = _valid(*_add_months(today, k), d)
        if found is not None and (which is not None or found >= today):
            return found
    return None


def weekday_date(w: int, mod: str, today: date) -> date:
    """周五 / 本周五 / 下周五 / 上周五; weeks run Monday to Sunday."""
    if mod == "bare":
        return today + timedelta(days=(w - today.weekday()) % 7)
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * lx.WEEK_OFFSET[mod] + w)
