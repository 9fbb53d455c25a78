"""Organisation and per-user settings with defaults: the API the reminder clock builds on.

    org_setting(session, "work_hours")            -> "09:00-19:00" (the default until set)
    set_org_setting(session, "remind_offsets_min", [30, 10], by=user, now=now)
    user_setting(session, user_id, "remind_offsets_min")  -> the user's own, else the org's

Values are JSON: lists of ints for offsets, "HH:MM" / "HH:MM-HH:MM" strings ("off" turns a
clock off), ints for minutes and counts.
"""
from __future__ import annotations

import re
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from store.hiring import OrgSetting, UserSetting
from store.sql import insert_ignore

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from store.models import User

ORG_DEFAULTS: dict[str, Any] = {
    "remind_offsets_min": [60, 15],     # reminders this many minutes before the start
    "digest_time": "09:00",             # daily agenda, local time; "off" for none
    "feedback_first_after_min": 60,     # first feedback reminder after the end
    "feedback_every_min": 1440,         # then every …
    "feedback_max": 10,                 # … at most this many times
    "quiet_hours": "22:00-08:00",       # no reminders in between; "off" for none
    "work_hours": "09:00-19:00",        # free slots and suggestions stay inside these
    "completed_grace_min": 15,          # a live interview counts as completed this long after its end
    "language": "zh",                   # what is pushed to people who have not chosen (zh | en)
    "work_days": [1, 2, 3, 4, 5],       # ISO weekdays (1 = Monday); public holidays are off too
    "lunch": "12:00-13:30",             # no interviews suggested in between; "off" for none
    "calendar": False,                  # put interviews on the WeCom interview calendar (日程)
    "calendar_id": None,                # that calendar's cal_id (`interview-bot calendar setup`)
    "meetings": False,                  # 形式:视频 makes a WeCom meeting (会议)
    "rooms": False,                     # 形式:现场 books a WeCom meeting room (会议室)
    "interview_hours": None,            # {"days": [...], "hours": "HH:MM-HH:MM"}; None = any
    "interview_caps": None,             # {"day": n, "week": n}; None = no cap (commands.availability)
    "invite_wording": None,             # the words atop the self-scheduling page; None = ours
}
# Keys a user may override for themselves; the rest are organisation-wide only.
USER_KEYS = ("remind_offsets_min", "digest_enabled", "work_hours", "work_days", "lunch",
             "interview_hours", "interview_caps")
USER_DEFAULTS: dict[str, Any] = {"digest_enabled": True}


# A read-only pass that asks the same settings hundreds of times (the self-scheduling page
# trying every slot) puts a dict under this key of session.info; lookups are then memoised.
MEMO = "settings_memo"


def org_setting(session: Session, key: str) -> Any:
    """The organisation's value of `key`, or its default; unknown keys raise KeyError."""
    default = ORG_DEFAULTS[key]
    memo = session.info.get(MEMO)
    if memo is not None and ("org", key) in memo:
        return memo[("org", key)]
    row = session.get(OrgSetting, key)
    value = default if row is None else row.value
    if memo is not None:
        memo[("org", key)] = value
    return value


def org_settings(session: Session) -> dict[str, Any]:
    """Every organisation setting, defaults filled in."""
    stored = {r.key: r.value for r in session.scalars(select(OrgSetting))}
    return {k: stored.get(k, v) for k, v in ORG_DEFAULTS.items()}


def set_org_setting(session: Session, key: str, value: Any, *, by: User | None,
                    now: datetime) -> Any:
    """Store an organisation setting; returns the previous value (default if never set)."""
    if key not in ORG_DEFAULTS:
        raise KeyError(key)
    before = org_setting(session, key)
    row = session.get(OrgSetting, key)
    if row is None:
        # Two admins setting a key at once: the second insert is a no-op, then both update.
        insert_ignore(session, OrgSetting, dict(key=key, value=value, updated_at=now,
                                                updated_by=by.id if by else None), ("key",))
        row = session.get_one(OrgSetting, key, populate_existing=True)
    row.value, row.updated_at, row.updated_by = value, now, by.id if by else None
    return before


def user_setting(session: Session, user_id: int, key: str) -> Any:
    """The user's own value of `key`, else the organisation's (or the default)."""
    memo = session.info.get(MEMO)
    if memo is not None and (user_id, key) in memo:
        return memo[(user_id, key)]
    row = session.get(UserSetting, (user_id, key))
    if row is not None:
        value = row.value
    else:
        value = USER_DEFAULTS[key] if key in USER_DEFAULTS else org_setting(session, key)
    if memo is not None:
        memo[(user_id, key)] = value
    return value


def set_user_setting(session: Session, user_id: int, key: str, value: Any,
                     now: datetime) -> Any:
    """Store (or with value None, clear) a user's override; returns the previous value."""
    if key not in USER_KEYS:
        raise KeyError(key)
    before = user_setting(session, user_id, key)
    row = session.get(UserSetting, (user_id, key))
    if value is None:
        if row is not None:
            session.delete(row)
            session.flush()           # so a read in this transaction sees it gone
    elif row is None:
        session.add(UserSetting(user_id=user_id, key=key, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now
    return before


def parse_hhmm(text: str) -> time:
    """'9:00' or '09:00' -> time(9, 0); ValueError otherwise."""
    h, m = text.strip().split(":")
    return time(int(h), int(m))


_WEEKDAY = {**{str(i): i for i in range(1, 8)},
            **{c: i for i, c in enumerate("一二三四五六日", 1)}, "天": 7,
            **{d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 1)}}


def weekdays(word: str) -> range:
    """'周一-周五', '1-5', 'mon-fri', '周二' -> ISO weekdays (1 = Monday); ValueError otherwise."""
    ends = re.split(r"[-–~至到]", re.sub(r"(周|星期|礼拜)", "", word.strip().lower()))
    if len(ends) > 2 or any(e not in _WEEKDAY for e in ends):
        raise ValueError(word)
    first, last = _WEEKDAY[ends[0]], _WEEKDAY[ends[-1]]
    if first > last:
        raise ValueError(word)
    return range(first, last + 1)


def span(value: str) -> tuple[time, time] | None:
    """'09:00-19:00' -> (09:00, 19:00); 'off' -> None."""
    if value == "off":
        return None
    a, b = value.split("-")
    return parse_hhmm(a), parse_hhmm(b)
