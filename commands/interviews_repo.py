"""Queries on interviews and their panels; every function takes the session explicitly."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, bindparam, or_, select, update
from sqlalchemy.orm import Session

from store.hiring import ATTENDING, LIVE, Candidate, Interview, Panelist, Position
from store.models import OutboxMessage, User
from store.sql import changed

SHOWN = (*LIVE, "completed", "no_show")            # everything but cancelled
# No interview is longer (schedule and reschedule refuse longer ones), so an interview that
# overlaps [start, end) starts after start - MAX_LENGTH: that bounds the clash check's index scan.
MAX_LENGTH = timedelta(hours=8)
FEEDBACK_DUE = (*LIVE, "completed")                # interviews whose feedback is still wanted


@dataclass
class View:
    """An interview with what every reply about it needs."""

    iv: Interview
    candidate: Candidate
    position: Position | None
    panel: list[tuple[Panelist, User]]
    creator: User

    def member(self, user_id: int) -> Panelist | None:
        """The viewer's own panel row, if they are on the panel."""
        return next((p for p, u in self.panel if u.id == user_id), None)

    @property
    def attending(self) -> list[tuple[Panelist, User]]:
        """The interviewers on the panel: invited or accepted (commands.states)."""
        return [(p, u) for p, u in self.panel if p.rsvp in ATTENDING]


def view(session: Session, iid: int, *, lock: bool = False) -> View | None:
    """Load interview #iid; with lock=True its row is locked until the transaction ends."""
    iv = session.get(Interview, iid, with_for_update=lock or None, populate_existing=lock)
    if iv is None:
        return None
    panel = [(p, u) for p, u in session.execute(
        select(Panelist, User).join(User, User.id == Panelist.user_id)
        .where(Panelist.interview_id == iid).order_by(Panelist.added_at, User.id)
        .execution_options(populate_existing=lock))]
    # The candidate and the creator are foreign keys: they exist.
    return View(iv, session.get_one(Candidate, iv.candidate_id),
                session.get(Position, iv.position_id) if iv.position_id else None,
                panel, session.get_one(User, iv.created_by))


def existing(session: Session, iid: int, *, lock: bool = False) -> View:
    """Load interview #iid that a foreign key says exists (a job's, a just-written one's)."""
    v = view(session, iid, lock=lock)
    if v is None:
        raise LookupError(f"interview #{iid} does not exist")
    return v


def lock_users(session: Session, user_ids: list[int]) -> None:
    """Lock the interviewers' user rows, in id order, until the transaction ends.

    Every write that could double-book someone takes these locks before its overlap check,
    so two HR scheduling the same person at once are serialised: the second one sees the
    first one's interview. A stable order means two such writes cannot deadlock. (SQLite
    has no FOR UPDATE and serialises writers by itself.)
    """
    if user_ids:
        session.execute(select(User.id).where(User.id.in_(sorted(set(user_ids))))
                        .order_by(User.id).with_for_update())


def conflicts(session: Session, user_ids: list[int], start: datetime, end: datetime,
              exclude: int | None = None) -> list[tuple[User, Interview]]:
    """Live interviews of these people overlapping [start, end) (declined or removed excepted)."""
    q = (select(User, Interview).join(Panelist, Panelist.user_id == User.id)
         .join(Interview, Interview.id == Panelist.interview_id)
         .where(User.id.in_(user_ids), Interview.status.in_(LIVE), Panelist.rsvp.in_(ATTENDING),
                Panelist.start_at < end, Panelist.start_at > start - MAX_LENGTH,
                Interview.end_at > start)
         .order_by(Interview.start_at, User.id))
    if exclude is not None:
        q = q.where(Interview.id != exclude)
    return list(session.execute(q))


def busy(session: Session, user_ids: list[int], start: datetime,
         end: datetime, exclude: int | None = None) -> list[tuple[datetime, datetime]]:
    """The busy intervals of these people between start and end."""
    return [(iv.start_at, iv.end_at)
            for _, iv in conflicts(session, user_ids, start, end, exclude)]


# The two statements "my interviews" runs, built once with bind parameters: constructing a
# SELECT costs about as much Python as executing it, and this is the most frequent command.
MINE = (select(Interview.id, Interview.start_at, Interview.end_at, Interview.status,
               Interview.round, Interview.round_label, Interview.mode, Interview.location,
               Candidate.name.label("candidate"), Position.title.label("position"),
               Panelist.rsvp, Panelist.feedback_status)
        .select_from(Panelist)
        .join(Interview, Interview.id == Panelist.interview_id)
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .outerjoin(Position, Position.id == Interview.position_id)
        .where(Panelist.user_id == bindparam("user_id"),
               Panelist.start_at >= bindparam("start"), Panelist.start_at < bindparam("end"),
               Interview.status.in_(SHOWN))
        .order_by(Panelist.start_at, Panelist.interview_id).limit(bindparam("limit", type_=Integer)))
FEEDBACK_DUE_STMT = (
    select(Interview.id, Interview.end_at, Candidate.name.label("candidate"))
    .select_from(Panelist)
    .join(Interview, Interview.id == Panelist.interview_id)
    .join(Candidate, Candidate.id == Interview.candidate_id)
    .where(Panelist.user_id == bindparam("user_id"), Panelist.feedback_status == "pending",
           Panelist.start_at < bindparam("now"),   # (a partial index holds the pending rows)
           Panelist.rsvp.in_(ATTENDING), Interview.decision.is_(None),
           Interview.status.in_(FEEDBACK_DUE), Interview.end_at <= bindparam("now"))
    .order_by(Interview.end_at).limit(bindparam("limit", type_=Integer)))


def mine(session: Session, user_id: int, start: datetime, end: datetime,
         limit: int = 30) -> list[Any]:
    """The user's interviews starting in [start, end), cancelled ones left out.

    One range scan of the (user_id, start_at) index on the panel, then each interview by
    primary key: the cost follows the rows shown, not the person's whole history.
    """
    return list(session.execute(MINE, dict(user_id=user_id, start=start, end=end, limit=limit)))


def my_feedback_due(session: Session, user_id: int, now: datetime,
                    limit: int = 10) -> list[Any]:
    """The user's ended interviews still waiting for their feedback, oldest first."""
    return list(session.execute(FEEDBACK_DUE_STMT, dict(user_id=user_id, now=now, limit=limit)))


def listing(session: Session, start: datetime, end: datetime, *, user_id: int | None = None,
            status: str | None = None, limit: int = 50) -> list[tuple[Interview, str]]:
    """Interviews starting in [start, end), optionally of one person or in one status."""
    q = (select(Interview, Candidate.name).join(Candidate, Candidate.id == Interview.candidate_id)
         .where(Interview.start_at >= start, Interview.start_at < end)
         .order_by(Interview.start_at, Interview.id).limit(limit))
    q = q.where(Interview.status == status) if status else q.where(Interview.status != "cancelled")
    if user_id is not None:
        q = q.where(Interview.id.in_(select(Panelist.interview_id).where(
            Panelist.user_id == user_id, Panelist.rsvp.in_(ATTENDING))))
    return list(session.execute(q))


def panels(session: Session, iids: list[int]) -> dict[int, list[tuple[Panelist, User]]]:
    """The panel of each interview, for lists."""
    out: dict[int, list[tuple[Panelist, User]]] = {i: [] for i in iids}
    for p, u in session.execute(select(Panelist, User).join(User, User.id == Panelist.user_id)
                                .where(Panelist.interview_id.in_(iids))
                                .order_by(Panelist.added_at, User.id)):
        out[p.interview_id].append((p, u))
    return out


def feedback_overdue(session: Session, now: datetime, limit: int = 50) -> list[Any]:
    """Every (interview, interviewer) whose interview has ended without their feedback."""
    return list(session.execute(
        select(Interview.id, Interview.end_at, Candidate.name.label("candidate"), User)
        .select_from(Panelist)
        .join(Interview, Interview.id == Panelist.interview_id)
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .join(User, User.id == Panelist.user_id)
        .where(Panelist.feedback_status == "pending", Panelist.rsvp.in_(ATTENDING),
               Interview.decision.is_(None), Interview.status.in_(FEEDBACK_DUE),
               Interview.end_at <= now)
        .order_by(Interview.end_at, Interview.id).limit(limit)))


def next_round(session: Session, candidate_id: int) -> int:
    """The round after the candidate's highest live or completed one."""
    rounds = session.scalars(select(Interview.round).where(
        Interview.candidate_id == candidate_id, Interview.status.in_(FEEDBACK_DUE)))
    return max(rounds, default=0) + 1


def live_round(session: Session, candidate_id: int, rnd: int) -> Interview | None:
    """The candidate's interview in this round that still blocks a new one."""
    return session.scalars(select(Interview).where(
        Interview.candidate_id == candidate_id, Interview.round == rnd,
        Interview.status.notin_(("cancelled", "no_show")))).first()


CLOCK_KINDS = ("remind", "hrwarn", "autonudge")   # the clock's messages about one interview


def void_queued(session: Session, iid: int, kinds: tuple[str, ...] = CLOCK_KINDS,
                user_id: int | None = None) -> int:
    """Void the clock's messages about #iid (to one interviewer, if given) still waiting in the
    outbox, in the caller's transaction: a change that makes them wrong (cancel, reschedule,
    decline, decision) and the void commit together, so the sender never sends them after.

    Claimed rows are voided too, except one a sender holds locked: that one is on its way to
    WeCom right now, begun before this change commits (bot.pipeline.outbox.hold), and the
    member's next message (about this change) waits behind it. Skipping it, not waiting for
    it, keeps the command as fast as the send is slow."""
    who = f"{user_id}:" if user_id is not None else ""
    queued = (select(OutboxMessage.id).where(
        OutboxMessage.status.in_(("pending", "sending")),
        or_(*(OutboxMessage.dedupe_key.like(f"{k}:{iid}:{who}%") for k in kinds)))
        .with_for_update(skip_locked=True))
    return changed(session, update(OutboxMessage)
                   .where(OutboxMessage.id.in_(queued.scalar_subquery()))
                   .values(status="void", last_error="interview changed before sending"))


def snapshot(v: View) -> dict[str, Any]:
    """The interview as JSON, for the audit log's before/after."""
    iv = v.iv
    return {"status": iv.status, "start": iv.start_at.astimezone(UTC).isoformat(),
            "end": iv.end_at.astimezone(UTC).isoformat(),
            "candidate": v.candidate.name, "round": iv.round, "round_label": iv.round_label,
            "mode": iv.mode, "location": iv.location, "meeting_url": iv.meeting_url,
            "sequence": iv.sequence, "cancel_reason": iv.cancel_reason,
            "decision": iv.decision, "decision_note": iv.decision_note,
            "interviewers": [{"userid": u.wecom_userid, "rsvp": p.rsvp,
                              "feedback": p.feedback_status} for p, u in v.panel]}
