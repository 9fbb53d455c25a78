"""Declared interview hours and load caps per interviewer, with organisation defaults.

    interview_hours: {"days": [2, 4], "hours": "14:00-18:00"}  (either may be null = any)
    interview_caps:  {"day": 2, "week": 6}                      (null = no cap)

Parsed from `设置 面试时段 周二 周四 14:00-18:00` and `设置 上限 每天2 每周6`; the work calendar
(commands.workcal) still applies on top of the declared hours.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from commands.settings_store import span, user_setting, weekdays

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_RANGE = re.compile(r"^(\d{1,2}:\d{2})\s*[-–~到至]\s*(\d{1,2}:\d{2})$")
_CAP = re.compile(r"(每天|每日|daily|day|/day|每周|每星期|weekly|week|/week)\s*[:：]?\s*(\d+)"
                  r"|(\d+)\s*(?:次)?\s*(/day|/week|每天|每周|per day|per week|a day|a week)",
                  re.IGNORECASE)
_OFF = ("off", "none", "不限", "无", "关")


def parse_hours(text: str) -> dict[str, Any]:
    """'周二 周四 14:00-18:00' -> {"days": [2, 4], "hours": "14:00-18:00"}; ValueError otherwise."""
    t = text.strip().lower().replace("，", " ").replace(",", " ").replace("、", " ")
    t = re.sub(r"\s*([-–~到至])\s*", r"\1", t)
    days: set[int] = set()
    hours = None
    for word in t.split():
        m = _RANGE.match(word)
        if m:
            if hours is not None:
                raise ValueError(text)
            hours = span(f"{m.group(1)}-{m.group(2)}")
            if hours is None or hours[0] >= hours[1]:
                raise ValueError(text)
            continue
        days.update(weekdays(word))
    if not days and hours is None:
        raise ValueError(text)
    return {"days": sorted(days) or None,
            "hours": f"{hours[0]:%H:%M}-{hours[1]:%H:%M}" if hours else None}


def parse_caps(text: str) -> dict[str, int | None]:
    """'每天2 每周6' / 'day 2 week 6' / '2/day' -> {"day": 2, "week": 6}; ValueError otherwise."""
    t = text.strip().lower()
    if t in _OFF:
        return {"day": None, "week": None}
    caps: dict[str, int | None] = {"day": None, "week": None}
    rest = t
    for m in _CAP.finditer(t):
        unit = (m.group(1) or m.group(4)).lower()
        n = int(m.group(2) or m.group(3))
        key = "week" if ("周" in unit or "星期" in unit or "week" in unit) else "day"
        if caps[key] is not None or not 1 <= n <= 50:
            raise ValueError(text)
        caps[key] = n
        rest = rest.replace(m.group(0), " ", 1)
    if rest.strip(" ,，、") or (caps["day"] is None and caps["week"] is None):
        raise ValueError(text)   # anything not understood refuses the whole value
    return caps


def hours_of(session: Session, user_id: int) -> dict[str, Any]:
    """The person's declared interview hours (their own, else the organisation's)."""
    return user_setting(session, user_id, "interview_hours") or {"days": None, "hours": None}


def caps_of(session: Session, user_id: int) -> dict[str, int | None]:
    """The person's caps (their own, else the organisation's)."""
    return user_setting(session, user_id, "interview_caps") or {"day": None, "week": None}


def within_hours(session: Session, user_id: int, start: datetime, end: datetime,
                 tz: ZoneInfo) -> bool:
    """True when [start, end) lies inside the person's declared interview hours."""
    declared = hours_of(session, user_id)
    s, e = start.astimezone(tz), end.astimezone(tz)
    if declared.get("days") and s.isoweekday() not in declared["days"]:
        return False
    hours = span(declared["hours"]) if declared.get("hours") else None
    if hours is not None:
        a, b = hours
        return s.date() == e.date() and a <= s.time() and e.time() <= b
    return True


def week_bounds(start: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday, local time, around `start`."""
    day = start.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7)


def describe_hours(value: dict[str, Any]) -> str:
    """{"days": [2, 4], "hours": "14:00-18:00"} -> '2,4 14:00-18:00' (or 'any')."""
    days = ",".join(str(d) for d in value.get("days") or []) if value.get("days") else ""
    return " ".join(p for p in (days, value.get("hours") or "") if p) or "any"


def describe_caps(value: dict[str, Any]) -> str:
    """{"day": 2, "week": 6} -> 'day 2, week 6' (or 'none')."""
    parts = [f"{k} {value[k]}" for k in ("day", "week") if value.get(k)]
    return ", ".join(parts) or "none"
