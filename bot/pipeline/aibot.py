"""The intelligent bot (智能机器人, API mode): JSON callbacks from single and group chats.

Messages reach the same router, with the same roles, as the app's. The answer to the asker is
a passive reply in the HTTP response (a finished stream), stored with the dedupe row so that a
retried callback gets the same answer without running the command again. What must stay
private is sent one-to-one through the app, and the group is told so; notifications to other
people go through the app's outbox as usual.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.pipeline import outbox
from bot.pipeline.dispatch import Dispatcher
from bot.pipeline.wakeup import Wakeup
from bot.wecom.aibot_messages import AibotMessage, dedupe_key
from commands.lang import detect
from commands.replies import CardUpdate, GroupCreate, GroupPost, Markdown, Reply
from commands.sanitize import no_markdown
from store.db import Sessions
from store.models import InboundMessage, User
from store.sql import insert_ignore

STREAM_LIMIT = 20480   # bytes of stream/markdown content (protocol §8.5)
PRIVATE_NOTE = ("（含隐私信息，已私信发给你）", "(this contains private details; sent to you "
                                           "one-to-one)")


def _stream(stream_id: str, content: str) -> dict[str, Any]:
    return {"msgtype": "stream", "stream": {"id": stream_id, "finish": True, "content": content}}


class Aibot:
    """The intelligent bot's synchronous path: dedupe row, command and passive reply at once."""

    def __init__(self, sessions: Sessions, dispatcher: Dispatcher, wakeup: Wakeup,
                 clock: Callable[[], datetime]):
        self.sessions, self.dispatcher, self.wakeup, self.clock = \
            sessions, dispatcher, wakeup, clock

    def process(self, msg: AibotMessage, payload: str) -> dict[str, Any] | None:
        """Handle one callback; returns the passive reply's plaintext, or None for empty."""
        key = dedupe_key(msg)
        if msg.msgtype == "stream":          # a refresh of a reply we already finished
            return self._stored(msg.stream_id)
        now = self.clock()
        with self.sessions.begin() as s:
            row = dict(dedupe_key=key, source="aibot", from_user=msg.userid[:64],
                       msg_type=msg.msgtype[:32], event=msg.event or None, status="done",
                       payload=payload, received_at=now)
            if not insert_ignore(s, InboundMessage, row, ("dedupe_key",)):
                return self._stored(key)
            acted = self.dispatcher.act(s, key, msg, now)
            passive = self.deliver(s, msg, acted.replies, acted.sender, key, now)
        self.wakeup.notify()   # notifications to others wait in the outbox
        return passive

    def _stored(self, key: str) -> dict[str, Any] | None:
        """The passive reply given the first time (by dedupe key, or by our stream id)."""
        with self.sessions() as s:
            row = s.get(InboundMessage, key if key.startswith("aibot:") else f"aibot:{key}")
        return json.loads(row.reply) if row is not None and row.reply else None

    def deliver(self, s: Session, msg: AibotMessage, replies: list[Reply], sender: User | None,
                key: str, now: datetime) -> dict[str, Any] | None:
        """Split replies: the asker's public ones become the passive reply, the rest the app's
        outbox; private content in a group goes one-to-one instead."""
        mine: list[str] = []
        others: list[Reply] = []
        # The language of this message (the stored preference is for pushes, not replies).
        text = msg.text or msg.event_key
        lang = detect(text) if text else (sender.lang if sender and sender.lang else "zh")
        for r in replies:
            to_asker = r.to is None or (sender is not None and r.to == sender.wecom_userid)
            if to_asker and r.private and msg.chattype == "group":
                others.append(r)
                mine.append(PRIVATE_NOTE[0] if lang == "zh" else PRIVATE_NOTE[1])
            elif to_asker and not isinstance(r, GroupPost | GroupCreate | CardUpdate):
                # A card's text stands in for its buttons; the stream renders markdown, so
                # plain text must stay plain.
                mine.append(r.text if isinstance(r, Markdown) else no_markdown(r.text))
            else:
                others.append(r)
        outbox.deliver(s, others, sender=sender.wecom_userid if sender else None,
                       source_key=key, now=now)
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
