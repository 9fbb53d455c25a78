"""Admin tools for the WeCom office side: `calendar setup` and check-config's feature lines."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import sessionmaker

from bot.pipeline.oa_sync import ENABLE
from bot.wecom import oa
from bot.wecom.client import WeComClient
from bot.wecom.errors import WeComError
from commands.settings_store import org_setting, set_org_setting
from store.wecom_oa import WeComFeature

Out = Callable[[str], object]


def calendar_setup(sessions: sessionmaker, client: WeComClient, *, agent_id: int,
                   organizer: str, name: str, now: datetime, out: Out) -> int:
    """Create the interview calendar once, store its cal_id and switch the feature on."""
    with sessions() as s:
        existing = org_setting(s, "calendar_id")
    if existing:
        out(f"ok   the interview calendar exists already (cal_id {existing}); nothing to do")
        return 0
    try:
        cal_id = oa.calendar_add(client, organizer=organizer, summary=name[:128],
                                 agentid=agent_id,
                                 description="面试机器人安排的面试 / Interviews booked by the bot")
    except WeComError as exc:
        hint = f" — {ENABLE['calendar'][1]}" if oa.not_permitted(exc) else ""
        out(f"FAIL oa/calendar/add: {exc}{hint}")
        return 1
    with sessions.begin() as s:
        set_org_setting(s, "calendar_id", cal_id, by=None, now=now)
        set_org_setting(s, "calendar", True, by=None, now=now)
    out(f"ok   created the calendar “{name}” (cal_id {cal_id}, organizer {organizer}); "
        "calendar events are on (turn off with 设置 全局 日历 关)")
    return 0


def feature_lines(sessions: sessionmaker, client: WeComClient, *, admin: str | None,
                  now: datetime) -> list[str]:
    """One line per feature: on, off or not permitted (probed with a read-only call)."""
    with sessions() as s:
        on = {k: bool(org_setting(s, k)) for k in ("calendar", "meetings", "rooms")}
        cal_id = org_setting(s, "calendar_id")
        refused = {f.feature: f.errcode for f in s.query(WeComFeature)}
    probes: dict[str, Callable[[], object]] = {
        "calendar": (lambda: oa.schedules_of_calendar(client, cal_id)) if cal_id else
        (lambda: None),
        "meetings": (lambda: oa.meetings_of_user(client, admin, int(now.timestamp()),
                                                 int((now + timedelta(days=1)).timestamp())))
        if admin else (lambda: None),
        "rooms": lambda: oa.rooms(client)}
    lines = []
    for feature, probe in probes.items():
        try:
            probe()
            denied = None
        except WeComError as exc:
            denied = getattr(exc, "errcode", None) if oa.not_permitted(exc) else None
        denied = denied or refused.get(feature)
        if denied:
            lines.append(f"FAIL {feature}: not permitted (errcode {denied}) — "
                         f"{ENABLE[feature][1]}")
        elif feature == "calendar" and on["calendar"] and not cal_id:
            lines.append("FAIL calendar: on, but no calendar yet — run "
                         "`interview-bot calendar setup --organizer USERID`")
        else:
            lines.append(f"ok   {feature}: {'on' if on[feature] else 'off'}")
    return lines
