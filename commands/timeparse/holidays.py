"""Public holidays of mainland China, read from holidays_cn.json (the official dates per year).

    holiday_on(date(2026, 10, 3))           -> ("国庆", "National Day")
    is_makeup_workday(date(2026, 9, 20))    -> True   (a 调休 Sunday that is a working day)
    holiday_dates("春节", date(2026, 12, 3)) -> (date(2027, 2, 5), date(2027, 2, 8), True)

A year whose State Council notice is not out is marked provisional in the data; every answer
that relies on it says so, so a reply can warn that the dates may still change.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("holidays_cn.json")

# Every way a holiday is named -> its key in the data file. English names too.
NAMES: dict[str, str] = {
    "元旦": "元旦", "新年": "元旦", "元旦节": "元旦", "new year": "元旦", "new year's day": "元旦",
    "new years day": "元旦", "new year’s day": "元旦",
    "春节": "春节", "过年": "春节", "大年初一": "春节", "chinese new year": "春节",
    "spring festival": "春节", "lunar new year": "春节",
    "清明": "清明", "清明节": "清明", "qingming": "清明", "tomb sweeping day": "清明",
    "劳动节": "劳动节", "五一": "劳动节", "五一劳动节": "劳动节", "labor day": "劳动节",
    "labour day": "劳动节", "may day": "劳动节",
    "端午": "端午", "端午节": "端午", "dragon boat festival": "端午",
    "中秋": "中秋", "中秋节": "中秋", "mid-autumn festival": "中秋", "mid autumn festival": "中秋",
    "国庆": "国庆", "国庆节": "国庆", "national day": "国庆",
}
EN: dict[str, str] = {"元旦": "New Year's Day", "春节": "Spring Festival", "清明": "Qingming",
                      "劳动节": "Labour Day", "端午": "Dragon Boat Festival",
                      "中秋": "Mid-Autumn Festival", "国庆": "National Day"}


@dataclass(frozen=True)
class Holiday:
    """One holiday in one year: the festival day, the days off, the make-up working days."""

    name: str
    day: date
    first: date
    last: date
    makeup: tuple[date, ...]
    provisional: bool


@cache
def holidays() -> tuple[Holiday, ...]:
    """Every holiday in the data file, in date order."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    out = []
    for year in raw["years"].values():
        provisional = bool(year.get("provisional", False))
        for h in year["holidays"]:
            first, last = (date.fromisoformat(x) for x in h["off"])
            out.append(Holiday(h["name"], date.fromisoformat(h["day"]), first, last,
                               tuple(date.fromisoformat(x) for x in h["makeup"]), provisional))
    return tuple(sorted(out, key=lambda h: h.first))


def known_years() -> range:
    """The years the data file covers."""
    years = [h.day.year for h in holidays()]
    return range(min(years), max(years) + 1)


def holiday_on(d: date) -> tuple[str, str] | None:
    """(zh, en) name of the holiday if d is an official day off, else None."""
    for h in holidays():
        if h.first <= d <= h.last:
            return h.name, EN[h.name]
    return None


def is_makeup_workday(d: date) -> bool:
    """True for an official 调休 weekend day that is a working day."""
    return any(d in h.makeup for h in holidays())


def key_of(name: str) -> str | None:
    """The data key (元旦, 春节, …) for any name of a holiday, Chinese or English."""
    return NAMES.get(" ".join(name.lower().replace("’", "'").split()))


def next_holiday(name: str, after: date) -> Holiday | None:
    """The next holiday called name whose festival day is on or after `after`."""
    key = key_of(name)
    if key is None:
        return None
    return next((h for h in holidays() if h.name == key and h.day >= after), None)


def holiday_dates(name: str, after: date) -> tuple[date, date, bool] | None:
    """First and last day off of the next holiday called name, and whether it is provisional.

    "Next" means its days off are not all over by `after`; None if the data does not reach it.
    """
    key = key_of(name)
    if key is None:
        return None
    for h in holidays():
        if h.name == key and h.last >= after:
            return h.first, h.last, h.provisional
    return None


def is_day_off(d: date) -> bool:
    """A holiday, or a weekend that is not a make-up working day."""
    return holiday_on(d) is not None or (d.weekday() >= 5 and not is_makeup_workday(d))


def working_days(first: date, last: date) -> list[date]:
    """The working days from first to last inclusive (holidays and 调休 counted)."""
    out, d = [], first
    while d <= last:
        if not is_day_off(d):
            out.append(d)
        d += timedelta(days=1)
    return out
