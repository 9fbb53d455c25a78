"""Tables of the hiring domain: positions, candidates, interviews and their panels, feedback,
pending confirmations, the audit log and settings.

Three kinds of state are kept apart on purpose: the interview's schedule status
(`Interview.status`), each interviewer's own state (`Panelist.rsvp`, `Panelist.feedback_status`)
and the hiring decision (`Candidate.decision`). Statuses are plain strings with CHECK
constraints rather than PostgreSQL enums, so the same schema runs on SQLite for the demo.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base, UTCDateTime
from store.models import BigId

JSONType = JSON().with_variant(JSONB(), "postgresql")
RefId = BigInteger().with_variant(Integer(), "sqlite")

LIVE = ("scheduled", "confirmed", "rescheduled")          # an interview that will happen
STATUSES = (*LIVE, "cancelled", "completed", "no_show")
RSVPS = ("pending", "accepted", "declined", "removed")    # pending: invited, no answer yet
ATTENDING = ("pending", "accepted")                        # on the panel; the others are not
# pending: due (or will be, once it ends); excused: absent, declined or removed;
# waived: cancelled, no-show, or HR decided without it; shadow: a trainee sitting in, never
# asked for feedback. commands.states has the transitions.
FEEDBACK_STATES = ("pending", "submitted", "waived", "excused", "shadow")
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")  # four levels, no neutral
DECISIONS = ("pending", "pass", "fail", "hold")
VERDICTS = ("pass", "fail", "hold")                        # HR's decision on one interview
MODES = ("onsite", "video", "phone", "showmebug")
# Statuses that free the candidate's round for a new interview (see the partial index).
_ROUND_FREE = "status NOT IN ('cancelled', 'no_show')"
_DUE = "feedback_status = 'pending'"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Position(Base):
    """A job opening (岗位)."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(128), unique=True)
    department: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Candidate(Base):
    """A person being interviewed; contact details are private (never shown in groups)."""

    __tablename__ = "candidates"
    __table_args__ = (CheckConstraint(_in("decision", DECISIONS), name="decision"),
                      Index("ix_candidates_name", "name"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    resume_url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(64))
    position_id: Mapped[int | None] = mapped_column(RefId, ForeignKey("positions.id"))
    decision: Mapped[str] = mapped_column(String(16), default="pending")
    created_by: Mapped[int | None] = mapped_column(RefId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Interview(Base):
    """One interview of a candidate; shown to users as #id."""

    __tablename__ = "interviews"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("decision", VERDICTS), name="decision"),
        Index("ix_interviews_start_at", "start_at"),
        # Target of the panel's (interview_id, start_at) foreign key, see Panelist.start_at.
        UniqueConstraint("id", "start_at", name="uq_interviews_id_start_at"),
        # Two live interviews for the same candidate and round are a mistake (Frappe's rule).
        Index("uq_interviews_live_round", "candidate_id", "round", unique=True,
              postgresql_where=text(_ROUND_FREE), sqlite_where=text(_ROUND_FREE)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    candidate_id: Mapped[int] = mapped_column(RefId, ForeignKey("candidates.id"))
    position_id: Mapped[int | None] = mapped_column(RefId, ForeignKey("positions.id"))
    round: Mapped[int] = mapped_column(SmallInteger, default=1)
    round_label: Mapped[str | None] = mapped_column(String(32))   # 技术面, HR面 …
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str | None] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(256))
    meeting_url: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)              # briefing for interviewers
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    needs_attention: Mapped[bool] = mapped_column(Boolean, default=False)  # someone declined
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped on every change of time or panel: reminder and notification keys include it, so
    # a reschedule gets fresh reminders and stale ones can be recognised.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    chat_id: Mapped[str | None] = mapped_column(String(32))   # its WeCom group (appchat), if any
    # HR's hiring decision after this interview (None until made); it closes the feedback loop.
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(RefId, ForeignKey("users.id"))
    created_by: Mapped[int] = mapped_column(RefId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Panelist(Base):
    """An interviewer on an interview, with their own RSVP and feedback state."""

    __tablename__ = "interview_interviewers"
    __table_args__ = (
        CheckConstraint(_in("rsvp", RSVPS), name="rsvp"),
        CheckConstraint(_in("feedback_status", FEEDBACK_STATES), name="feedback_status"),
        ForeignKeyConstraint(["interview_id", "start_at"], ["interviews.id", "interviews.start_at"],
                             onupdate="CASCADE", ondelete="CASCADE",
                             name="fk_interview_interviewers_interview"),
        # "My interviews" and clash checks start from a person and a time range.
        Index("ix_interview_interviewers_user_start", "user_id", "start_at"),
        Index("ix_interview_interviewers_feedback_due", "user_id", "start_at",
              postgresql_where=text(_DUE), sqlite_where=text(_DUE)),
    )

    interview_id: Mapped[int] = mapped_column(RefId, primary_key=True)
    user_id: Mapped[int] = mapped_column(RefId, ForeignKey("users.id"), primary_key=True)
    # A copy of interviews.start_at, so that one index on (user_id, start_at) answers "my
    # interviews this week" without visiting every interview the person ever had. It cannot
    # drift: the foreign key above is ON UPDATE CASCADE, so moving an interview moves it.
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rsvp: Mapped[str] = mapped_column(String(16), default="pending")
    rsvp_note: Mapped[str | None] = mapped_column(Text)
    # When the answer last changed: answered, or (still pending) asked again by a reschedule.
    rsvp_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_status: Mapped[str] = mapped_column(String(16), default="pending")
    nudges: Mapped[int] = mapped_column(Integer, default=0)     # feedback reminders sent
    last_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Feedback(Base):
    """An interviewer's evaluation; its author may amend it until HR decides (old kept in audit)."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_in("recommendation", RECOMMENDATIONS), name="recommendation"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        # Only someone on the panel can have feedback, and they cannot be removed after it.
        ForeignKeyConstraint(["interview_id", "user_id"],
                             ["interview_interviewers.interview_id",
                              "interview_interviewers.user_id"],
                             name="fk_feedback_panelist"),
    )

    interview_id: Mapped[int] = mapped_column(RefId, primary_key=True)
    user_id: Mapped[int] = mapped_column(RefId, primary_key=True)
    recommendation: Mapped[str] = mapped_column(String(16))
    score: Mapped[int] = mapped_column(SmallInteger)
    notes: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PendingConfirmation(Base):
    """A destructive action waiting for `confirm CODE` (10 minutes, usable once)."""

    __tablename__ = "pending_confirmations"
    __table_args__ = (UniqueConstraint("actor_id", "code", name="uq_pending_confirmations_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[int] = mapped_column(RefId, ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))    # done | aborted | replaced


class PendingQuestion(Base):
    """The question the bot last asked a member, so their next short message can answer it.

    One per member (a new question or a new command replaces it); 10 minutes. `command` is
    the command as sent, `part_start`/`part_end` the part the question is about, `ask` how an
    answer fits in (commands.conversation), `choices` the numbered answers offered.
    """

    __tablename__ = "pending_questions"

    user_id: Mapped[int] = mapped_column(RefId, ForeignKey("users.id"), primary_key=True)
    command: Mapped[str] = mapped_column(Text)
    part_start: Mapped[int] = mapped_column(Integer)
    part_end: Mapped[int] = mapped_column(Integer)
    ask: Mapped[str] = mapped_column(String(16))
    choices: Mapped[list[Any]] = mapped_column(JSONType)
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditLog(Base):
    """Append-only record of every write: who, what, before/after, why, which message."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(RefId, ForeignKey("users.id"))
    actor_kind: Mapped[str] = mapped_column(String(16), default="user")  # user|system|scheduler
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(20))            # interview|candidate|user|setting
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    reason: Mapped[str | None] = mapped_column(Text)
    source_key: Mapped[str | None] = mapped_column(String(80))  # inbound dedupe key (MsgId)


class OrgSetting(Base):
    """An organisation-wide setting; absent keys take the defaults in commands.settings_store."""

    __tablename__ = "org_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    updated_by: Mapped[int | None] = mapped_column(RefId, ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserSetting(Base):
    """A per-user override of an organisation setting (e.g. reminder offsets)."""

    __tablename__ = "user_settings"

    user_id: Mapped[int] = mapped_column(RefId, ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InterviewerPool(Base):
    """A named group of interviewers HR schedule from (面试官池), e.g. "backend"."""

    __tablename__ = "interviewer_pools"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Stored folded to lower case so "Backend" and "backend" are one pool.
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(RefId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PoolMember(Base):
    """One interviewer in one pool."""

    __tablename__ = "pool_members"

    pool_id: Mapped[int] = mapped_column(RefId, ForeignKey("interviewer_pools.id",
                                                           ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(RefId, ForeignKey("users.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A trainee (见习): shadows the next N interviews scheduled from the pool, then graduates
    # to a full member (None).
    shadow_left: Mapped[int | None] = mapped_column(Integer)
