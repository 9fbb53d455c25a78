"""Bring WeCom in line with one interview: its video meeting, its room, its calendar event.

Each step reads the interview as it is now, compares it with what was last written to WeCom
(`InterviewWeCom.synced`) and sends only the difference, so running a step twice, or late,
is harmless. A create is preceded by a committed `*_pending` flag: if its answer is lost (a
timeout, a crash), the next try first looks for what that create made (get_by_calendar,
get_user_meetingid, get_booking_info) and adopts it, so a retry never makes a second one.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.pipeline import outbox
from bot.wecom import oa
from bot.wecom.client import WeComClient
from bot.wecom.errors import ApiError
from commands import calendar_kit as kit
from commands import interviews_repo as repo
from commands.calendar_jobs import ROOM_AUTO, features, link_row
from commands.people import display
from commands.render import lang_of, when
from commands.settings_store import org_setting
from config.settings import Settings
from store.db import Sessions
from store.hiring import LIVE
from store.models import User
from store.sql import insert_ignore
from store.wecom_oa import InterviewWeCom, WeComFeature

log = logging.getLogger(__name__)

RECHECK_DENIED = timedelta(hours=1)   # after a refusal, try the feature again this much later
NOT_VISIBLE = 60111                   # userid unknown to the app (outside its visible range)

# What an admin must switch on, in plain words, when WeCom refuses a feature (told once).
ENABLE = {
    "calendar": ("企业微信管理后台 →「应用管理」→「日程」→「可调用接口的应用」中添加本应用",
                 "WeCom admin console → App Management → Calendar (日程) → "
                 "“Apps that can call the API” (可调用接口的应用): add this app"),
    "meetings": ("企业微信管理后台 →「应用管理」→「会议」→「可调用接口的应用」中添加本应用",
                 "WeCom admin console → App Management → Meetings (会议) → "
                 "“Apps that can call the API” (可调用接口的应用): add this app"),
    "rooms": ("企业微信管理后台 →「应用管理」→「会议室」→「可调用接口的应用」中添加本应用（仅自建应用可用）",
              "WeCom admin console → App Management → Meeting Rooms (会议室) → "
              "“Apps that can call the API” (可调用接口的应用): add this app (self-built apps only)"),
}
FEATURE_NAME = {"calendar": ("日历日程", "calendar events"), "meetings": ("视频会议", "video meetings"),
                "rooms": ("会议室预订", "room booking")}


class Permanent(Exception):
    """WeCom refused for a reason a retry will not fix; the job stops with this message."""


def ts(dt: datetime) -> int:
    """Unix seconds."""
    return int(dt.timestamp())


class Sync:
    """The three steps, run by bot.pipeline.oa_jobs for a `sync` job."""

    def __init__(self, sessions: Sessions, client: WeComClient, settings: Settings,
                 clock: Callable[[], datetime]):
        self.sessions, self.client, self.settings, self.clock = sessions, client, settings, clock
        self.tz = ZoneInfo(settings.timezone)

    def run(self, iid: int) -> None:
        """Meeting first (its link goes into the event), then the room, then the event."""
        self.meeting(iid)
        self.room(iid)
        self.event(iid)

    # --- shared -------------------------------------------------------------------------

    def _load(self, s: Session, iid: int) -> tuple[repo.View, InterviewWeCom, bool]:
        v = repo.view(s, iid, lock=True)
        if v is None:
            raise Permanent(f"interview #{iid} does not exist")
        row = link_row(s, iid, self.clock())
        live = v.iv.status in LIVE and v.iv.end_at > self.clock()
        return v, row, live

    def settled(self, v: repo.View) -> bool:
        """Over (done, no-show, or past its end) but not cancelled: leave WeCom as it is, so a
        job delayed past the interview neither makes nor removes anything."""
        if v.iv.status == "cancelled":
            return False
        return v.iv.status not in LIVE or v.iv.end_at <= self.clock()

    def allowed(self, s: Session, feature: str) -> bool:
        """False while WeCom refused this feature less than RECHECK_DENIED ago."""
        row = s.get(WeComFeature, feature)
        return row is None or self.clock() - row.denied_at >= RECHECK_DENIED

    def denied(self, feature: str, exc: ApiError, iid: int) -> None:
        """Record the refusal; tell the interview's HR once what the admin must enable."""
        now = self.clock()
        with self.sessions.begin() as s:
            if not insert_ignore(s, WeComFeature, dict(feature=feature, errcode=exc.errcode,
                                                        errmsg=exc.errmsg[:500], denied_at=now),
                                 ("feature",)):
                row = s.get_one(WeComFeature, feature)
                row.denied_at, row.errcode = now, exc.errcode
            row = s.get_one(WeComFeature, feature, populate_existing=True)
            if row.told_at is None:
                row.told_at = now
                v = repo.existing(s, iid)
                name, how = FEATURE_NAME[feature], ENABLE[feature]
                self.tell(s, v.creator, f"denied:{feature}",
                          f"企业微信未授权本应用使用{name[0]}（错误码 {exc.errcode}），#{iid} 仍已安排好，"
                          f"只是没有{name[0]}。请管理员开启：{how[0]}。开启后新的面试会自动使用。",
                          f"WeCom does not let this app use {name[1]} (errcode {exc.errcode}). "
                          f"#{iid} is still booked, just without {name[1]}. An admin must enable "
                          f"it: {how[1]}. New interviews use it once enabled.")
        log.warning("WeCom refused %s (errcode %s): told HR once", feature, exc.errcode)

    def permitted_again(self, s: Session, feature: str) -> None:
        """A call of this feature worked: forget an earlier refusal."""
        row = s.get(WeComFeature, feature)
        if row is not None:
            s.delete(row)

    def tell(self, s: Session, user: User, key: str, zh: str, en: str) -> None:
        """A message to one member, in their language, exactly once per key."""
        outbox.enqueue(s, touser=user.wecom_userid, content=zh if lang_of(user) == "zh" else en,
                       now=self.clock(), dedupe_key=key[:160])

    @staticmethod
    def _synced(row: InterviewWeCom, part: str, value: Any) -> None:
        row.synced = {**(row.synced or {}), part: value}   # a new dict: JSON columns compare

    # --- meeting ------------------------------------------------------------------------

    def meeting(self, iid: int) -> None:
        """Create, update or cancel the interview's WeCom meeting."""
        with self.sessions.begin() as s:
            v, row, live = self._load(s, iid)
            ours = not v.iv.meeting_url or v.iv.meeting_url == row.meeting_link
            exists = bool(row.meetingid or row.meeting_pending)
            want = live and v.iv.mode == "video" and ours and \
                (features(s)["meetings"] or exists)
            if (not want and not exists) or self.settled(v):
                return
            if want and not row.meetingid and not self.allowed(s, "meetings"):
                return
            admin = row.meeting_admin or v.creator.wecom_userid
            start = ts(v.iv.start_at)
            body = {"admin_userid": admin, "title": kit.meeting_title(v),
                    "meeting_start": start,
                    "meeting_duration": max(oa.MEETING_MIN_SECONDS, min(
                        oa.MEETING_MAX_SECONDS, ts(v.iv.end_at) - ts(v.iv.start_at))),
                    "description": f"{kit.marker(iid)} · {v.candidate.name}",
                    "invitees": {"userid": [u.wecom_userid for _, u in v.attending]}}
            mid, was_pending = row.meetingid, row.meeting_pending
            tried = (row.synced or {}).get("meeting_try") or start
            if want and not mid:
                row.meeting_pending, row.meeting_admin = True, admin
                self._synced(row, "meeting_try", start)
            synced = (row.synced or {}).get("meeting")
        try:
            if was_pending and not mid:
                mid = self._find_meeting(iid, admin, tried)
            if not want:
                if mid:
                    self._quietly(oa.meeting_cancel, mid)
                with self.sessions.begin() as s:
                    row = link_row(s, iid, self.clock())
                    row.meetingid, row.meeting_pending = None, False
                    self._synced(row, "meeting", None)
                return
            if not mid:
                mid = oa.meeting_create(self.client, body)
                self._adopt_meeting(iid, mid, body)
            elif was_pending:
                # Found what the lost create made: it has that try's time and panel, so
                # bring it up to date before recording it as in step.
                oa.meeting_update(self.client, {"meetingid": mid, **{
                    k: body[k] for k in ("title", "meeting_start", "meeting_duration",
                                         "invitees")}})
                self._adopt_meeting(iid, mid, body)
            elif synced != body:
                update = {k: body[k] for k in ("title", "meeting_start", "meeting_duration",
                                               "invitees")}
                oa.meeting_update(self.client, {"meetingid": mid, **update})
                with self.sessions.begin() as s:
                    self._synced(link_row(s, iid, self.clock()), "meeting", body)
        except ApiError as exc:
            self._refused("meetings", exc, iid, creating=not mid)

    def _find_meeting(self, iid: int, admin: str, start: int) -> str | None:
        """A meeting an earlier create of #iid may have made (its answer was lost)."""
        for mid in oa.meetings_of_user(self.client, admin, start - 3600, start + 3600):
            info = oa.meeting_info(self.client, mid)
            if str(info.get("description", "")).startswith(kit.marker(iid) + " ") and \
                    info.get("status") != 5:
                return mid
        return None

    def _adopt_meeting(self, iid: int, mid: str, body: dict[str, Any]) -> None:
        """Record a new meeting, put its link on the interview and send it to everyone."""
        link = str(oa.meeting_info(self.client, mid).get("meeting_link") or "")
        with self.sessions.begin() as s:
            v, row, _ = self._load(s, iid)
            row.meetingid, row.meeting_link, row.meeting_pending = mid, link or None, False
            self._synced(row, "meeting", body)
            self.permitted_again(s, "meetings")
            if link and not v.iv.meeting_url:
                v.iv.meeting_url = link
            for _, u in v.attending:
                at = when(v.iv.start_at, v.iv.end_at, ZoneInfo(u.timezone or self.settings.timezone),
                          lang_of(u))
                self.tell(s, u, f"meetlink:{iid}:{mid}:{u.id}",
                          f"#{iid} {v.candidate.name} 的视频面试会议已创建（{at}）：\n{link}",
                          f"The video meeting for #{iid} {v.candidate.name} ({at}) is ready:\n{link}")
            self.tell(s, v.creator, f"meetlink:{iid}:{mid}:hr",
                      f"#{iid} 的企业微信视频会议已创建：{link}\n给候选人的入会链接：发送「链接 #{iid}」。",
                      f"#{iid}'s WeCom video meeting is ready: {link}\n"
                      f"For the candidate's own join link send “link #{iid}”.")

    def _quietly(self, call: Callable[..., Any], *args: Any) -> None:
        """Release something; "not found / already cancelled" counts as released."""
        try:
            call(self.client, *args)
        except ApiError as exc:
            if exc.retryable or oa.not_permitted(exc):
                raise
            log.info("releasing %s: already gone (%s)", args, exc.errcode)

    def _refused(self, feature: str, exc: ApiError, iid: int, *, creating: bool) -> None:
        if exc.retryable:
            raise exc
        if oa.not_permitted(exc):
            self.denied(feature, exc, iid)
            if creating:   # nothing was made: forget the attempt
                self._clear_pending(iid, feature)
            return
        raise Permanent(f"{feature}: errcode {exc.errcode}: {exc.errmsg}") from None

    def _clear_pending(self, iid: int, feature: str) -> None:
        with self.sessions.begin() as s:
            row = link_row(s, iid, self.clock())
            if feature == "meetings":
                row.meeting_pending = False
            elif feature == "rooms":
                row.booking_pending = False
            else:
                row.schedule_pending = False

    # --- room ---------------------------------------------------------------------------

    def room(self, iid: int) -> None:
        """Book, move or release the interview's meeting room."""
        with self.sessions.begin() as s:
            v, row, live = self._load(s, iid)
            exists = bool(row.booking_id or row.booking_pending)
            want = live and bool(row.room_wanted) and (features(s)["rooms"] or exists)
            if (not want and not exists) or self.settled(v):
                return
            if want and not row.booking_id and not self.allowed(s, "rooms"):
                return
            booker = v.creator.wecom_userid
            window = (ts(v.iv.start_at), ts(v.iv.end_at))
            wanted, panel = row.room_wanted, [u.wecom_userid for _, u in v.attending]
            bid, was_pending = row.booking_id, row.booking_pending
            synced = (row.synced or {}).get("room")
            tried = (row.synced or {}).get("room_try")
            subject = kit.summary(v)
            hr = v.creator
        try:
            if was_pending and not bid and tried:
                bid = self._find_booking(tried, booker)
                if bid:
                    self._record_room(iid, bid, tried[0], None, tried[1:], announce=False)
                    synced = [tried[0], *tried[1:]]
            if not want:
                if bid:
                    self._quietly(oa.room_cancel, bid)
                with self.sessions.begin() as s:
                    row = link_row(s, iid, self.clock())
                    row.booking_id, row.booking_pending, row.room_id = None, False, None
                    self._synced(row, "room", None)
                return
            rooms = oa.rooms(self.client)
            room = self._pick(rooms, wanted or "", window, len(panel), current=synced)
            if room is None:
                self._no_room(iid, rooms, wanted or "", window, hr)
                return
            if bid and synced == [room["meetingroom_id"], *window]:
                return
            if bid:   # moved or another room: release the old booking first
                self._quietly(oa.room_cancel, bid)
                with self.sessions.begin() as s:
                    row = link_row(s, iid, self.clock())
                    row.booking_id = None
                    self._synced(row, "room", None)
            with self.sessions.begin() as s:
                row = link_row(s, iid, self.clock())
                row.booking_pending = True
                self._synced(row, "room_try", [room["meetingroom_id"], *window])
            try:
                bid = oa.room_book(self.client, room_id=room["meetingroom_id"], start=window[0],
                                   end=window[1], booker=booker, subject=subject,
                                   attendees=panel)
            except ApiError as exc:
                if exc.retryable or oa.not_permitted(exc):
                    raise
                self._clear_pending(iid, "rooms")
                if room["meetingroom_id"] in {r["meetingroom_id"] for r in self._free(rooms, window)}:
                    raise Permanent(f"rooms: book refused, room free: errcode {exc.errcode}: "
                                    f"{exc.errmsg}") from None
                # Taken meanwhile (WeCom refuses a clash): suggest what is free instead.
                self._no_room(iid, rooms, str(room["name"]), window, hr, taken=True)
                return
            self._record_room(iid, bid, room["meetingroom_id"], str(room["name"]), window,
                              announce=True)
        except ApiError as exc:
            self._refused("rooms", exc, iid, creating=not bid)


    def _find_booking(self, tried: list[int], booker: str) -> str | None:
        """The booking an earlier book call may have made (its answer was lost)."""
        room_id, start, end = tried
        for entry in oa.bookings(self.client, room_id, start, end):
            for b in entry.get("schedule") or []:
                if b.get("booker") == booker and b.get("start_time") == start and \
                        b.get("end_time") == end and b.get("status", 0) == 0:
                    return str(b["booking_id"])
        return None

    def _pick(self, rooms: list[dict[str, Any]], wanted: str, window: tuple[int, int],
              people: int, current: list[int] | None) -> dict[str, Any] | None:
        if wanted.lower() not in ROOM_AUTO:
            return next((r for r in rooms if str(r.get("name", "")).lower() == wanted.lower()),
                        None)
        if current and current[1:] == list(window):
            kept = next((r for r in rooms if r["meetingroom_id"] == current[0]), None)
            if kept is not None:
                return kept
        free = self._free(rooms, window)
        # The smallest free room that seats the panel and the candidate.
        fits = sorted((r for r in free if int(r.get("capacity") or 0) >= people + 1),
                      key=lambda r: int(r.get("capacity") or 0))
        return fits[0] if fits else free[0] if free else None

    def _free(self, rooms: list[dict[str, Any]], window: tuple[int, int]) -> list[dict[str, Any]]:
        busy = {e["meetingroom_id"] for e in oa.bookings(self.client, None, *window)
                if any(b.get("start_time", 0) < window[1] and b.get("end_time", 0) > window[0]
                       for b in e.get("schedule") or [])}
        return [r for r in rooms if r["meetingroom_id"] not in busy]

    def _no_room(self, iid: int, rooms: list[dict[str, Any]], wanted: str,
                 window: tuple[int, int], hr: User, taken: bool = False) -> None:
        known = any(str(r.get("name", "")).lower() == wanted.lower() for r in rooms)
        free = [str(r["name"]) for r in self._free(rooms, window)] if rooms else []
        with self.sessions.begin() as s:
            row = link_row(s, iid, self.clock())
            row.room_wanted = None
            hr = s.get_one(User, hr.id)
            names = "、".join(free) or "无"
            names_en = ", ".join(free) or "none"
            if wanted.lower() in ROOM_AUTO:
                zh, en = (f"#{iid} 该时段没有空闲会议室，未预订。",
                          f"#{iid}: no room is free at that time; none was booked.")
            elif known or taken:
                zh, en = (f"#{iid} 的会议室「{wanted}」该时段已被预订，未预订。空闲会议室：{names}。"
                          f"可回复「订会议室 #{iid} 名称」。",
                          f"#{iid}: room “{wanted}” is already booked then; nothing was booked. "
                          f"Free rooms: {names_en}. Reply “book room #{iid} <name>”.")
            else:
                zh, en = (f"#{iid}：「{wanted}」不是企业微信里的会议室，未预订会议室。空闲会议室：{names}。",
                          f"#{iid}: “{wanted}” is not a WeCom meeting room, so no room was "
                          f"booked. Free rooms: {names_en}.")
            self.tell(s, hr, f"noroom:{iid}:{wanted}:{window[0]}:{window[1]}", zh, en)

    def _record_room(self, iid: int, bid: str, room_id: int, name: str | None,
                     window: Any, announce: bool) -> None:
        with self.sessions.begin() as s:
            v, row, _ = self._load(s, iid)
            row.booking_id, row.booking_pending, row.room_id = bid, False, room_id
            if name:
                row.room_name = name
            self._synced(row, "room", [room_id, *window])
            self.permitted_again(s, "rooms")
            if announce:
                at = when(v.iv.start_at, v.iv.end_at,
                          ZoneInfo(v.creator.timezone or self.settings.timezone),
                          lang_of(v.creator))
                self.tell(s, v.creator, f"roombooked:{iid}:{bid}",
                          f"#{iid} 已预订会议室「{row.room_name}」（{at}）。",
                          f"#{iid}: room “{row.room_name}” is booked ({at}).")

    # --- calendar event -----------------------------------------------------------------

    def event(self, iid: int) -> None:
        """Add, update (time, kit, attendees) or delete the interview's calendar event."""
        with self.sessions.begin() as s:
            v, row, live = self._load(s, iid)
            cal_id = org_setting(s, "calendar_id")
            exists = bool(row.schedule_id or row.schedule_pending)
            want = live and bool(cal_id) and (features(s)["calendar"] or exists)
            if (not want and not exists) or self.settled(v):
                return
            if want and not row.schedule_id and not self.allowed(s, "calendar"):
                return
            fields = {"summary": kit.summary(v),
                      "description": kit.description(v, self.tz, link=row.meeting_link,
                                                     room=row.room_name if row.booking_id else None),
                      "start_time": ts(v.iv.start_at), "end_time": ts(v.iv.end_at),
                      "location": kit.clip((row.room_name or "") if row.booking_id else
                                           (v.iv.location or ""), kit.LOCATION_MAX),
                      "reminders": kit.reminders(org_setting(s, "remind_offsets_min"),
                                                 self.tz, v.iv.start_at)}
            people = [u.wecom_userid for p, u in v.panel if p.rsvp != "removed"]
            sid, was_pending = row.schedule_id, row.schedule_pending
            if want and not sid:
                row.schedule_pending = True
            synced = (row.synced or {}).get("event")
            had = (row.synced or {}).get("attendees") or []
        try:
            if was_pending and not sid:
                sid, found_with = self._find_event(cal_id, iid)
                if sid:
                    had, synced = found_with, None   # what that create sent; update the rest
            if not want:
                if sid:
                    self._quietly(oa.schedule_del, sid)
                with self.sessions.begin() as s:
                    row = link_row(s, iid, self.clock())
                    row.schedule_id, row.schedule_pending = None, False
                    self._synced(row, "event", None)
                return
            if not sid:
                body = {"cal_id": cal_id, **fields,
                        "attendees": [{"userid": u} for u in people]}
                sid = oa.schedule_add(self.client, body, self.settings.agent_id)
                had, synced = people, fields
            if synced != fields:
                oa.schedule_update(self.client, {"schedule_id": sid, **fields})
            add = [u for u in people if u not in had]
            gone = [u for u in had if u not in people]
            oa.schedule_attendees(self.client, sid, add=add, remove=gone)
            with self.sessions.begin() as s:
                row = link_row(s, iid, self.clock())
                row.schedule_id, row.schedule_pending = sid, False
                self._synced(row, "event", fields)
                self._synced(row, "attendees", people)
                self.permitted_again(s, "calendar")
        except ApiError as exc:
            if exc.errcode == NOT_VISIBLE and not exc.retryable:
                self._invisible(iid, exc)
                self._clear_pending(iid, "calendar")
                return
            self._refused("calendar", exc, iid, creating=not sid)

    def _find_event(self, cal_id: str, iid: int) -> tuple[str | None, list[str]]:
        """The event an earlier add of #iid may have made (its answer was lost), and its
        attendees."""
        head = kit.marker(iid) + "\n"
        for e in oa.schedules_of_calendar(self.client, cal_id):
            if str(e.get("description", "")).startswith(head) and e.get("status", 0) == 0:
                return str(e["schedule_id"]), [str(a.get("userid")) for a in
                                               e.get("attendees") or []]
        return None, []

    def _invisible(self, iid: int, exc: ApiError) -> None:
        with self.sessions.begin() as s:
            v = repo.existing(s, iid)
            names = "、".join(display(u) for _, u in v.attending)
            self.tell(s, v.creator, f"invisible:{iid}:{v.iv.sequence}",
                      f"#{iid} 没能写入企业微信日历：面试官（{names}）中有人不在本应用的可见范围内。"
                      "请管理员在管理后台 →「应用管理」→ 本应用 →「可见范围」中加入他们。面试本身已安排好。",
                      f"#{iid} could not go on the WeCom calendar: someone on the panel ({names}) "
                      "is outside this app's visible range. An admin can add them under App "
                      "Management → this app → Visible range. The interview itself is booked.")
        log.warning("event for #%s refused: attendee outside the visible range (%s)", iid,
                    exc.errcode)
