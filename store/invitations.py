"""The candidate self-scheduling links (邀约): one row per link, so a link is single-use,
expires, and can be told apart from any other even when the signing key is the same."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base, UTCDateTime

# As in store.hiring (not imported from there: store.models imports both modules).
RefId = BigId = BigInteger().with_variant(Integer(), "sqlite")

KINDS = ("invite", "reschedule")
STATUSES = ("open", "used", "revoked")     # expired is read from expires_at, never stored


class Invitation(Base):
    """A link HR forwards to a candidate: pick a slot from a pool (invite) or move #id."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("kind IN ('invite', 'reschedule')", name="kind"),
        CheckConstraint("status IN ('open', 'used', 'revoked')", name="status"),
        CheckConstraint("window_end > window_start", name="window"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Random, signed into the token with the id: a token outlives no wiped or reused id.
    nonce: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    candidate_id: Mapped[int | None] = mapped_column(RefId, ForeignKey("candidates.id"))
    candidate_name: Mapped[str] = mapped_column(String(128))
    pool_name: Mapped[str | None] = mapped_column(String(64))
    pool_count: Mapped[int] = mapped_column(SmallInteger, default=1)
    minutes: Mapped[int] = mapped_column(SmallInteger)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    # reschedule: the interview to move; invite: the interview booked through the link.
    interview_id: Mapped[int | None] = mapped_column(RefId, ForeignKey("interviews.id"))
    created_by: Mapped[int] = mapped_column(RefId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booked_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booked_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
