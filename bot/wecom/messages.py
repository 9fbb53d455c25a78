"""Decrypted callback XML -> typed messages and events (protocol §4.2-§4.5).

Parsed by element name, never by position; CDATA is optional. Anything we do not model is
still returned (as `Unknown`), so it can be stored and acknowledged instead of failing.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from crypto import ParseError
from crypto.xmlsafe import parse_xml

MAX_ID = 64   # the longest userid (and more than any MsgId or event name) WeCom sends


class InboundError(Exception):
    """The decrypted payload is not a WeCom message we can read at all."""


@dataclass(frozen=True)
class Inbound:
    """Fields common to every message and event."""

    to_user_name: str
    from_user_name: str
    create_time: int
    msg_type: str
    agent_id: int | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Message(Inbound):
    """An ordinary message; MsgId is its dedupe key."""

    msg_id: str = ""


@dataclass(frozen=True)
class TextMessage(Message):
    content: str = ""


@dataclass(frozen=True)
class ImageMessage(Message):
    pic_url: str = ""
    media_id: str = ""


@dataclass(frozen=True)
class VoiceMessage(Message):
    media_id: str = ""
    format: str = ""


@dataclass(frozen=True)
class VideoMessage(Message):
    media_id: str = ""
    thumb_media_id: str = ""


@dataclass(frozen=True)
class LocationMessage(Message):
    latitude: float = 0.0
    longitude: float = 0.0
    scale: int = 0
    label: str = ""


@dataclass(frozen=True)
class LinkMessage(Message):
    title: str = ""
    description: str = ""
    url: str = ""
    pic_url: str = ""


@dataclass(frozen=True)
class UnknownMessage(Message):
    """A message type we do not model (yet); kept whole in `raw`."""


@dataclass(frozen=True)
class Event(Inbound):
    """An event (no MsgId); `event` is WeCom's Event name, case preserved."""

    event: str = ""
    event_key: str = ""


@dataclass(frozen=True)
class TemplateCardEvent(Event):
    task_id: str = ""
    card_type: str = ""
    response_code: str = ""
    selected: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class ChangeContactEvent(Event):
    change_type: str = ""
    user_id: str = ""
    new_user_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class BatchJobResultEvent(Event):
    job_id: str = ""
    job_type: str = ""
    err_code: int = 0
    err_msg: str = ""


@dataclass(frozen=True)
class OfficeEvent(Event):
    """A calendar event or meeting changed in WeCom: modify_schedule, delete_schedule,
    respond_schedule (CalId, ScheduleId) or meeting_change (ChangeType, MeetingId)."""

    cal_id: str = ""
    schedule_id: str = ""
    change_type: str = ""
    meeting_id: str = ""


OFFICE_EVENTS = frozenset({"modify_schedule", "delete_schedule", "respond_schedule",
                           "meeting_change"})


@dataclass(frozen=True)
class LocationEvent(Event):
    latitude: float = 0.0
    longitude: float = 0.0
    precision: float = 0.0


def _s(d: dict[str, Any], key: str) -> str:
    value = d.get(key)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value).strip()


def _int(d: dict[str, Any], key: str) -> int:
    try:
        return int(_s(d, key) or 0)
    except ValueError:
        return 0


def _float(d: dict[str, Any], key: str) -> float:
    try:
        return float(_s(d, key) or 0)
    except ValueError:
        return 0.0


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _selected(d: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    items = (d.get("SelectedItems") or {})
    out = []
    for item in _as_list(items.get("SelectedItem") if isinstance(items, dict) else None):
        if not isinstance(item, dict):
            continue
        ids = item.get("OptionIds") or {}
        options = _as_list(ids.get("OptionId") if isinstance(ids, dict) else None)
        out.append((_s(item, "QuestionKey"), tuple(str(o) for o in options)))
    return tuple(out)


_MESSAGES: dict[str, Any] = {
    "text": lambda d: {"content": _s(d, "Content")},
    "image": lambda d: {"pic_url": _s(d, "PicUrl"), "media_id": _s(d, "MediaId")},
    "voice": lambda d: {"media_id": _s(d, "MediaId"), "format": _s(d, "Format")},
    "video": lambda d: {"media_id": _s(d, "MediaId"), "thumb_media_id": _s(d, "ThumbMediaId")},
    "location": lambda d: {"latitude": _float(d, "Location_X"),
                           "longitude": _float(d, "Location_Y"),
                           "scale": _int(d, "Scale"), "label": _s(d, "Label")},
    "link": lambda d: {"title": _s(d, "Title"), "description": _s(d, "Description"),
                       "url": _s(d, "Url"), "pic_url": _s(d, "PicUrl")},
}
_MESSAGE_TYPES: dict[str, type[Message]] = {
    "text": TextMessage, "image": ImageMessage, "voice": VoiceMessage, "video": VideoMessage,
    "location": LocationMessage, "link": LinkMessage,
}


def _short(d: dict[str, Any], key: str) -> str:
    """A userid, MsgId or event name: WeCom's are short, so a long one is not WeCom's."""
    value = _s(d, key)
    if len(value) > MAX_ID:
        raise InboundError(f"{key} is longer than {MAX_ID} characters")
    return value


def _event(common: dict[str, Any], d: dict[str, Any]) -> Event:
    name = _short(d, "Event")
    base = dict(common, event=name, event_key=_s(d, "EventKey"))
    if name in ("template_card_event", "template_card_menu_event"):
        return TemplateCardEvent(**base, task_id=_s(d, "TaskId"), card_type=_s(d, "CardType"),
                                 response_code=_s(d, "ResponseCode"), selected=_selected(d))
    if name == "change_contact":
        return ChangeContactEvent(**base, change_type=_s(d, "ChangeType"),
                                  user_id=_s(d, "UserID"), new_user_id=_s(d, "NewUserID"),
                                  name=_s(d, "Name"))
    if name == "batch_job_result":
        batch = d.get("BatchJob")
        job: dict[str, Any] = batch if isinstance(batch, dict) else {}
        return BatchJobResultEvent(**base, job_id=_s(job, "JobId"), job_type=_s(job, "JobType"),
                                   err_code=_int(job, "ErrCode"), err_msg=_s(job, "ErrMsg"))
    if name in OFFICE_EVENTS:
        return OfficeEvent(**base, cal_id=_short(d, "CalId"), schedule_id=_short(d, "ScheduleId"),
                           change_type=_short(d, "ChangeType"), meeting_id=_short(d, "MeetingId"))
    if name == "LOCATION":
        return LocationEvent(**base, latitude=_float(d, "Latitude"),
                             longitude=_float(d, "Longitude"), precision=_float(d, "Precision"))
    return Event(**base)


# What PostgreSQL's text cannot hold: U+0000, and lone surrogates (UTF-8 cannot encode them).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: Any) -> bool:
    """True if any string in a parsed message (keys included) holds a character PostgreSQL
    refuses; such a message is refused at the edge with 400, not stored."""
    todo = [value]   # a loop, not recursion: JSON may nest as deep as its parser allows
    while todo:
        v = todo.pop()
        if isinstance(v, str):
            if _UNSTORABLE.search(v):
                return True
        elif isinstance(v, dict):
            todo.extend(v)
            todo.extend(v.values())
        elif isinstance(v, list):
            todo.extend(v)
    return False


def parse_message(plaintext: bytes | str) -> Inbound:
    """Parse the decrypted XML of a self-built app callback into a typed object."""
    try:
        d = parse_xml(plaintext)
    except ParseError as exc:
        raise InboundError(str(exc)) from None
    if unstorable(d):
        raise InboundError("a NUL or a lone surrogate in the message")
    return message_from(d)


def message_from(d: Any) -> Inbound:
    """The typed message for the fields of a callback (parsed XML, or the stored JSON)."""
    if not isinstance(d, dict) or not _s(d, "MsgType"):
        raise InboundError("no MsgType in the message")
    agent = _s(d, "AgentID")
    common: dict[str, Any] = dict(
        to_user_name=_s(d, "ToUserName"), from_user_name=_short(d, "FromUserName"),
        create_time=_int(d, "CreateTime"), msg_type=_s(d, "MsgType"),
        # isdigit() alone would let "²" or 5,000 digits through to int(), which raises
        agent_id=int(agent) if re.fullmatch(r"[0-9]{1,18}", agent) else None, raw=d)
    msg_type = common["msg_type"]
    if msg_type == "event":
        return _event(common, d)
    msg_id = _short(d, "MsgId")
    if msg_type in _MESSAGE_TYPES:
        return _MESSAGE_TYPES[msg_type](**common, msg_id=msg_id, **_MESSAGES[msg_type](d))
    return UnknownMessage(**common, msg_id=msg_id)


def stored_form(msg: Inbound) -> str:
    """The message as the inbox stores it: its fields as canonical JSON, parsed only once."""
    return json.dumps(msg.raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def from_stored(payload: str) -> Inbound:
    """The typed message back from the inbox, without parsing XML a second time."""
    if payload.lstrip().startswith("<"):   # stored as XML by an earlier version
        return parse_message(payload)
    try:
        return message_from(json.loads(payload))
    except (ValueError, RecursionError):
        raise InboundError("the stored message is not JSON") from None


def cdata(value: str) -> str:
    """A CDATA section holding any text (a "]]>" inside is split across two sections)."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def callback_xml(corp_id: str, agent_id: int | str, user: str, msg_type: str,
                 fields: dict[str, str], create_time: int) -> str:
    """The decrypted XML WeCom sends for one message or event: what parse_message reads.

    For the simulator, the tests and the load generators, which play WeCom's side.
    """
    inner = "".join(f"<{k}>{cdata(v)}</{k}>" for k, v in fields.items())
    return (f"<xml><ToUserName>{cdata(corp_id)}</ToUserName>"
            f"<FromUserName>{cdata(user)}</FromUserName>"
            f"<CreateTime>{create_time}</CreateTime>"
            f"<MsgType>{cdata(msg_type)}</MsgType>{inner}"
            f"<AgentID>{agent_id}</AgentID></xml>")


def dedupe_key(msg: Inbound, source: str = "app") -> str:
    """The exactly-once key: MsgId for messages, a hash of the whole event for events.

    WeCom documents FromUserName+CreateTime for events, which collides for two events in one
    second (protocol §4.5); a retry re-sends the identical payload, so hashing every field is
    both complete and stable.
    """
    if isinstance(msg, Message) and msg.msg_id:
        return f"{source}:msg:{msg.msg_id}"
    return f"{source}:evt:" + hashlib.sha1(stored_form(msg).encode()).hexdigest()
