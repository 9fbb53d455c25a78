"""The intelligent bot (智能机器人, API mode): JSON callbacks from single and group chats.

Messages reach the same router, with the same roles, as the app's. The answer to the asker is
a passive reply in the HTTP response (a finished stream), stored with the dedupe row so that a
retried callback gets the same answer without running the command again. What must stay
private is sent one-to-one through the app, and the group is told so; notifications to other
people go through the app's outbox as usual.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot import outbox
from bot.dispatch import Bot
from bot.inbound import MAX_ID
from bot.models import InboundMessage, User
from commands.context import Context, Reply
from commands.help import welcome
from commands.lang import detect
from commands.quote import no_markdown

STREAM_LIMIT = 20480   # bytes of stream/markdown content (protocol §8.5)
PRIVATE_NOTE = ("（含隐私信息，已私信发给你）", "(this contains private details; sent to you "
                                           "one-to-one)")


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


def _stream(stream_id: str, content: str) -> dict[str, Any]:
    return {"msgtype": "stream", "stream": {"id": stream_id, "finish": True, "content": content}}


class Aibot:
    """Processes intelligent-bot callbacks on top of the app's Bot."""

    def __init__(self, bot: Bot):
        self.bot = bot

    def process(self, msg: AibotMessage, payload: str) -> dict[str, Any] | None:
        """Handle one callback; returns the passive reply's plaintext, or None for empty."""
        key = dedupe_key(msg)
        if msg.msgtype == "stream":          # a refresh of a reply we already finished
            return self._stored(msg.stream_id)
        outcome, passive = self.bot.take(
            key=key, source="aibot", from_user=msg.userid, msg_type=msg.msgtype,
            event=msg.event or None, payload=payload, text=msg.text,
            handle=lambda s, sender, k, now: self.handle(s, msg, sender, k, now),
            deliver=lambda s, replies, sender, k, now: self.deliver(s, msg, replies, sender,
                                                                     k, now))
        if outcome == "duplicate":
            return self._stored(key)
        return passive  # type: ignore[no-any-return]

    def _stored(self, key: str) -> dict[str, Any] | None:
        """The passive reply given the first time (by dedupe key, or by our stream id)."""
        with self.bot.sessions() as s:
            row = s.get(InboundMessage, key if key.startswith("aibot:") else f"aibot:{key}")
        return json.loads(row.reply) if row is not None and row.reply else None

    def handle(self, s: Session, msg: AibotMessage, sender: User | None, key: str,
               now: datetime) -> tuple[list[Reply], bool]:
        """Route a message or event to the command router."""
        if sender is None:
            return [], False
        ctx = Context(sender=sender, session=s, now=now, settings=self.bot.settings,
                      lang=sender.lang or "zh", chat=msg.chattype, source_key=key)
        if msg.msgtype == "event":
            if msg.event == "enter_chat":
                return [Reply(welcome(ctx))], True
            if msg.event == "template_card_event" and msg.event_key:
                return self.bot.router.dispatch(ctx, msg.event_key), True
            return [], False          # feedback_event and others: stored, empty reply
        if msg.chattype == "group" and not msg.mentioned:
            return [], False          # in a group we speak only when spoken to
        if not msg.text:
            return [Reply(ctx.t("我目前只看得懂文字命令。发送「帮助」查看可用命令。",
                                "I only understand text commands. Send “help”."))], True
        # Never changes the stored language preference (see bot.dispatch).
        return self.bot.router.dispatch(ctx, msg.text), True

    def deliver(self, s: Session, msg: AibotMessage, replies: list[Reply], sender: User | None,
                key: str, now: datetime) -> dict[str, Any] | None:
        """Split replies: the asker's public ones become the passive reply, the rest the app's
        outbox; private content in a group goes one-to-one instead."""
        mine: list[str] = []
        # The note answers this message, so it is in this message's language (as replies are).
        lang = detect(msg.text) if msg.text else (sender.lang if sender and sender.lang else "zh")
        for r in replies:
            to_asker = r.to is None or (sender is not None and r.to == sender.wecom_userid)
            if to_asker and r.private and msg.chattype == "group":
                self.bot.write_reply(s, r, sender, key, now)
                mine.append(PRIVATE_NOTE[0] if lang == "zh" else PRIVATE_NOTE[1])
            elif to_asker:   # the stream renders markdown: plain text must stay plain
                mine.append(r.text if r.markdown else no_markdown(r.text))
            else:
                self.bot.write_reply(s, r, sender, key, now)
        if not mine:
            return None
        content = "\n\n".join(mine)
        passive, rest = outbox.split_utf8(content, STREAM_LIMIT)[0], None
        if len(content.encode()) > STREAM_LIMIT:
            rest = content[len(passive):].strip()
        if msg.event == "enter_chat":
            reply: dict[str, Any] = {"msgtype": "text", "text": {"content": passive}}
        elif msg.event == "template_card_event":
            reply = {"response_type": "update_template_card",
                     "userids": [msg.userid],
                     "template_card": {"card_type": "text_notice",
                                       "main_title": {"title": passive[:36]},
                                       "sub_title_text": passive[:1000]}}
        else:
            reply = _stream(key.rsplit(":", 1)[-1], passive)
        if rest and msg.response_url:   # the tail goes through the one-shot response_url
            outbox.enqueue(s, touser=f"aibot:{msg.userid}", url=msg.response_url, content=rest,
                           msgtype="markdown", channel="response_url", now=now, source_key=key)
        s.execute(update(InboundMessage).where(InboundMessage.dedupe_key == key)
                  .values(reply=json.dumps(reply, ensure_ascii=False)))
        return reply
