"""Exactly-once processing of one inbound message: member, rate limit, handler, outbox rows.

Framework-free. App callbacks are stored by bot.pipeline.inbox and acted on by a worker through
`Dispatcher.run_taken`, in the transaction that marks the inbox row done; the intelligent bot
(bot.pipeline.aibot), which must answer in its HTTP response, and direct callers use `Dispatcher.take` /
`Dispatcher.process`: dedupe row, handler and outbox in one transaction. Either way a retry finds
the dedupe row and does nothing, and a crash before the commit leaves the work to be done.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline import oa_jobs, outbox
from bot.wecom.messages import (
    Event,
    Inbound,
    Message,
    OfficeEvent,
    TemplateCardEvent,
    TextMessage,
    dedupe_key,
)
from commands.context import Context, Reply
from commands.help import welcome
from commands.lang import detect
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
# handle(session, sender, dedupe key, now) -> (replies, acted upon?)
HandleFn = Callable[[Session, "User | None", str, datetime], tuple[list[Reply], bool]]
# deliver(session, replies, sender, dedupe key, now) -> anything the entry point needs back
DeliverFn = Callable[[Session, list[Reply], "User | None", str, datetime], Any]
COMMAND_EVENTS = {"click", "template_card_event"}   # their EventKey is a command text


@dataclass
class Dispatcher:
    """What processing needs: settings, database sessions, the router and the clock."""

    settings: Settings
    sessions: sessionmaker
    router: Router
    clock: Callable[[], datetime]
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def process(self, msg: Inbound, payload: str, source: str = "app") -> str:
        """Take one app message in; returns 'new', 'duplicate', 'throttled' or 'failed'."""
        outcome, _ = self.take(
            key=dedupe_key(msg, source), source=source, from_user=msg.from_user_name,
            msg_type=msg.msg_type, event=getattr(msg, "event", None), payload=payload,
            text=getattr(msg, "content", "") or getattr(msg, "event_key", ""),
            handle=lambda s, sender, key, now: self.handle(s, msg, sender, key, now),
            deliver=self.write_replies)
        return outcome

    def take(self, *, key: str, source: str, from_user: str, msg_type: str,
             event: str | None, payload: str, text: str, handle: HandleFn,
             deliver: DeliverFn) -> tuple[str, Any]:
        """Dedupe, run the handler in a savepoint, deliver its replies: one transaction.

        Returns (outcome, what `deliver` returned); `deliver` is not called for a duplicate.
        """
        now = self.clock()
        with self.sessions.begin() as s:
            row = dict(dedupe_key=key, source=source, from_user=from_user[:64],
                       msg_type=msg_type[:32], event=event, status="done", payload=payload,
                       received_at=now)
            if not insert_ignore(s, InboundMessage, row, ("dedupe_key",)):
                return "duplicate", None
            outcome, delivered = self._run(s, key, from_user, text, now, handle, deliver)
        for hook in self.after_commit:
            hook()
        return outcome, delivered

    def run_taken(self, s: Session, key: str, msg: Inbound, received_at: datetime, *,
                  recent: int, known: dict[str, User]) -> str:
        """Act on a message the callback stored (bot.pipeline.inbox), in the caller's transaction.

        Its `now` is when it was received, so "明天" means the day after the member said it.
        `recent` is the member's messages in the minute up to this one, `known` the members
        already loaded: bot.pipeline.inbox looks both up once for a whole batch.
        """
        outcome, _ = self._run(
            s, key, msg.from_user_name,
            getattr(msg, "content", "") or getattr(msg, "event_key", ""), received_at,
            lambda s, sender, key, now: self.handle(s, msg, sender, key, now),
            self.write_replies, recent=recent, known=known)
        return outcome

    def _run(self, s: Session, key: str, from_user: str, text: str, now: datetime,
             handle: HandleFn, deliver: DeliverFn, *, recent: int | None = None,
             known: dict[str, User] | None = None) -> tuple[str, Any]:
        """Member, rate limit, handler in a savepoint, replies: the work behind a dedupe row."""
        outcome = "new"
        sender = None if from_user in ("", "sys") else \
            ensure_user(s, from_user, self.settings, now, known)
        if recent is None and sender is not None:
            recent = self.recent(s, from_user, now)
        if sender is not None and (recent or 0) > self.settings.user_rate_limit > 0:
            self._mark(s, key, status="throttled")
            lang = detect(text) if text else sender.lang or "zh"
            minute = now.strftime("%Y%m%d%H%M")
            polite = Reply(SLOW_DOWN[0] if lang == "zh" else SLOW_DOWN[1],
                           dedupe_key=f"throttled:{sender.wecom_userid}:{minute}")
            return "throttled", deliver(s, [polite], sender, key, now)
        try:
            with s.begin_nested():   # a failing handler is rolled back, the rest is kept
                replies, handled = handle(s, sender, key, now)
        except DATABASE_DOWN:
            raise
        except Exception as exc:
            log.exception("handler failed for %s from %s", key, from_user)
            outcome, handled = "failed", True
            self._mark(s, key, status="failed", error=f"{type(exc).__name__}: {exc}"[:2000])
            lang = detect(text) if text else (sender.lang if sender else None) or "zh"
            replies = [Reply(APOLOGY[0] if lang == "zh" else APOLOGY[1])]
        if not handled:
            self._mark(s, key, status="ignored")
        return outcome, deliver(s, replies, sender, key, now)

    @staticmethod
    def recent(s: Session, from_user: str, now: datetime) -> int:
        """The member's messages in the minute up to `now`, this one included."""
        m = InboundMessage
        return s.scalar(select(func.count()).select_from(m).where(
            m.from_user == from_user[:64], m.received_at > now - timedelta(minutes=1),
            m.received_at <= now)) or 0

    @staticmethod
    def _mark(s: Session, key: str, **values: Any) -> None:
        s.execute(update(InboundMessage).where(InboundMessage.dedupe_key == key).values(**values))

    def handle(self, s: Session, msg: Inbound, sender: User | None, key: str,
               now: datetime) -> tuple[list[Reply], bool]:
        """Decide the replies for one message; the bool says whether it was acted upon."""
        if isinstance(msg, OfficeEvent):   # calendar / meeting change: a job reads WeCom
            return [], oa_jobs.enqueue_from_event(s, msg, key, now)
        if sender is None:
            return [], False
        ctx = Context(sender=sender, session=s, now=now, settings=self.settings,
                      lang=sender.lang or "zh", source_key=key)
        if isinstance(msg, TextMessage):
            replies = self.router.dispatch(ctx, msg.content)
            sender.lang = ctx.lang
            return replies, True
        if isinstance(msg, Event) and msg.event in WELCOME_EVENTS:
            day = now.astimezone(ctx.tz).date().isoformat()
            return [Reply(welcome(ctx), dedupe_key=f"welcome:{sender.wecom_userid}:{day}")], True
        if isinstance(msg, TemplateCardEvent | Event) and msg.event in COMMAND_EVENTS \
                and msg.event_key:
            replies = self.router.dispatch(ctx, msg.event_key)
            if isinstance(msg, TemplateCardEvent) and msg.response_code:
                replies.append(_grey_out(msg, ctx))   # the card's buttons are used up
            return replies, True
        if isinstance(msg, Message):
            return [Reply(ctx.t(*NOT_TEXT))], True
        return [], False

    def write_replies(self, s: Session, replies: list[Reply], sender: User | None, key: str,
                      now: datetime) -> None:
        """Put every reply in the outbox."""
        for reply in replies:
            self.write_reply(s, reply, sender, key, now)

    def write_reply(self, s: Session, reply: Reply, sender: User | None, key: str,
                    now: datetime) -> None:
        """Put one reply in the outbox."""
        to = reply.to or (sender.wecom_userid if sender else None)
        if not to:
            return
        if reply.private and reply.channel == "appchat":
            # Contact details and feedback never go to a group, whatever a handler asks for.
            log.error("refused to post private content to group %s (from %s)", to, key)
            return
        if reply.card is not None:
            content, msgtype = outbox.card_json(reply.card), "template_card"
        else:
            content, msgtype = reply.text, "markdown" if reply.markdown else "text"
        outbox.enqueue(s, touser=to, content=content, msgtype=msgtype, now=now,
                       dedupe_key=reply.dedupe_key, source_key=key, channel=reply.channel)


def _grey_out(msg: TemplateCardEvent, ctx: Context) -> Reply:
    """Replace the pressed card's buttons with one greyed-out label (update_template_card)."""
    label = ctx.t("已处理", "Done")
    body = {"userids": [msg.from_user_name], "response_code": msg.response_code,
            "button": {"replace_name": label}}
    return Reply(json.dumps(body, ensure_ascii=False), to=msg.from_user_name,
                 channel="card_update")


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
