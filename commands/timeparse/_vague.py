"""Days a vague phrase may mean (下周, 周末, 月底, 月初), offered back as concrete choices."""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from . import holidays
from ._lexicon import WEEKDAY_EN, WEEKDAY_ZH

# How many working days to offer at the start, middle or end of a month.
_MONTH_CHOICES = 3
_NAMES = {"week": ("{}几？", "which day of {}?"),
          "weekend": ("周六还是周日？", "Saturday or Sunday?"),
          "month_end": ("{}的哪一天？", "which day?"), "month_start": ("{}的哪一天？", "which day?"),
          "month_mid": ("{}的哪一天？", "which day?")}


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _month(today: date, k: int, month: int | None) -> tuple[int, int]:
    if month is not None:   # 12月底: this year's, or next year's once it is over
        year = today.year if (today.year, month) >= (today.year, today.month) else today.year + 1
        return year, month
    total = today.year * 12 + today.month - 1 + k
    return total // 12, total % 12 + 1


def _working(first: date, last: date, today: date) -> list[date]:
    days = [d for d in holidays.working_days(first, last) if d >= today]
    return days or [d for d in _span(first, last) if d >= today]


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _month_days(kind: str, year: int, month: int, today: date) -> list[date]:
    last_day = calendar.monthrange(year, month)[1]
    if kind == "month_end":
        days = _working(date(year, month, last_day - 9), date(year, month, last_day), today)
        return days[-_MONTH_CHOICES:]
    if kind == "month_start":
        return _working(date(year, month, 1), date(year, month, 10), today)[:_MONTH_CHOICES]
    return _working(date(year, month, 13), date(year, month, 17), today)[:_MONTH_CHOICES]


def choices(spec: tuple[Any, ...], today: date) -> list[date]:
    """The days a vague spec ("vague", kind, offset, month) may mean, in order; never past."""
    _, kind, offset, month = spec
    if kind in ("week", "weekend"):
        monday = _monday(today) + timedelta(weeks=offset)
        if kind == "weekend":
            return [d for d in (monday + timedelta(days=5), monday + timedelta(days=6))
                    if d >= today]
        return _working(monday, monday + timedelta(days=6), today)
    year, mon = _month(today, offset, month)
    days = _month_days(kind, year, mon, today)
    if not days and offset == 0 and month is None:   # 月底 asked after the month's last days
        year, mon = _month(today, 1, None)
        days = _month_days(kind, year, mon, today)
    return days


def label(d: date, lang: str) -> str:
    """A choice as shown: "12-09 周三" / "Wed 12-09"."""
    if lang == "zh":
        return f"{d:%m-%d} {WEEKDAY_ZH[d.weekday()]}"
    return f"{WEEKDAY_EN[d.weekday()]} {d:%m-%d}"


def question(spec: tuple[Any, ...], part: str, days: list[date]) -> tuple[str, str]:
    """(zh, en) question naming the vague part and listing the choices by number."""
    kind = spec[1]
    zh_q, en_q = _NAMES[kind]
    zh_q = zh_q.format(part)
    en_q = en_q.format(f"“{part}”")
    zh_list = "  ".join(f"{i}) {label(d, 'zh')}" for i, d in enumerate(days, 1))
    en_list = "  ".join(f"{i}) {label(d, 'en')}" for i, d in enumerate(days, 1))
    return (f"没看懂「{part}」是哪一天：{zh_q}"
            f"请回复序号或日期：{zh_list}",
            f"“{part}” is not a day: {en_q} Reply with a number or a date: {en_list}")
