"""WeCom rooms and meeting links: `会议室 明天下午` (free rooms), `订会议室 #12 名称|自动`
(book one for an interview) and `链接 #12` (a join link to forward to the candidate).

What needs WeCom's answer is a job (commands never do HTTP): the reply says what was asked,
and the worker sends the result as a message.
"""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from commands import calendar_jobs
from commands import interviews_repo as repo
from commands.context import Context, Reply
from commands.kinds import local_day_bounds
from commands.lookup import named_interview
from commands.registry import router
from commands.render import when
from commands.router import CommandError, Param
from commands.sanitize import inert
from commands.timeparse import extract_day, extract_time
from commands.usage import usage_error
from store.hiring import LIVE
from store.wecom_oa import InterviewWeCom

# Parts of a day someone may name instead of a time: (start, end) local hours.
PERIODS = {"上午": (9, 12), "早上": (9, 12), "中午": (12, 14), "下午": (13, 18), "晚上": (18, 21),
           "morning": (9, 12), "noon": (12, 14), "afternoon": (13, 18), "evening": (18, 21)}


def _off(ctx: Context) -> CommandError:
    return CommandError("会议室功能未开启：管理员可发送「设置 全局 会议室 开」。",
                        "Rooms are switched off: an admin can send “settings org rooms on”.")


def _window(ctx: Context, text: str) -> tuple[datetime, datetime]:
    """A time (明天 15:00-16:00) or a day and part of it (明天下午) -> [start, end)."""
    found, _ = extract_time(text, ctx.now, ctx.tz)
    if found.status == "ok" and found.start is not None:
        return found.start, found.end or found.start + timedelta(hours=1)
    day, rest = extract_day(text, ctx.now, ctx.tz)
    if day is None:
        raise usage_error("rooms", [(f"看不懂时间「{inert(text)}」", f"can't read the time “{inert(text)}”")])
    period = next((p for p in PERIODS if p in rest.lower()), None)
    if period is None:
        start, end = local_day_bounds(ctx, day)
        return start.replace(hour=9), start.replace(hour=19)
    a, b = PERIODS[period]
    start = datetime.combine(day, time(a), tzinfo=ctx.tz)
    return start, datetime.combine(day, time(b), tzinfo=ctx.tz)


@router.command(
    "rooms", zh=("会议室", "空闲会议室"), role="hr",
    params=(Param("text", kind="text", label=("时间", "time")),),
    summary=("查看某时段的空闲会议室", "free meeting rooms at a time"),
    usage=("会议室 时间", "rooms <time>"), example=("会议室 明天下午", "rooms tomorrow 14:00-15:00"))
def rooms(ctx: Context, text: str) -> list[Reply]:
    """Ask the worker for the rooms free in a window; the answer follows as a message."""
    if not calendar_jobs.features(ctx.session)["rooms"]:
        raise _off(ctx)
    start, end = _window(ctx, text)
    if end <= ctx.now:
        raise CommandError("这个时间已经过去了。", "That time is already over.")
    calendar_jobs.enqueue(ctx.session, key=f"room_free:{ctx.sender.wecom_userid}:"
                          f"{ctx.source_key or ctx.now.isoformat()}", kind="room_free",
                          now=ctx.now, payload={"to": ctx.sender.wecom_userid, "lang": ctx.lang,
                                                "start": start.isoformat(),
                                                "end": end.isoformat()})
    at = when(start, end, ctx.tz, ctx.lang)
    return [Reply(ctx.t(f"正在查询 {at} 的空闲会议室，稍后发给你。", f"Looking up rooms free {at}; "
                                                               "the list follows in a moment."))]


def _live(ctx: Context, iid: int) -> repo.View:
    v = named_interview(ctx.session, iid, lock=True)
    if v.iv.status not in LIVE or v.iv.end_at <= ctx.now:
        raise CommandError(f"#{iid} 已结束或已取消。", f"#{iid} is over or cancelled.")
    return v


@router.command(
    "book room", zh=("订会议室", "预订会议室"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
            Param("room", kind="text", label=("会议室名称或「自动」", "a room name or “auto”"))),
    summary=("为面试预订会议室", "book a meeting room for an interview"),
    usage=("订会议室 #编号 名称|自动", "book room #id <name>|auto"),
    example=("订会议室 #12 自动", "book room #12 auto"))
def book_room(ctx: Context, interview: int, room: str) -> list[Reply]:
    """Book (or change) the room of interview #id; the worker books it and reports."""
    if not calendar_jobs.features(ctx.session)["rooms"]:
        raise _off(ctx)
    v = _live(ctx, interview)
    room = room.strip()
    if len(room) > 128 or re.search(r"[\n\r]", room):
        raise usage_error("book room", [("会议室名称太长", "the room name is too long")])
    return calendar_jobs.after_change(ctx, v, "room", room=room)


@router.command(
    "link", zh=("链接", "入会链接"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("生成候选人的视频面试入会链接", "a video-interview join link for the candidate"),
    usage=("链接 #编号", "link #id"), example=("链接 #12", "link #12"))
def link(ctx: Context, interview: int) -> list[Reply]:
    """Ask the worker for a per-candidate join link of the interview's WeCom meeting."""
    v = _live(ctx, interview)
    row: Any = ctx.session.get(InterviewWeCom, interview)
    if row is None or not (row.meetingid or row.meeting_pending):
        raise CommandError(f"#{interview} 没有企业微信视频会议"
                           "（安排时用「形式:视频」，并开启「设置 全局 会议 开」）。",
                           f"#{interview} has no WeCom video meeting (schedule with “mode:video” "
                           "and switch on “settings org meetings on”).")
    calendar_jobs.enqueue(ctx.session, key=f"customer_link:{interview}:"
                          f"{ctx.source_key or ctx.now.isoformat()}", kind="customer_link",
                          now=ctx.now, interview_id=interview,
                          payload={"to": ctx.sender.wecom_userid, "lang": ctx.lang,
                                   "name": v.candidate.name})
    return [Reply(ctx.t(f"正在为 {v.candidate.name} 生成 #{interview} 的入会链接，稍后私信给你转发。",
                        f"Making a join link to #{interview} for {v.candidate.name}; it follows in a "
                        "message for you to forward."))]
