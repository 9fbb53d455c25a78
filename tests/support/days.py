"""A date that is a working day whatever day the suite runs on, for tests that must book
without the bot asking about a weekend or a holiday (it rightly asks then)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from commands.timeparse.holidays import holidays


def next_working_day(tz: str = "Asia/Shanghai") -> date:
    """The first Monday-to-Friday after today (in `tz`) that is no public holiday's day off."""
    day = datetime.now(ZoneInfo(tz)).date() + timedelta(days=1)
    while day.weekday() >= 5 or any(h.first <= day <= h.last for h in holidays()):
        day += timedelta(days=1)
    return day


def zh_day(day: date) -> str:
    """The day as a user writes it in Chinese: 12月7日."""
    return f"{day.month}月{day.day}日"
