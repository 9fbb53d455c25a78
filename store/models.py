"""Tables of the spine: inbound dedupe, outbox, access token, worker heartbeat, users.

Only SQLAlchemy here (no Flask), so `commands/` can use the models directly.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class InboundMessage(Base):
    """One row per WeCom message or event taken in; the primary key is the dedupe key."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_from_user", "from_user", "received_at"),
        # Only the rows still to be acted on (bot.pipeline.inbox): small, whatever the history.
        Index("ix_inbound_pending", "from_user", "received_at", "dedupe_key",
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
    )

    dedupe_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))            # app | aibot | simulator
    from_user: Mapped[str] = mapped_column(String(64))
    msg_type: Mapped[str] = mapped_column(String(32))
    event: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # pending | done | failed | ignored | throttled
    error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)          # decrypted XML/JSON, as received
    reply: Mapped[str | None] = mapped_column(Text)            # passive reply given (aibot)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """A message to send through the WeCom API, written in the same transaction as its cause."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_touser_sent", "touser", "sent_at"),
        Index("ix_outbox_touser_status", "touser", "status", "id"),
        # Each member's unsent rows by id: the claim's "oldest unsent row" is its first entry.
        Index("ix_outbox_unsent", "touser", "id",
              postgresql_where=text("status IN ('pending', 'sending')"),
              sqlite_where=text("status IN ('pending', 'sending')")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(160))
    source_key: Mapped[str | None] = mapped_column(String(80))  # the inbound message behind it
    channel: Mapped[str] = mapped_column(String(16), default="app")  # app | appchat | response_url
    touser: Mapped[str] = mapped_column(String(128))            # userid or chatid: FIFO key
    url: Mapped[str | None] = mapped_column(Text)               # response_url (aibot replies)
    msgtype: Mapped[str] = mapped_column(String(32))            # text | markdown | template_card
    content: Mapped[str] = mapped_column(Text)                  # text, or JSON for cards
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sending|sent|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wecom_msgid: Mapped[str | None] = mapped_column(String(128))
    invaliduser: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Among rows due together, the earlier rank is claimed first (an agenda: its first
    # interview's start); None ranks by next_attempt_at, so replies due now go ahead.
    rank_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Not a column: set by outbox.claim when this new message repeats one the member got
    # within WeCom's duplicate-check window, so that the check does not drop it.
    repeats_recent = False


# The claim's order, for unsent rows only: a claim walks it and stops after a few rows,
# however many thousands a rush has queued (bot.pipeline.outbox.claim).
Index("ix_outbox_pending_rank",
      func.coalesce(OutboxMessage.rank_at, OutboxMessage.next_attempt_at), OutboxMessage.id,
      postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'"))


class AccessToken(Base):
    """The app's access_token, shared by every process; the row lock serialises refreshes."""

    __tablename__ = "access_tokens"

    app_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(String(1024))  # WeCom: reserve >= 512 bytes
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gettoken_calls: Mapped[int] = mapped_column(Integer, default=0)
    fail_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class ApiBudget(Base):
    """Calls made to one WeCom API in one window, by every process (store.budget)."""

    __tablename__ = "api_budget"

    api: Mapped[str] = mapped_column(String(64), primary_key=True)       # e.g. message/send
    window: Mapped[str] = mapped_column(String(8), primary_key=True)     # minute | hour | day
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)


class WorkerHeartbeat(Base):
    """Last sign of life of each worker, for /healthz."""

    __tablename__ = "worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """A WeCom member known to the bot, created on first contact."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    wecom_userid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))      # shown; the member may choose it
    # The name in WeCom's directory (user/get), or one an admin gave (`role set --name`): the
    # only name other people can name this member by (commands.people.matches), so a chosen
    # display name cannot squat on a colleague's. None until known.
    directory_name: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16), default="interviewer")  # admin|hr|interviewer
    timezone: Mapped[str | None] = mapped_column(String(64))   # None: the organisation's
    lang: Mapped[str | None] = mapped_column(String(2))         # last language used: zh | en
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # False until the worker has asked WeCom's directory (user/get) for the member's name
    # (commands cannot do HTTP); True once it has, or once an admin gave the name.
    name_synced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Until when the member's last question (pending_questions) may be answered; None when no
    # question is open. Kept on the row every message loads anyway, so a message costs no
    # extra query unless a question is actually open.
    question_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The hiring tables live in their own module; importing it here registers them with Base.
import store.hiring  # noqa: E402,F401
import store.invitations  # noqa: E402,F401
import store.wecom_oa  # noqa: E402,F401
