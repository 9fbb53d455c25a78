"""China's official public holidays and make-up working days (调休), by date.

A minimal stand-in with the 2026 calendar (and 2027's 元旦); issue 11 replaces it with the
data-file version behind the same three functions.
"""
from __future__ import annotations

from datetime import date, timedelta

# (zh, en, first day, last day, provisional)
_HOLIDAYS: tuple[tuple[str, str, date, date, bool], ...] = (
    ("元旦", "New Year's Day", date(2026, 1, 1), date(2026, 1, 3), False),
    ("春节", "Spring Festival", date(2026, 2, 15), date(2026, 2, 23), False),
    ("清明", "Qingming Festival", date(2026, 4, 4), date(2026, 4, 6), False),
    ("劳动节", "Labour Day", date(2026, 5, 1), date(2026, 5, 5), False),
    ("端午", "Dragon Boat Festival", date(2026, 6, 19), date(2026, 6, 21), False),
    ("中秋", "Mid-Autumn Festival", date(2026, 9, 25), date(2026, 9, 27), False),
    ("国庆", "National Day", date(2026, 10, 1), date(2026, 10, 7), False),
    ("元旦", "New Year's Day", date(2027, 1, 1), date(2027, 1, 1), True),
)
# Weekend days that are official working days in exchange for a holiday bridge.
_MAKEUP = frozenset({date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                     date(2026, 9, 20), date(2026, 10, 10)})


def holiday_on(d: date) -> tuple[str, str] | None:
    """The (zh, en) name of the official day off on d, or None."""
    for zh, en, first, last, _ in _HOLIDAYS:
        if first <= d <= last:
            return zh, en
    return None


def is_makeup_workday(d: date) -> bool:
    """True when d is a weekend day that is an official working day (调休)."""
    return d in _MAKEUP


def holiday_dates(name: str, after: date) -> tuple[date, date, bool] | None:
    """(first, last, provisional) of the next holiday called name (zh or en) ending after `after`."""
    key = name.strip().lower()
    for zh, en, first, last, provisional in _HOLIDAYS:
        if key in (zh, en.lower()) and last + timedelta(days=0) >= after:
            return first, last, provisional
    return None
