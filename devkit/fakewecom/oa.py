"""Handlers for WeCom's office APIs: calendars and events (日程), meetings (会议), rooms (会议室).

The documented limits are enforced, so a request WeCom would refuse fails here too:
summary <= 128 chars, description <= 1000, remind_before_event_secs in {0,300,900,3600,86400},
timezone a whole hour in -12..12, attendees <= 1000 and inside the app's visible range,
meeting title <= 20 chars and 40 bytes, duration 300..86399 s, start in the future, a room
booked only when free, get_booking_info over one day at most, an app touching only its own
calendars and events.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from .errors import ApiError, ok_payload
from .records import ApiRequest
from .state import State

REMINDERS = {0, 300, 900, 3600, 86400}
BAD = 40058   # invalid parameter
NOT_FOUND_USER = 60111
DAY = 86400


@dataclass
class OaState:
    """Calendars, events, meetings, rooms and bookings of the fake corp."""

    calendars: dict[str, dict[str, Any]] = field(default_factory=dict)
    schedules: dict[str, dict[str, Any]] = field(default_factory=dict)
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    rooms: dict[int, dict[str, Any]] = field(default_factory=dict)
    bookings: dict[str, dict[str, Any]] = field(default_factory=dict)
    short_urls: list[dict[str, Any]] = field(default_factory=list)
    invisible: set[str] = field(default_factory=set)   # members outside the app's range
    denied: set[str] = field(default_factory=set)      # api prefixes the app may not call
    callbacks: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # to emit


# The office state of each fake (kept beside State, which knows nothing of the office APIs).
_OFFICES: WeakKeyDictionary[State, OaState] = WeakKeyDictionary()


def oa(state: State) -> OaState:
    """The office state that goes with the fake's state."""
    found = _OFFICES.get(state)
    if found is None:
        found = _OFFICES[state] = OaState()
    return found


def _check_denied(state: State, api: str) -> None:
    if any(api.startswith(p) for p in oa(state).denied):
        raise ApiError(48002, f"{api} is not enabled for this app")


def _user(state: State, userid: Any) -> str:
    canonical = state.directory.resolve(userid) if isinstance(userid, str) else None
    if canonical is None or canonical.lower() in oa(state).invisible:
        raise ApiError(NOT_FOUND_USER, f"userid {userid!r} (not in the app's visible range)")
    return canonical


def _int(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(BAD, f"{key} must be an integer")
    return value


# --- calendars and events -------------------------------------------------------------

def calendar_add(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/calendar/add."""
    _check_denied(state, req.api)
    cal = req.json().get("calendar") or {}
    organizer = _user(state, cal.get("organizer"))
    summary = cal.get("summary")
    if not isinstance(summary, str) or not 1 <= len(summary) <= 128:
        raise ApiError(BAD, "calendar.summary must be 1..128 characters")
    cal_id = state.next_id("wcfakecal").replace("-", "")
    oa(state).calendars[cal_id] = {"cal_id": cal_id, "organizer": organizer, "summary": summary}
    return ok_payload(cal_id=cal_id)


def _schedule_fields(state: State, s: dict[str, Any], partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not partial or "start_time" in s or "end_time" in s:
        start, end = _int(s, "start_time"), _int(s, "end_time")
        if end <= start:
            raise ApiError(BAD, "end_time must be after start_time")
        out.update(start_time=start, end_time=end)
    if "summary" in s:
        if not isinstance(s["summary"], str) or len(s["summary"]) > 128:
            raise ApiError(BAD, "summary is at most 128 characters")
        out["summary"] = s["summary"]
    if "description" in s:
        if not isinstance(s["description"], str) or len(s["description"]) > 1000:
            raise ApiError(BAD, "description is at most 1000 characters")
        out["description"] = s["description"]
    if "location" in s:
        if not isinstance(s["location"], str) or len(s["location"]) > 128:
            raise ApiError(BAD, "location is at most 128 characters")
        out["location"] = s["location"]
    if "reminders" in s:
        r = s["reminders"] or {}
        values = [r["remind_before_event_secs"]] if "remind_before_event_secs" in r else []
        values += list(r.get("remind_time_diffs") or [])
        if any(v not in REMINDERS for v in values):
            raise ApiError(BAD, f"reminder values must be in {sorted(REMINDERS)}")
        tz = r.get("timezone", 8)
        if not isinstance(tz, int) or not -12 <= tz <= 12:
            raise ApiError(BAD, "timezone is a whole hour in -12..12")
        out["reminders"] = r
    return out


def _attendees(state: State, items: Any) -> list[str]:
    if not isinstance(items, list) or len(items) > 1000:
        raise ApiError(BAD, "attendees: a list of at most 1000")
    return [_user(state, (a or {}).get("userid")) for a in items]


def schedule_add(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/schedule/add."""
    _check_denied(state, req.api)
    body = req.json()
    s = body.get("schedule") or {}
    if "organizer" in s:
        raise ApiError(BAD, "organizer is no longer accepted; use cal_id")
    cal_id = s.get("cal_id")
    if cal_id not in oa(state).calendars:
        raise ApiError(BAD, f"cal_id {cal_id!r} is not a calendar of this app")
    fields = _schedule_fields(state, s, partial=False)
    people = _attendees(state, s.get("attendees", []))
    sid = state.next_id("fakesched").replace("-", "")
    oa(state).schedules[sid] = {
        "schedule_id": sid, "cal_id": cal_id, "summary": "", "description": "",
        "location": "", "status": 0, **fields,
        "attendees": [{"userid": u, "response_status": 0} for u in people]}
    return ok_payload(schedule_id=sid)


def _schedule(state: State, sid: Any) -> dict[str, Any]:
    event = oa(state).schedules.get(sid) if isinstance(sid, str) else None
    if event is None or event["status"] == 1:
        raise ApiError(BAD, f"schedule_id {sid!r} not found")
    return event


def schedule_update(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/schedule/update."""
    _check_denied(state, req.api)
    body = req.json()
    s = body.get("schedule") or {}
    event = _schedule(state, s.get("schedule_id"))
    fields = _schedule_fields(state, s, partial=True)
    people = None if body.get("skip_attendees") else _attendees(state, s.get("attendees", []))
    event.update(fields)
    if people is not None:
        event["attendees"] = [{"userid": u, "response_status": 0} for u in people]
    return ok_payload()


def schedule_del(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/schedule/del."""
    _check_denied(state, req.api)
    _schedule(state, req.json().get("schedule_id"))["status"] = 1
    return ok_payload()


def schedule_get(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/schedule/get (1..1000 ids)."""
    _check_denied(state, req.api)
    ids = req.json().get("schedule_id_list")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 1000:
        raise ApiError(BAD, "schedule_id_list: 1..1000 ids")
    found = [oa(state).schedules[i] for i in ids if i in oa(state).schedules]
    return ok_payload(schedule_list=[_public(e) for e in found])


def _public(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "attendees": [dict(a) for a in event["attendees"]]}


def schedule_add_attendees(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/schedule/add_attendees."""
    _check_denied(state, req.api)
    body = req.json()
    event = _schedule(state, body.get("schedule_id"))
    have = {a["userid"].lower() for a in event["attendees"]}
    for u in _attendees(state, body.get("attendees")):
        if u.lower() not in have:
            event["attendees"].append({"userid": u, "response_status": 0})
    if len(event["attendees"]) > 1000:
        raise ApiError(BAD, "at most 1000 attendees")
    return ok_payload()


def schedule_del_attendees(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/schedule/del_attendees (every userid given, not only the last)."""
    _check_denied(state, req.api)
    body = req.json()
    event = _schedule(state, body.get("schedule_id"))
    gone = {u.lower() for u in _attendees(state, body.get("attendees"))}
    event["attendees"] = [a for a in event["attendees"] if a["userid"].lower() not in gone]
    return ok_payload()


def schedule_by_calendar(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/schedule/get_by_calendar (offset, limit <= 1000)."""
    _check_denied(state, req.api)
    body = req.json()
    cal_id, offset, limit = body.get("cal_id"), body.get("offset", 0), body.get("limit", 500)
    if cal_id not in oa(state).calendars:
        raise ApiError(BAD, f"cal_id {cal_id!r} is not a calendar of this app")
    if not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise ApiError(BAD, "limit is 1..1000")
    events = [_public(e) for e in oa(state).schedules.values()
              if e["cal_id"] == cal_id and e["status"] == 0]
    return ok_payload(schedule_list=events[offset:offset + limit])


# --- meetings -------------------------------------------------------------------------

def _meeting_fields(state: State, body: dict[str, Any], partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not partial or "title" in body:
        title = body.get("title")
        if not isinstance(title, str) or not title or len(title) > 20 \
                or len(title.encode()) > 40:
            raise ApiError(BAD, "title: 1..20 characters and at most 40 bytes")
        out["title"] = title
    if not partial or "meeting_start" in body:
        start = _int(body, "meeting_start")
        if start <= state.now():
            raise ApiError(BAD, "meeting_start must be in the future")
        out["meeting_start"] = start
    if not partial or "meeting_duration" in body:
        duration = _int(body, "meeting_duration")
        if not 300 <= duration <= 86399:
            raise ApiError(BAD, "meeting_duration is 300..86399 seconds")
        out["meeting_duration"] = duration
    if "description" in body:
        out["description"] = str(body["description"])
    if "invitees" in body:
        out["invitees"] = [_user(state, u) for u in (body["invitees"] or {}).get("userid", [])]
    if "cal_id" in body and body["cal_id"] not in oa(state).calendars:
        raise ApiError(BAD, "cal_id is not a calendar of this app")
    return out


def meeting_create(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST meeting/create."""
    _check_denied(state, req.api)
    body = req.json()
    admin = _user(state, body.get("admin_userid"))
    fields = _meeting_fields(state, body, partial=False)
    mid = state.next_id("fakemeeting").replace("-", "")
    oa(state).meetings[mid] = {"meetingid": mid, "admin_userid": admin, "status": 1,
                               "invitees": [], "description": "",
                               "meeting_link": f"https://meeting.tencent.com/dm/{mid}",
                               **fields}
    return ok_payload(meetingid=mid, excess_users=[])


def _meeting(state: State, mid: Any) -> dict[str, Any]:
    m = oa(state).meetings.get(mid) if isinstance(mid, str) else None
    if m is None or m["status"] == 5:
        raise ApiError(BAD, f"meetingid {mid!r} not found or cancelled")
    return m


def meeting_update(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST meeting/update."""
    _check_denied(state, req.api)
    body = req.json()
    m = _meeting(state, body.get("meetingid"))
    m.update(_meeting_fields(state, body, partial=True))
    return ok_payload()


def meeting_cancel(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST meeting/cancel."""
    _check_denied(state, req.api)
    _meeting(state, req.json().get("meetingid"))["status"] = 5
    return ok_payload()


def meeting_get_info(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST meeting/get_info."""
    _check_denied(state, req.api)
    mid = req.json().get("meetingid")
    m = oa(state).meetings.get(mid) if isinstance(mid, str) else None
    if m is None:
        raise ApiError(BAD, f"meetingid {mid!r} not found")
    info = {k: v for k, v in m.items() if k not in ("invitees", "meetingid")}
    return ok_payload(**info, invitees={"userid": list(m["invitees"])})


def meeting_user_ids(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST meeting/get_user_meetingid (the member's meetings starting in [begin, end])."""
    _check_denied(state, req.api)
    body = req.json()
    user = _user(state, body.get("userid"))
    begin, end = body.get("begin_time", 0), body.get("end_time", 2**31)
    ids = [m["meetingid"] for m in oa(state).meetings.values()
           if m["status"] != 5 and begin <= m["meeting_start"] <= end
           and (m["admin_userid"] == user or user in m["invitees"])]
    return ok_payload(next_cursor="", meetingid_list=ids)


def meeting_customer_url(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST meeting/create_customer_short_url."""
    _check_denied(state, req.api)
    body = req.json()
    m = _meeting(state, body.get("meetingid"))
    name = body.get("customer_name")
    if not isinstance(name, str) or not name:
        raise ApiError(BAD, "customer_name is required")
    url = f"https://meeting.tencent.com/s/{state.next_id('c').replace('-', '')}"
    oa(state).short_urls.append({"meetingid": m["meetingid"], "customer_name": name,
                                 "url": url})
    return ok_payload(meeting_short_url_customer=url)


# --- meeting rooms --------------------------------------------------------------------

def room_list(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/meetingroom/list."""
    _check_denied(state, req.api)
    return ok_payload(meetingroom_list=[dict(r) for r in oa(state).rooms.values()])


def _live_bookings(state: State, room_id: int) -> list[dict[str, Any]]:
    return [b for b in oa(state).bookings.values()
            if b["meetingroom_id"] == room_id and b["status"] == 0]


def room_booking_info(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/meetingroom/get_booking_info (one day at most per call)."""
    _check_denied(state, req.api)
    body = req.json()
    start, end = _int(body, "start_time"), _int(body, "end_time")
    if end <= start or end - start > DAY:
        raise ApiError(BAD, "start_time..end_time spans one day at most")
    ids = [body["meetingroom_id"]] if "meetingroom_id" in body else list(oa(state).rooms)
    out = []
    for rid in ids:
        if rid not in oa(state).rooms:
            raise ApiError(BAD, f"meetingroom_id {rid!r} not found")
        sched = [{"booking_id": b["booking_id"], "schedule_id": b["schedule_id"],
                  "start_time": b["start_time"], "end_time": b["end_time"],
                  "booker": b["booker"], "status": 0}
                 for b in _live_bookings(state, rid)
                 if b["start_time"] < end and b["end_time"] > start]
        out.append({"meetingroom_id": rid, "schedule": sched})
    return ok_payload(booking_list=out)


def room_book(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/meetingroom/book: refused when the room is taken at that time."""
    _check_denied(state, req.api)
    body = req.json()
    rid = body.get("meetingroom_id")
    if rid not in oa(state).rooms:
        raise ApiError(BAD, f"meetingroom_id {rid!r} not found")
    start, end = _int(body, "start_time"), _int(body, "end_time")
    if end <= start or start <= state.now():
        raise ApiError(BAD, "a booking starts in the future and ends after it starts")
    booker = _user(state, body.get("booker"))
    for u in body.get("attendees") or []:
        _user(state, u)
    if any(b["start_time"] < end and b["end_time"] > start for b in _live_bookings(state, rid)):
        raise ApiError(BAD, "the room is already booked at that time")
    bid = state.next_id("fakebooking").replace("-", "")
    oa(state).bookings[bid] = {"booking_id": bid, "schedule_id": f"roomsched{bid}",
                               "meetingroom_id": rid, "start_time": start, "end_time": end,
                               "booker": booker, "subject": str(body.get("subject", "")),
                               "status": 0}
    return ok_payload(booking_id=bid, schedule_id=f"roomsched{bid}")


def room_cancel(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST oa/meetingroom/cancel_book."""
    _check_denied(state, req.api)
    b = oa(state).bookings.get(str(req.json().get("booking_id")))
    if b is None or b["status"] != 0:
        raise ApiError(BAD, "booking_id not found or already cancelled")
    b["status"] = 1
    return ok_payload()


ROUTES = {
    "oa/calendar/add": calendar_add,
    "oa/schedule/add": schedule_add,
    "oa/schedule/update": schedule_update,
    "oa/schedule/del": schedule_del,
    "oa/schedule/get": schedule_get,
    "oa/schedule/add_attendees": schedule_add_attendees,
    "oa/schedule/del_attendees": schedule_del_attendees,
    "oa/schedule/get_by_calendar": schedule_by_calendar,
    "meeting/create": meeting_create,
    "meeting/update": meeting_update,
    "meeting/cancel": meeting_cancel,
    "meeting/get_info": meeting_get_info,
    "meeting/get_user_meetingid": meeting_user_ids,
    "meeting/create_customer_short_url": meeting_customer_url,
    "oa/meetingroom/list": room_list,
    "oa/meetingroom/get_booking_info": room_booking_info,
    "oa/meetingroom/book": room_book,
    "oa/meetingroom/cancel_book": room_cancel,
}
