"""The intelligent bot's callbacks (智能机器人, API mode) as typed messages: JSON in, no I/O."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from bot.wecom.messages import MAX_ID


class AibotError(Exception):
    """The decrypted JSON is not an intelligent-bot callback we can read."""


@dataclass(frozen=True)
class AibotMessage:
    """One intelligent-bot callback, message or event."""

    msgid: str
    chattype: str                  # single | group
    chatid: str
    userid: str
    msgtype: str                   # text | mixed | image | voice | file | stream | event
    text: str = ""                 # the command text, @-mention stripped
    mentioned: bool = False
    response_url: str = ""
    event: str = ""                # enter_chat | template_card_event | feedback_event | …
    event_key: str = ""
    stream_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


_MENTION = re.compile(r"^\s*(?:@\S+\s*)+")
_USERID = re.compile(r"[A-Za-z0-9_.@\-]{0,64}")   # WeCom userids; "" when there is no sender


def _obj(value: Any) -> dict[str, Any]:
    """A JSON object, or {} for anything else: the keys are WeCom's, the shapes unchecked."""
    return value if isinstance(value, dict) else {}


def _text_of(d: dict[str, Any]) -> str:
    kind = d.get("msgtype")
    if kind in ("text", "voice"):
        return str(_obj(d.get(kind)).get("content", ""))
    if kind == "mixed":
        items = _obj(d.get("mixed")).get("msg_item")
        return " ".join(str(_obj(i.get("text")).get("content", ""))
                        for i in (items if isinstance(items, list) else [])
                        if isinstance(i, dict) and i.get("msgtype") == "text")
    return ""


def parse_aibot(plaintext: bytes | str) -> AibotMessage:
    """Parse the decrypted JSON of an intelligent-bot callback."""
    try:
        d = json.loads(plaintext)
    except (ValueError, UnicodeDecodeError, RecursionError):   # [[[[…]]]] nests too deep
        raise AibotError("not JSON") from None
    if not isinstance(d, dict) or not d.get("msgtype"):
        raise AibotError("no msgtype")
    sender = _obj(d.get("from"))
    raw_text = _text_of(d)
    event = _obj(d.get("event"))
    name = str(event.get("eventtype", ""))
    body = _obj(event.get(name))
    stream = _obj(d.get("stream"))
    userid = sender.get("userid", "")
    if not isinstance(userid, str) or not _USERID.fullmatch(userid) or len(name) > MAX_ID:
        raise AibotError("userid or event name is not WeCom's")
    # JSON may carry "\u0000", which PostgreSQL cannot store (XML cannot carry it at all).
    raw_text = raw_text.replace("\x00", "")
    return AibotMessage(
        msgid=str(d.get("msgid", "")), chattype=str(d.get("chattype", "single")),
        chatid=str(d.get("chatid", "")).replace("\x00", ""), userid=userid,
        msgtype=str(d["msgtype"]), text=_MENTION.sub("", raw_text).strip(),
        mentioned=bool(_MENTION.match(raw_text)), response_url=str(d.get("response_url", "")),
        event=name.replace("\x00", ""),
        event_key=str(body.get("event_key", "")).replace("\x00", ""),
        stream_id=str(stream.get("id", "")), raw=d)


def dedupe_key(msg: AibotMessage) -> str:
    """msgid when there is one (the doc says callbacks may repeat), else a hash of the body."""
    if msg.msgid:
        return "aibot:" + hashlib.sha1(msg.msgid.encode()).hexdigest()
    body = json.dumps(msg.raw, ensure_ascii=False, sort_keys=True)
    return "aibot:evt:" + hashlib.sha1(body.encode()).hexdigest()
