"""Wrappers of WeCom's office APIs: calendars and events (日程), meetings (会议) and meeting
rooms (会议室). Each is one POST through WeComClient.call; the limits are enforced by WeCom
(and by devkit.fakewecom), the shaping of what we send is done in bot.pipeline.oa_sync.
"""
from __future__ import annotations

from typing import Any

from bot.wecom.client import WeComClient
from bot.wecom.errors import ApiError

# errcodes meaning "this app may not use this API": 48002 api forbidden (the app is not
# enabled for it), 60011 no privilege (outside the app's range), 48001 api unauthorized.
NOT_PERMITTED = frozenset({48001, 48002, 60011})
REMINDER_SECONDS = (0, 300, 900, 3600, 86400)    # the only values remind_before_event_secs takes
SUMMARY_MAX, DESCRIPTION_MAX = 128, 1000
MEETING_TITLE_CHARS, MEETING_TITLE_BYTES = 20, 40
MEETING_MIN_SECONDS, MEETING_MAX_SECONDS = 300, 86399


def not_permitted(exc: BaseException) -> bool:
    """True when WeCom refused because the app lacks the permission."""
    return isinstance(exc, ApiError) and exc.errcode in NOT_PERMITTED


def _post(client: WeComClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return client.call("POST", path, body=body)


def calendar_add(client: WeComClient, *, organizer: str, summary: str, agentid: int,
                 description: str = "", color: str = "#2F80ED") -> str:
    """oa/calendar/add: an app calendar; returns cal_id."""
    body = {"calendar": {"organizer": organizer, "readonly": 1, "summary": summary,
                         "color": color, "description": description}, "agentid": agentid}
    return str(_post(client, "oa/calendar/add", body)["cal_id"])


def schedule_add(client: WeComClient, schedule: dict[str, Any], agentid: int) -> str:
    """oa/schedule/add; returns schedule_id."""
    return str(_post(client, "oa/schedule/add",
                     {"schedule": schedule, "agentid": agentid})["schedule_id"])


def schedule_update(client: WeComClient, schedule: dict[str, Any]) -> None:
    """oa/schedule/update (attendees left alone: they change through add/del_attendees)."""
    _post(client, "oa/schedule/update", {"schedule": schedule, "skip_attendees": True})


def schedule_del(client: WeComClient, schedule_id: str) -> None:
    """oa/schedule/del."""
    _post(client, "oa/schedule/del", {"schedule_id": schedule_id})


def schedule_get(client: WeComClient, schedule_ids: list[str]) -> list[dict[str, Any]]:
    """oa/schedule/get: the events, with attendees[].response_status."""
    return list(_post(client, "oa/schedule/get",
                      {"schedule_id_list": schedule_ids}).get("schedule_list") or [])


def schedule_attendees(client: WeComClient, schedule_id: str, *, add: list[str],
                       remove: list[str]) -> None:
    """oa/schedule/add_attendees and del_attendees, with every userid (not only the last)."""
    if add:
        _post(client, "oa/schedule/add_attendees",
              {"schedule_id": schedule_id, "attendees": [{"userid": u} for u in add]})
    if remove:
        _post(client, "oa/schedule/del_attendees",
              {"schedule_id": schedule_id, "attendees": [{"userid": u} for u in remove]})


def schedules_of_calendar(client: WeComClient, cal_id: str) -> list[dict[str, Any]]:
    """oa/schedule/get_by_calendar, every page."""
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = list(_post(client, "oa/schedule/get_by_calendar",
                          {"cal_id": cal_id, "offset": offset, "limit": 1000})
                    .get("schedule_list") or [])
        out += page
        if len(page) < 1000:
            return out
        offset += len(page)


def meeting_create(client: WeComClient, body: dict[str, Any]) -> str:
    """meeting/create; returns meetingid."""
    return str(_post(client, "meeting/create", body)["meetingid"])


def meeting_update(client: WeComClient, body: dict[str, Any]) -> None:
    """meeting/update."""
    _post(client, "meeting/update", body)


def meeting_cancel(client: WeComClient, meetingid: str) -> None:
    """meeting/cancel."""
    _post(client, "meeting/cancel", {"meetingid": meetingid})


def meeting_info(client: WeComClient, meetingid: str) -> dict[str, Any]:
    """meeting/get_info."""
    return _post(client, "meeting/get_info", {"meetingid": meetingid})


def meetings_of_user(client: WeComClient, userid: str, begin: int, end: int) -> list[str]:
    """meeting/get_user_meetingid over [begin, end], every page."""
    ids: list[str] = []
    cursor = ""
    while True:
        page = _post(client, "meeting/get_user_meetingid",
                     {"userid": userid, "cursor": cursor, "begin_time": begin,
                      "end_time": end, "limit": 100})
        ids += [str(m) for m in page.get("meetingid_list") or []]
        cursor = str(page.get("next_cursor") or "")
        if not cursor:
            return ids


def customer_short_url(client: WeComClient, meetingid: str, name: str) -> str:
    """meeting/create_customer_short_url: a join link for one external person."""
    data = _post(client, "meeting/create_customer_short_url",
                 {"meetingid": meetingid, "customer_name": name})
    return str(data.get("meeting_short_url_customer") or data.get("meeting_short_url") or "")


def rooms(client: WeComClient) -> list[dict[str, Any]]:
    """oa/meetingroom/list."""
    return list(_post(client, "oa/meetingroom/list", {}).get("meetingroom_list") or [])


def bookings(client: WeComClient, room_id: int | None, start: int,
             end: int) -> list[dict[str, Any]]:
    """oa/meetingroom/get_booking_info over one day at most: [{meetingroom_id, schedule:[…]}]."""
    body: dict[str, Any] = {"start_time": start, "end_time": end}
    if room_id is not None:
        body["meetingroom_id"] = room_id
    return list(_post(client, "oa/meetingroom/get_booking_info", body).get("booking_list")
                or [])


def room_book(client: WeComClient, *, room_id: int, start: int, end: int, booker: str,
              subject: str, attendees: list[str]) -> str:
    """oa/meetingroom/book; returns booking_id."""
    return str(_post(client, "oa/meetingroom/book",
                     {"meetingroom_id": room_id, "start_time": start, "end_time": end,
                      "subject": subject, "booker": booker,
                      "attendees": attendees})["booking_id"])


def room_cancel(client: WeComClient, booking_id: str) -> None:
    """oa/meetingroom/cancel_book."""
    _post(client, "oa/meetingroom/cancel_book", {"booking_id": booking_id})
