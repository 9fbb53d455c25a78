"""Tables of the WeCom office side (calendar events, meetings, rooms): what the bot made in
WeCom for each interview, the durable jobs that make it, and which features WeCom refused.

A job row is written in the same transaction as the interview change that needs it, so a
change is never stored without its WeCom side effect being queued, and never queued without
the change (the outbox's rule, for API calls other than messages).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base, UTCDateTime

# As in store.hiring (not imported from there: store.models imports both modules).
JSONType = JSON().with_variant(JSONB(), "postgresql")
RefId = BigId = BigInteger().with_variant(Integer(), "sqlite")

JOB_KINDS = ("sync", "rsvp_fetch", "schedule_check", "meeting_check", "room_free",
             "customer_link")
_OPEN = "status IN ('pending', 'running')"


class WeComJob(Base):
    """One WeCom side effect to carry out, at least once, with an idempotency key."""

    __tablename__ = "wecom_jobs"
    __table_args__ = (
        UniqueConstraint("key", name="uq_wecom_jobs_key"),
        Index("ix_wecom_jobs_due", "status", "next_attempt_at"),
        # Jobs of one interview run one at a time, oldest first (see bot.pipeline.oa_jobs).
        Index("ix_wecom_jobs_open_interview", "interview_id", "id",
              postgresql_where=text(_OPEN), sqlite_where=text(_OPEN)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(24))
    interview_id: Mapped[int | None] = mapped_column(RefId)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|running|done|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InterviewWeCom(Base):
    """What exists in WeCom for one interview: its event, meeting and room booking.

    `*_pending` records that a create was sent and its answer not yet seen: the next try
    looks for what that create may have made before it creates anything (never twice).
    `synced` is the state last written to WeCom, to send only what changed.
    """

    __tablename__ = "interview_wecom"

    interview_id: Mapped[int] = mapped_column(RefId, ForeignKey("interviews.id"),
                                              primary_key=True)
    schedule_id: Mapped[str | None] = mapped_column(String(128))
    schedule_pending: Mapped[bool] = mapped_column(default=False)
    meetingid: Mapped[str | None] = mapped_column(String(128))
    meeting_link: Mapped[str | None] = mapped_column(Text)
    meeting_admin: Mapped[str | None] = mapped_column(String(64))
    meeting_pending: Mapped[bool] = mapped_column(default=False)
    room_wanted: Mapped[str | None] = mapped_column(String(128))   # a room name, or "auto"
    room_id: Mapped[int | None] = mapped_column(Integer)
    room_name: Mapped[str | None] = mapped_column(String(128))
    booking_id: Mapped[str | None] = mapped_column(String(128))
    booking_pending: Mapped[bool] = mapped_column(default=False)
    synced: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WeComFeature(Base):
    """A WeCom feature the app was refused (a permission errcode), and whether HR was told."""

    __tablename__ = "wecom_features"

    feature: Mapped[str] = mapped_column(String(16), primary_key=True)  # calendar|meeting|rooms
    errcode: Mapped[int] = mapped_column(Integer)
    errmsg: Mapped[str | None] = mapped_column(Text)
    denied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
