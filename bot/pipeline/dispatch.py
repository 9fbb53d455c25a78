"""Acting on one stored message: the member, the rate limit, the command, its replies.

Framework-free and transaction-free: the caller owns the transaction. App callbacks are acted
on by a worker (bot.pipeline.inbox), in the transaction that marks the inbox row done; the
intelligent bot (bot.pipeline.aibot), which must answer in its HTTP response, in the
transaction that writes its dedupe row. Either way a retry finds the row and does nothing, and
a crash before the commit leaves the work to be done.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.pipeline import oa_jobs
from bot.wecom.aibot_messages import AibotMessage
from bot.wecom.messages import (
    Event,
    Inbound,
    Message,
    OfficeEvent,
    TemplateCardEvent,
    TextMessage,
)
from commands.context import Context, Reply
from commands.help import welcome
from commands.lang import detect
from commands.replies import CardUpdate
from commands.router import Router
from config.settings import Settings
from store.models import InboundMessage, User
from store.sql import insert_ignore

log = logging.getLogger(__name__)

# The database is unreachable: the callback answers 503 so that WeCom retries later.
DATABASE_DOWN = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                 sa_exc.TimeoutError)

APOLOGY = ("抱歉，处理这条消息时出错了，已记录下来。请稍后再试，或联系管理员。",
           "Sorry, something went wrong with that message; it has been logged. "
           "Please try again later or contact an admin.")
SLOW_DOWN = ("你发得太快了，请稍等一分钟再发。", "You're sending messages too fast; please wait a "
             "minute and try again.")
NOT_TEXT = ("我目前只看得懂文字命令。发送「帮助」查看可用命令。",
            "I only understand text commands for now. Send “help” to see them.")
WELCOME_EVENTS = {"subscribe", "enter_agent"}
COMMAND_EVENTS = {"click", "template_card_event"}   # their EventKey is a command text
RATE_WINDOW = timedelta(minutes=1)   # the per-member command limit counts this far back
# WeCom's automatic events (LOCATION every few seconds, enter_agent, anything unknown) are no
# one's command: they count against their own limit, and the excess is dropped without a word.
EVENT_RATE_LIMIT = 60

Incoming = Inbound | AibotMessage


@dataclass
class Acted:
    """What acting on one message came to; the caller delivers the replies."""

    outcome: str                     # new | throttled | failed | ignored
    sender: User | None
    replies: list[Reply] = field(default_factory=list)


def typed(msg_type: str, event: str | None) -> bool:
    """True for what a person typed or pressed; False for WeCom's automatic events."""
    return msg_type != "event" or event in COMMAND_EVENTS


def typed_clause(m: Any) -> Any:
    """typed() as SQL over an inbound_messages row."""
    return or_(m.msg_type != "event", m.event.in_(sorted(COMMAND_EVENTS)))


def typed_message(msg: Incoming) -> bool:
    """typed() for a message of either callback."""
    if isinstance(msg, AibotMessage):
        return typed(msg.msgtype, msg.event or None)
    return typed(msg.msg_type, getattr(msg, "event", None))


def sender_of(msg: Incoming) -> str:
    """The userid that sent a message of either callback ('' for none)."""
    return msg.userid if isinstance(msg, AibotMessage) else msg.from_user_name


def text_of(msg: Incoming) -> str:
    """The command text a message carries (typed, or a button's key), '' for none."""
    if isinstance(msg, AibotMessage):
        return msg.text or msg.event_key
    return getattr(msg, "content", "") or getattr(msg, "event_key", "") or ""


@dataclass
class Dispatcher:
    """Turns a stored message into the command's replies, inside the caller's transaction."""

    settings: Settings
    router: Router

    def act(self, s: Session, key: str, msg: Incoming, now: datetime, *,
            recent: int | None = None, known: dict[str, User] | None = None) -> Acted:
        """Member, rate limit, handler in a savepoint: the work behind one dedupe row.

        `now` is when the message was received, so 明天 means the day after it was said.
        `recent` counts the member's messages in the minute up to this one and `known` holds
        members already loaded; the inbox looks both up once for a whole batch.
        """
        from_user, text = sender_of(msg), text_of(msg)
        if isinstance(msg, OfficeEvent):   # a calendar or meeting change: a job reads WeCom
            if oa_jobs.enqueue_from_event(s, msg, key, now):
                return Acted("new", None)
            mark(s, key, status="ignored")
            return Acted("ignored", None)
        sender = None if from_user in ("", "sys") else \
            ensure_user(s, from_user, self.settings, now, known)
        if sender is None:
            mark(s, key, status="ignored")
            return Acted("ignored", None)
        # Typed commands and automatic events are limited apart; only a person hears of it.
        person = typed_message(msg)
        if recent is None:
            recent = count_recent(s, from_user, now, person=person)
        if recent > (self.settings.user_rate_limit if person else EVENT_RATE_LIMIT) > 0:
            mark(s, key, status="throttled")
            if not person:
                return Acted("throttled", sender)
            lang = detect(text) if text else sender.lang or "zh"
            polite = Reply(SLOW_DOWN[0] if lang == "zh" else SLOW_DOWN[1],
                           dedupe_key=f"throttled:{sender.wecom_userid}:{now:%Y%m%d%H%M}")
            return Acted("throttled", sender, [polite])
        ctx = Context(sender=sender, session=s, now=now, settings=self.settings,
                      lang=sender.lang or "zh", source_key=key,
                      chat=msg.chattype if isinstance(msg, AibotMessage) else "single")
        try:
            with s.begin_nested():   # a failing handler is rolled back, the rest is kept
                replies = self.route(ctx, msg)
        except DATABASE_DOWN:
            raise
        except Exception as exc:
            log.exception("handler failed for %s from %s", key, from_user)
            mark(s, key, status="failed", error=f"{type(exc).__name__}: {exc}"[:2000])
            lang = detect(text) if text else sender.lang or "zh"
            return Acted("failed", sender, [Reply(APOLOGY[0] if lang == "zh" else APOLOGY[1])])
        if replies is None:
            mark(s, key, status="ignored")
            return Acted("ignored", sender)
        return Acted("new", sender, replies)

    def route(self, ctx: Context, msg: Incoming) -> list[Reply] | None:
        """The replies to one message; None when it asks for nothing (an unknown event)."""
        if isinstance(msg, AibotMessage):
            return self._route_aibot(ctx, msg)
        if isinstance(msg, TextMessage):
            # The reply is in the language of this message; the stored preference (what
            # pushes use) changes only through `settings language`.
            return self.router.dispatch(ctx, msg.content)
        if isinstance(msg, Event) and msg.event in WELCOME_EVENTS:
            day = ctx.now.astimezone(ctx.tz).date().isoformat()
            return [Reply(welcome(ctx), dedupe_key=f"welcome:{ctx.sender.wecom_userid}:{day}")]
        if isinstance(msg, TemplateCardEvent | Event) and msg.event in COMMAND_EVENTS \
                and msg.event_key:
            replies = self.router.dispatch(ctx, msg.event_key)
            if isinstance(msg, TemplateCardEvent) and msg.response_code:
                # The card's buttons are used up: one greyed-out label instead.
                replies.append(CardUpdate(ctx.t("已处理", "Done"), to=msg.from_user_name,
                                          response_code=msg.response_code))
            return replies
        if isinstance(msg, Message):
            return [Reply(ctx.t(*NOT_TEXT))]
        return None

    def _route_aibot(self, ctx: Context, msg: AibotMessage) -> list[Reply] | None:
        if msg.msgtype == "event":
            if msg.event == "enter_chat":
                return [Reply(welcome(ctx))]
            if msg.event == "template_card_event" and msg.event_key:
                return self.router.dispatch(ctx, msg.event_key)
            return None               # feedback_event and others: stored, empty reply
        if msg.chattype == "group" and not msg.mentioned:
            return None               # in a group we speak only when spoken to
        if not msg.text:
            return [Reply(ctx.t(*NOT_TEXT))]
        return self.router.dispatch(ctx, msg.text)   # never changes the stored language


def count_recent(s: Session, from_user: str, now: datetime, *, person: bool = True) -> int:
    """The member's messages of one kind (typed() or not) in the minute up to `now`, this
    one included."""
    m = InboundMessage
    kind = typed_clause(m) if person else ~typed_clause(m)
    return s.scalar(select(func.count()).select_from(m).where(
        m.from_user == from_user[:64], m.received_at > now - RATE_WINDOW,
        m.received_at <= now, kind)) or 0


def mark(s: Session, key: str, **values: Any) -> None:
    """Set the status (and error) of one inbound row."""
    s.execute(update(InboundMessage).where(InboundMessage.dedupe_key == key).values(**values))


def ensure_user(s: Session, userid: str, settings: Settings, now: datetime,
                known: dict[str, User] | None = None) -> User:
    """The user row for a WeCom userid, created on first contact (BOT_ADMINS are admins).

    `known`: members already loaded (by lower-cased userid), looked in before the database.
    """
    userid = userid.lower()   # WeCom userids are case-insensitive and come back lower-cased
    admins = {a.lower() for a in settings.admins}
    user = known.get(userid) if known is not None else None
    if user is None:
        user = s.scalars(select(User).where(User.wecom_userid == userid)).one_or_none()
    if user is None:   # first contact; two first messages at once meet in ON CONFLICT
        insert_ignore(s, User, dict(wecom_userid=userid, name=userid, created_at=now,
                                    role="admin" if userid in admins else "interviewer"),
                      ("wecom_userid",))
        user = s.scalars(select(User).where(User.wecom_userid == userid)).one()
    if userid in admins and user.role != "admin":
        user.role = "admin"
    return user
