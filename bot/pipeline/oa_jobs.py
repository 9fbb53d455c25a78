"""The worker side of `wecom_jobs`: claim due jobs, carry them out through the WeCom client,
record the outcome. A sibling of the outbox, with the same rules: FOR UPDATE SKIP LOCKED,
one job of an interview at a time (oldest first), backoff on timeouts and busy answers,
dead after MAX_ATTEMPTS (visible, never silently dropped).
"""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.pipeline import outbox
from bot.pipeline.oa_sync import Permanent, Sync
from bot.wecom import oa
from bot.wecom.client import WeComClient
from bot.wecom.errors import ApiError, TokenUnavailable, TransportError
from bot.wecom.messages import OfficeEvent
from commands import calendar_jobs, rsvp
from commands import interviews_repo as repo
from commands.context import Context, Reply
from commands.render import lang_of, when
from commands.router import CommandError
from config.settings import Settings
from store.db import Sessions
from store.models import User
from store.wecom_oa import InterviewWeCom, WeComJob

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 48        # with the 30-minute cap: about a day of WeCom being down
BATCH = 8
# WeCom's attendees[].response_status: 0 no answer, 1 tentative, 2 accepted, 3 accepted
# this occurrence only, 4 declined.
ACCEPTED, DECLINED = {2, 3}, {4}


class OaJobs:
    """Runs `wecom_jobs` rows; `step(now)` is one pass, called by the worker loop."""

    def __init__(self, sessions: Sessions, client: WeComClient, settings: Settings,
                 clock: Callable[[], datetime], worker_id: str | None = None):
        self.sessions, self.client, self.settings, self.clock = sessions, client, settings, clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:oa"[:64]
        self.sync = Sync(sessions, client, settings, clock)

    def step(self, now: datetime) -> int:
        """Claim and run the due jobs; returns how many ran."""
        jobs = self.claim(now)
        for job in jobs:
            self.run(job)
        return len(jobs)

    def drain(self, max_steps: int = 100) -> None:
        """Run everything due now (tests, `simulate`)."""
        for _ in range(max_steps):
            if not self.step(self.clock()):
                return

    def claim(self, now: datetime) -> list[WeComJob]:
        """Due jobs for this worker: the oldest open job of each interview only."""
        due = or_(and_(WeComJob.status == "pending", WeComJob.next_attempt_at <= now),
                  and_(WeComJob.status == "running", WeComJob.claimed_at < now - LEASE))
        with self.sessions.begin() as s:
            rows = s.scalars(select(WeComJob).where(due).order_by(WeComJob.id)
                             .limit(BATCH * 4).with_for_update(skip_locked=True)).all()
            ivs = {r.interview_id for r in rows if r.interview_id is not None}
            heads = dict(s.execute(
                select(WeComJob.interview_id, func.min(WeComJob.id))
                .where(WeComJob.interview_id.in_(ivs),
                       WeComJob.status.in_(("pending", "running")))
                .group_by(WeComJob.interview_id)).all()) if ivs else {}
            chosen: list[WeComJob] = []
            for r in rows:
                if r.interview_id is not None and heads.get(r.interview_id) != r.id:
                    continue
                if len(chosen) >= BATCH:
                    break
                r.status, r.claimed_at, r.claimed_by = "running", now, self.worker_id
                r.attempts += 1
                chosen.append(r)
            return chosen

    def _finish(self, job: WeComJob, **values: Any) -> None:
        with self.sessions.begin() as s:
            s.execute(update(WeComJob).where(WeComJob.id == job.id,
                                             WeComJob.claimed_by == self.worker_id)
                      .values(claimed_by=None, **values))

    def run(self, job: WeComJob) -> None:
        """Carry out one claimed job and record how it went."""
        try:
            handler = getattr(self, f"do_{job.kind}")
            handler(job)
        except (TransportError, TokenUnavailable, ApiError) as exc:
            if isinstance(exc, ApiError) and not exc.retryable:
                self._dead(job, f"errcode {exc.errcode}: {exc.errmsg}")
                return
            error = str(exc)[:2000]
            if job.attempts >= MAX_ATTEMPTS:
                self._dead(job, f"gave up after {job.attempts} tries: {error}")
                return
            delay = outbox.backoff(job.attempts, base=5.0, cap=1800.0)
            if isinstance(exc, TokenUnavailable):
                delay = max(delay, timedelta(seconds=exc.retry_after))
            log.info("wecom job %s (%s) will retry: %s", job.id, job.kind, error)
            self._finish(job, status="pending", last_error=error,
                         next_attempt_at=self.clock() + delay)
            return
        except Permanent as exc:
            self._dead(job, str(exc))
            return
        except Exception as exc:
            log.exception("wecom job %s (%s) failed unexpectedly", job.id, job.kind)
            self._dead(job, f"{type(exc).__name__}: {exc}")
            return
        self._finish(job, status="done", done_at=self.clock(), last_error=None)

    def _dead(self, job: WeComJob, error: str) -> None:
        log.warning("wecom job %s (%s) dead: %s", job.id, job.kind, error)
        self._finish(job, status="dead", last_error=error[:2000])

    # --- kinds --------------------------------------------------------------------------

    def do_sync(self, job: WeComJob) -> None:
        """Bring the interview's meeting, room and event in line with it."""
        assert job.interview_id is not None
        self.sync.run(job.interview_id)

    def do_rsvp_fetch(self, job: WeComJob) -> None:
        """respond_schedule carries no status: read the attendees' answers and apply each
        as the member's own accept / decline in chat (same code, same notifications)."""
        sid = job.payload["schedule_id"]
        events = oa.schedule_get(self.client, [sid])
        with self.sessions.begin() as s:
            row = s.scalars(select(InterviewWeCom).where(InterviewWeCom.schedule_id == sid)).first()
            if row is None or not events:
                return   # not one of ours (or gone): nothing to apply
            answers = {str(a.get("userid", "")).lower(): int(a.get("response_status", 0))
                       for a in events[0].get("attendees") or []}
            v = repo.existing(s, row.interview_id)
            panel = [(p.rsvp, u) for p, u in v.panel]
        for was, user in panel:
            status = answers.get(user.wecom_userid.lower(), 0)
            if status in ACCEPTED and was != "accepted":
                self._as_member(user.id, row.interview_id, "accept", sid, status)
            elif status in DECLINED and was != "declined":
                self._as_member(user.id, row.interview_id, "decline", sid, status)

    def _as_member(self, user_id: int, iid: int, answer: str, sid: str, status: int) -> None:
        now = self.clock()
        with self.sessions.begin() as s:
            user = s.get_one(User, user_id)
            lang = lang_of(user)
            ctx = Context(sender=user, session=s, now=now, settings=self.settings, lang=lang,
                          source_key=f"calendar:{sid}:{user.wecom_userid}:{status}"[:80])
            try:
                with s.begin_nested():
                    if answer == "accept":
                        replies = rsvp.accept(ctx, iid)
                    else:
                        replies = rsvp.decline(ctx, iid, ctx.t("在企业微信日历中拒绝",
                                                                "declined in the WeCom calendar"))
            except CommandError as exc:   # over, cancelled, no longer on the panel
                log.info("calendar answer of %s on #%s not applied: %s", user.wecom_userid,
                         iid, exc.en)
                return
            note = ctx.t("（来自企业微信日历）", " (from your WeCom calendar)")
            outbox.deliver(s, [Reply(r.text + note, dedupe_key=r.dedupe_key or
                                     f"calrsvp:{iid}:{user.id}:{answer}:{now.isoformat()}")
                               if r.to in (None, user.wecom_userid) else r for r in replies],
                           sender=user.wecom_userid, source_key=ctx.source_key, now=now)

    def do_schedule_check(self, job: WeComJob) -> None:
        """An event of ours was changed or deleted outside the bot: tell HR what changed,
        and put back the bot's version (its record is the source of truth)."""
        sid, deleted = job.payload["schedule_id"], job.payload.get("deleted", False)
        events = [] if deleted else oa.schedule_get(self.client, [sid])
        with self.sessions.begin() as s:
            row = s.scalars(select(InterviewWeCom).where(InterviewWeCom.schedule_id == sid)).first()
            if row is None:
                return   # not ours, or one we deleted ourselves
            v = repo.existing(s, row.interview_id)
            synced = row.synced or {}
            mine = synced.get("event") or {}
            gone = deleted or not events or events[0].get("status") == 1
            changes = [] if gone else _differences(mine, synced.get("attendees") or [], events[0])
            if not gone and not changes:
                return   # our own update coming back: nothing changed
            tz = ZoneInfo(v.creator.timezone or self.settings.timezone)
            lang = lang_of(v.creator)
            if gone:
                row.schedule_id = None
                text = (f"#{v.iv.id} 的企业微信日程在机器人之外被删除了。"
                        "面试仍按机器人的记录进行，日程已重新创建。",
                        f"#{v.iv.id}'s WeCom calendar event was deleted outside the bot. The "
                        "interview stands as the bot records it; the event has been re-created.")
            else:
                what = "；".join(_describe(c, tz, "zh") for c in changes)
                what_en = "; ".join(_describe(c, tz, "en") for c in changes)
                row.synced = {**synced, "event": None,
                              "attendees": [a.get("userid") for a in events[0].get("attendees")
                                            or []]}
                text = (f"#{v.iv.id} 的企业微信日程在机器人之外被修改：{what}。机器人的记录不变，已恢复日程；"
                        f"要改时间请用「改期 #{v.iv.id} 新时间」。",
                        f"#{v.iv.id}'s WeCom calendar event was changed outside the bot: "
                        f"{what_en}. The bot's record stands and the event was put back; to "
                        f"move the interview use “reschedule #{v.iv.id} <time>”.")
            outbox.enqueue(s, touser=v.creator.wecom_userid, now=self.clock(),
                           content=text[0] if lang == "zh" else text[1],
                           dedupe_key=f"outside:{job.key}"[:160])
            iid = v.iv.id
        self.sync.event(iid)

    def do_meeting_check(self, job: WeComJob) -> None:
        """A meeting of ours was changed or cancelled outside the bot: tell HR, restore it."""
        mid, change = job.payload["meetingid"], job.payload.get("change", "")
        info = {} if change == "cancel_meeting" else oa.meeting_info(self.client, mid)
        with self.sessions.begin() as s:
            row = s.scalars(select(InterviewWeCom).where(InterviewWeCom.meetingid == mid)).first()
            if row is None:
                return
            v = repo.existing(s, row.interview_id)
            mine = (row.synced or {}).get("meeting") or {}
            cancelled = change == "cancel_meeting" or info.get("status") == 5
            moved = not cancelled and (info.get("meeting_start") != mine.get("meeting_start") or
                                       info.get("meeting_duration") != mine.get("meeting_duration"))
            if not cancelled and not moved:
                return
            lang = lang_of(v.creator)
            if cancelled:
                if v.iv.meeting_url == row.meeting_link:
                    v.iv.meeting_url = None
                row.meetingid, row.meeting_link = None, None
                text = (f"#{v.iv.id} 的企业微信会议在机器人之外被取消了。"
                        "面试仍按记录进行，已重新创建会议并会发送新链接。",
                        f"#{v.iv.id}'s WeCom meeting was cancelled outside the bot. The "
                        "interview stands; a new meeting is being made and its link sent.")
            else:
                row.synced = {**(row.synced or {}), "meeting": None}
                text = (f"#{v.iv.id} 的企业微信会议时间在机器人之外被修改，已按机器人的记录恢复。",
                        f"#{v.iv.id}'s WeCom meeting time was changed outside the bot; it was "
                        "put back to the bot's record.")
            outbox.enqueue(s, touser=v.creator.wecom_userid, now=self.clock(),
                           content=text[0] if lang == "zh" else text[1],
                           dedupe_key=f"outside:{job.key}"[:160])
            iid = v.iv.id
        self.sync.meeting(iid)
        self.sync.event(iid)

    def do_room_free(self, job: WeComJob) -> None:
        """Answer `会议室 <time>`: the rooms with no booking overlapping the window."""
        p = job.payload
        start, end = datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"])
        rooms = oa.rooms(self.client)
        free: list[dict[str, Any]] = []
        day = start
        busy: set[int] = set()
        while day < end:   # get_booking_info covers one day per call
            stop = min(end, day + timedelta(days=1))
            for e in oa.bookings(self.client, None, int(day.timestamp()), int(stop.timestamp())):
                if e.get("schedule"):
                    busy.add(e["meetingroom_id"])
            day = stop
        free = [r for r in rooms if r["meetingroom_id"] not in busy]
        zh = p.get("lang", "zh") == "zh"
        tz = ZoneInfo(self.settings.timezone)
        with self.sessions.begin() as s:
            user = s.scalars(select(User).where(User.wecom_userid == p["to"])).first()
            if user is not None and user.timezone:
                tz = ZoneInfo(user.timezone)
            at = when(start, end, tz, "zh" if zh else "en")
            names = [f"{r['name']}（{r.get('capacity', '?')}人）" if zh else
                     f"{r['name']} (seats {r.get('capacity', '?')})" for r in free]
            if not rooms:
                text = "企业微信里还没有会议室。" if zh else "There are no meeting rooms in WeCom."
            elif free:
                text = (f"{at} 空闲的会议室：\n" + "\n".join(names)) if zh else \
                    (f"Rooms free {at}:\n" + "\n".join(names))
            else:
                text = f"{at} 没有空闲的会议室。" if zh else f"No room is free {at}."
            outbox.enqueue(s, touser=p["to"], content=text, now=self.clock(),
                           dedupe_key=f"roomfree:{job.key}"[:160])

    def do_customer_link(self, job: WeComJob) -> None:
        """Answer `链接 #id`: a join link of the interview's meeting for the candidate."""
        p, iid = job.payload, job.interview_id
        with self.sessions.begin() as s:
            row = s.get(InterviewWeCom, iid)
            mid = row.meetingid if row else None
            pending = bool(row and row.meeting_pending)
        if mid is None and pending:
            raise TransportError("the meeting is not made yet")   # retried after the sync
        zh = p.get("lang", "zh") == "zh"
        if mid is None:
            text = (f"#{iid} 没有企业微信视频会议，无法生成链接。" if zh else
                    f"#{iid} has no WeCom meeting, so there is no link to make.")
        else:
            url = oa.customer_short_url(self.client, mid, p["name"])
            text = (f"#{iid} 候选人 {p['name']} 的入会链接（可直接转发）：\n{url}" if zh else
                    f"#{iid}: the join link for {p['name']} (forward it as is):\n{url}")
        with self.sessions.begin() as s:
            outbox.enqueue(s, touser=p["to"], content=text, now=self.clock(),
                           dedupe_key=f"custlink:{job.key}"[:160])


def _differences(mine: dict[str, Any], attendees: list[str],
                 theirs: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    out: list[tuple[str, Any, Any]] = []
    if mine and (theirs.get("start_time"), theirs.get("end_time")) != \
            (mine.get("start_time"), mine.get("end_time")):
        out.append(("time", (mine.get("start_time"), mine.get("end_time")),
                    (theirs.get("start_time"), theirs.get("end_time"))))
    now_in = sorted(str(a.get("userid")) for a in theirs.get("attendees") or [])
    if attendees and now_in != sorted(attendees):
        out.append(("attendees", sorted(attendees), now_in))
    if mine and theirs.get("summary") != mine.get("summary"):
        out.append(("summary", mine.get("summary"), theirs.get("summary")))
    return out


def _describe(change: tuple[str, Any, Any], tz: ZoneInfo, lang: str) -> str:
    kind, before, after = change
    if kind == "time":
        def fmt(pair: tuple[int, int]) -> str:
            a, b = (datetime.fromtimestamp(x, tz) for x in pair)
            return when(a, b, tz, lang)
        return (f"时间 {fmt(before)} → {fmt(after)}" if lang == "zh" else
                f"time {fmt(before)} → {fmt(after)}")
    if kind == "attendees":
        plus = [u for u in after if u not in before]
        minus = [u for u in before if u not in after]
        text = " ".join([*(f"+{u}" for u in plus), *(f"−{u}" for u in minus)])
        return f"参与人 {text}" if lang == "zh" else f"attendees {text}"
    return (f"标题「{before}」→「{after}」" if lang == "zh" else f"title “{before}” → “{after}”")


def enqueue_from_event(s: Session, msg: OfficeEvent, key: str, now: datetime) -> bool:
    """Turn a schedule / meeting callback into the job that reads WeCom and acts on it.

    The job carries the interview when the event or meeting is ours, so it runs after that
    interview's pending sync (one job per interview at a time)."""
    if msg.schedule_id:
        row = s.scalars(select(InterviewWeCom)
                        .where(InterviewWeCom.schedule_id == msg.schedule_id)).first()
        kind = "rsvp_fetch" if msg.event == "respond_schedule" else "schedule_check"
        return bool(calendar_jobs.enqueue(
            s, key=f"evt:{key}", kind=kind, now=now,
            interview_id=row.interview_id if row else None,
            payload={"schedule_id": msg.schedule_id,
                     "deleted": msg.event == "delete_schedule"}))
    if msg.event == "meeting_change" and msg.meeting_id:
        row = s.scalars(select(InterviewWeCom)
                        .where(InterviewWeCom.meetingid == msg.meeting_id)).first()
        return bool(calendar_jobs.enqueue(
            s, key=f"evt:{key}", kind="meeting_check", now=now,
            interview_id=row.interview_id if row else None,
            payload={"meetingid": msg.meeting_id, "change": msg.change_type}))
    return False
