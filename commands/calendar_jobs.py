"""The one hook interview commands call after a change: queue the WeCom side of it.

Commands never do HTTP. A change that must reach WeCom (its calendar event, its video
meeting, its room) writes a `wecom_jobs` row here, in the transaction of the change; a
worker (bot.pipeline.oa_jobs) carries it out and records what WeCom made. The job does not
say what to do: it says "bring WeCom in line with interview #id", so a late or repeated job
reads the interview as it is then and never undoes a newer change.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.context import Context, Reply
from commands.interviews_repo import View
from commands.settings_store import ORG_DEFAULTS
from store.hiring import OrgSetting
from store.sql import insert_ignore
from store.wecom_oa import InterviewWeCom, WeComJob

ROOM_AUTO = ("auto", "自动")


def enqueue(session: Session, *, key: str, kind: str, now: datetime,
            interview_id: int | None = None, payload: dict[str, Any] | None = None) -> int:
    """Write a job unless one with the same key exists; returns 1 when written."""
    return insert_ignore(session, WeComJob, dict(
        key=key[:160], kind=kind, interview_id=interview_id, payload=payload or {},
        status="pending", attempts=0, next_attempt_at=now, created_at=now), ("key",))


def link_row(session: Session, iid: int, now: datetime) -> InterviewWeCom:
    """The interview's WeCom record, made on first use."""
    row = session.get(InterviewWeCom, iid)
    if row is None:
        insert_ignore(session, InterviewWeCom, dict(
            interview_id=iid, schedule_pending=False, meeting_pending=False,
            booking_pending=False, updated_at=now), ("interview_id",))
        row = session.get(InterviewWeCom, iid, populate_existing=True)
    assert row is not None
    return row


SWITCHES = ("calendar", "calendar_id", "meetings", "rooms")


def features(session: Session) -> dict[str, bool]:
    """Which WeCom features the organisation has switched on (one query: every interview
    change asks, most often to learn that all are off)."""
    stored: dict[str, Any] = {k: v for k, v in session.execute(
        select(OrgSetting.key, OrgSetting.value).where(OrgSetting.key.in_(SWITCHES)))}
    on = {k: stored.get(k, ORG_DEFAULTS[k]) for k in SWITCHES}
    return {"calendar": bool(on["calendar"] and on["calendar_id"]),
            "meetings": bool(on["meetings"]), "rooms": bool(on["rooms"])}


def _has_wecom_side(row: InterviewWeCom | None) -> bool:
    return row is not None and any((row.schedule_id, row.schedule_pending, row.meetingid,
                                    row.meeting_pending, row.booking_id, row.booking_pending,
                                    row.room_wanted))


def after_change(ctx: Context, v: View, what: str, *, room: str | None = None) -> list[Reply]:
    """Queue the WeCom side of a change to interview v ("create", "reschedule", "panel",
    "rsvp", "cancel", "room"); returns lines for the sender saying what will happen there."""
    s, iv = ctx.session, v.iv
    on = features(s)
    row = s.get(InterviewWeCom, iv.id)
    wants_room = on["rooms"] and (room or (what == "create" and iv.mode == "onsite"
                                           and iv.location))
    wanted = on["calendar"] or (on["meetings"] and iv.mode == "video" and not iv.meeting_url)
    if not (wanted or wants_room or _has_wecom_side(row)):
        return []
    row = row or link_row(s, iv.id, ctx.now)
    if wants_room:
        row.room_wanted = (room or iv.location or "")[:128]
    row.updated_at = ctx.now
    enqueue(s, key=f"sync:{iv.id}:{iv.sequence}:{what}:{ctx.source_key or ctx.now.isoformat()}",
            kind="sync", now=ctx.now, interview_id=iv.id, payload={"what": what})
    if what not in ("create", "reschedule", "cancel", "room"):
        return []
    return [Reply(_echo(ctx, v, what, on, row, implied=bool(wants_room and not room)))]


def _echo(ctx: Context, v: View, what: str, on: dict[str, bool], row: InterviewWeCom,
          implied: bool = False) -> str:
    """Say, once, what will happen in WeCom, so the sender knows what was understood."""
    iid = v.iv.id
    if what == "cancel":
        return ctx.t(f"#{iid} 的企业微信日程、会议和会议室预订将一并取消。",
                     f"#{iid}'s WeCom calendar event, meeting and room booking will be released.")
    parts_zh, parts_en = [], []
    if on["calendar"]:
        parts_zh.append("写入面试官的企业微信日历")
        parts_en.append("on the interviewers' WeCom calendars")
    if row.meetingid or (on["meetings"] and v.iv.mode == "video" and not v.iv.meeting_url):
        parts_zh.append("视频会议链接稍后私信发送")
        parts_en.append("the video meeting link follows in a message")
    if row.room_wanted:
        name = row.room_wanted
        auto = name.lower() in ROOM_AUTO
        if implied:   # only the location was given: it may or may not be a room's name
            parts_zh.append(f"若「{name}」是企业微信会议室则预订它")
            parts_en.append(f"if “{name}” is a WeCom meeting room it will be booked")
        else:
            parts_zh.append("自动预订空闲会议室" if auto else f"预订会议室「{name}」")
            parts_en.append("a free room will be booked" if auto else
                            f"room “{name}” will be booked")
    if not parts_zh:
        return ctx.t(f"#{iid} 的企业微信日程将同步更新。", f"#{iid}'s WeCom side will be updated.")
    return ctx.t(f"企业微信：{'；'.join(parts_zh)}。", f"WeCom: {'; '.join(parts_en)}.")
