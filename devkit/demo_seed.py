"""The demo's sample company: members with roles now, interviews through the bot's own commands.

Members are written directly (in a real deployment they come from the WeCom directory and an
admin's `role set`); interviews are only ever created by HR sending the schedule command through
the simulator, so the demo data is exactly what the product itself would have made.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from commands.router import Router
from commands.workcal import working_windows
from store.db import Sessions
from store.models import InboundMessage, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Member:
    """A seeded member of the company."""

    userid: str
    name: str
    role: str
    title: str


COMPANY = (
    Member("zhaolei", "赵磊", "admin", "招聘负责人"),
    Member("wangfang", "王芳", "hr", "HR"),
    Member("lisi", "李四", "interviewer", "后端工程师"),
    Member("zhangwei", "张伟", "interviewer", "前端工程师"),
    Member("chenjing", "陈静", "interviewer", "产品经理"),
)
HR = "wangfang"

# Interviews on the next two working days, as HR would type them (candidates are created by
# the command itself); {0} and {1} become those days, so a Friday demo does not book Saturday.
INTERVIEWS = (
    "安排 张三 {0} 下午3点 面试官 李四",
    "安排 孙丽 {0} 上午10点 面试官 张伟",
    "安排 周杰 {1} 下午2点 面试官 李四",
    "安排 吴敏 {1} 下午4点 面试官 陈静",
)
SCHEDULE_COMMAND = "schedule"


def seed_users(sessions: Sessions, now: datetime) -> int:
    """Create the sample members that do not exist yet; returns how many were created."""
    created = 0
    with sessions.begin() as s:
        known = set(s.scalars(select(User.wecom_userid)).all())
        for m in COMPANY:
            if m.userid not in known:
                # The sample company's directory: its names are real (directory_name, what
                # HR names people by), so the worker's user/get sync leaves them alone.
                s.add(User(wecom_userid=m.userid, name=m.name, directory_name=m.name,
                           role=m.role, created_at=now, name_synced=True))
                created += 1
    return created


def can_schedule(router: Router) -> bool:
    """True once the interview commands have registered `schedule` with the router."""
    return any(c.name == SCHEDULE_COMMAND for c in router.commands)


def hr_has_spoken(sessions: Sessions) -> bool:
    """Whether the sample HR ever sent the bot anything (then interviews were seeded before)."""
    with sessions() as s:
        return s.scalar(select(InboundMessage.dedupe_key)
                        .where(InboundMessage.from_user == HR).limit(1)) is not None


def working_days_after(sessions: Sessions, now: datetime, tz: str,
                       count: int = 2) -> list[date]:
    """The next `count` working days of the organisation's calendar after `now`'s day."""
    zone = ZoneInfo(tz)
    day = now.astimezone(zone).date()
    out: list[date] = []
    with sessions() as s:
        while len(out) < count:
            day += timedelta(days=1)
            if working_windows(s, None, day, zone):
                out.append(day)
    return out


def seed_interviews(sessions: Sessions, router: Router,
                    send: Callable[[str, str], object], now: datetime | None = None,
                    tz: str = "Asia/Shanghai") -> int:
    """HR schedules interviews on the next two working days by messaging the bot; returns
    messages sent.

    `send(userid, text)` must go through the real callback path (the simulator's WeComSide).
    """
    if not can_schedule(router):
        # Only the command may create interviews; without it the sample company has none.
        log.warning("demo seed: no schedule command yet, so no sample interviews")
        return 0
    if hr_has_spoken(sessions):
        return 0
    days = [f"{d.month}月{d.day}日" for d in
            working_days_after(sessions, now or datetime.now(UTC), tz)]
    for text in INTERVIEWS:
        send(HR, text.format(*days))
    return len(INTERVIEWS)
