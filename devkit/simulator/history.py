"""One member's conversation with the bot: what they sent (as the bot received it) and what
the fake WeCom API delivered to them, merged in time order."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.wecom.messages import Event, InboundError, TemplateCardEvent, TextMessage, from_stored
from store.db import Sessions
from store.models import InboundMessage, User

HIDDEN_EVENTS = {"enter_agent", "subscribe"}   # WeCom shows nothing in the chat for these


def sent_by(sessions: Sessions, userid: str, since: datetime) -> list[dict[str, Any]]:
    """What `userid` sent to the app since `since`, read back from the bot's inbound table."""
    with sessions() as s:
        rows = s.scalars(select(InboundMessage)
                         .where(InboundMessage.from_user.in_({userid, userid.lower()}),
                                InboundMessage.source == "app",
                                InboundMessage.received_at >= since)
                         .order_by(InboundMessage.received_at)).all()
    out = []
    for row in rows:
        entry = _inbound_entry(row)
        if entry is not None:
            out.append(entry)
    return out


def _inbound_entry(row: InboundMessage) -> dict[str, Any] | None:
    try:
        msg = from_stored(row.payload or "")
    except InboundError:
        return None
    entry: dict[str, Any] = {"from": "user", "at": row.received_at.timestamp(),
                             "key": row.dedupe_key, "status": row.status}
    if isinstance(msg, TextMessage):
        return {**entry, "kind": "text", "content": msg.content}
    if isinstance(msg, TemplateCardEvent):
        return {**entry, "kind": "button", "content": msg.event_key}
    if isinstance(msg, Event):
        if msg.event in HIDDEN_EVENTS:
            return None
        return {**entry, "kind": "click" if msg.event == "click" else "event",
                "content": msg.event_key or msg.event}
    return {**entry, "kind": msg.msg_type, "content": ""}


def delivered_to(state: dict[str, Any], userid: str) -> list[dict[str, Any]]:
    """What the fake WeCom API delivered to `userid`, with card button outcomes applied."""
    replaced = {u.get("response_code"): (u.get("button") or {}).get("replace_name", "")
                for u in state.get("card_updates", [])}
    out = []
    for m in state.get("delivered", []):
        if m["touser"].lower() != userid.lower():
            continue
        entry: dict[str, Any] = {"from": "bot", "at": m["at"], "kind": m["msgtype"],
                                 "msgid": m["msgid"], "content": m["content"]}
        if m["msgtype"] == "template_card":
            entry["card"] = json.loads(m["content"])
            entry["response_code"] = m.get("response_code")
            if m.get("response_code") in replaced:
                entry["replaced"] = replaced[m["response_code"]] or "✓"
        out.append(entry)
    return out


def conversation(sessions: Sessions, state: dict[str, Any], userid: str,
                 since: datetime) -> list[dict[str, Any]]:
    """Both sides, oldest first (a member's message sorts before a reply of the same instant)."""
    merged = sent_by(sessions, userid, since) + delivered_to(state, userid)
    merged.sort(key=lambda e: (e["at"], e["from"] == "bot"))
    return merged


def members(sessions: Sessions, state: dict[str, Any]) -> list[dict[str, Any]]:
    """Every member the bot knows, with how many messages the fake delivered to each."""
    received = Counter(m["touser"].lower() for m in state.get("delivered", []))
    with sessions() as s:
        users = s.scalars(select(User).order_by(User.id)).all()
    return [{"userid": u.wecom_userid, "name": u.name, "role": u.role,
             "received": received.get(u.wecom_userid.lower(), 0)} for u in users]
