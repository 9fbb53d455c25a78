"""Candidates and positions: lookup by C-number or name, creation."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands.router import CommandError
from commands.sanitize import inert
from store.hiring import Candidate, Interview, Panelist, Position
from store.models import User
from store.sql import insert_ignore

_CID = re.compile(r"#?\s*[Cc]\s*-?\s*(\d{1,9})")


@dataclass(frozen=True)
class CandidateRef:
    """A candidate named in a command: an existing one, or (candidate None) a new name."""

    candidate: Candidate | None
    name: str


def cid(candidate: Candidate) -> str:
    """The candidate's short id as shown to users: C12."""
    return f"C{candidate.id}"


def not_visible(name: str) -> CommandError:
    """The one answer to a candidate lookup the sender may not make, whether or not the
    candidate exists: a different answer would tell which ones do."""
    return CommandError(f"找不到你能查看的候选人「{inert(name)}」。",
                        f"No candidate “{inert(name)}” that you can see.")


def find_candidate(session: Session, text: str, viewer: User | None = None) -> CandidateRef:
    """A candidate by C-number or exact name; several with the name -> CommandError.

    With a `viewer` (commands.privacy.candidate_viewer), only the candidates of interviews the
    viewer sits on are found; any other C-number or name comes back as not found (candidate
    None), exactly as a missing one does, and the handler answers not_visible() for both.
    """
    m = _CID.fullmatch(text.strip())
    mine = select(Interview.candidate_id).join(Panelist, Panelist.interview_id == Interview.id) \
        .where(Panelist.user_id == viewer.id) if viewer is not None else None
    if m:
        found = session.get(Candidate, int(m.group(1)))
        if mine is not None and (found is None or found.id not in set(session.scalars(mine))):
            return CandidateRef(None, text.strip())   # the handler says not_visible()
        if found is None:
            raise CommandError(f"没有候选人 C{m.group(1)}", f"there is no candidate C{m.group(1)}")
        return CandidateRef(found, found.name)
    name = " ".join(text.split())
    if len(name) > 128:
        raise CommandError("候选人姓名太长（最多 128 字）", "a candidate's name is at most 128 characters")
    q = select(Candidate).where(func.lower(Candidate.name) == name.lower())
    if mine is not None:
        q = q.where(Candidate.id.in_(mine))
    same = list(session.scalars(q.order_by(Candidate.id)))
    if len(same) > 1:
        titles: dict[int | None, str] = {p.id: p.title for p in session.scalars(select(Position).where(
            Position.id.in_([c.position_id for c in same if c.position_id])))}
        zh = "、".join(f"{cid(c)} {c.name}（{titles.get(c.position_id, '未定岗位')}）" for c in same)
        en = ", ".join(f"{cid(c)} {c.name} ({titles.get(c.position_id, 'no position')})"
                       for c in same)
        raise CommandError(f"「{name}」有 {len(same)} 位候选人：{zh}。请用编号指定，例如 {cid(same[-1])}",
                           f"“{name}” matches {len(same)} candidates: {en}. "
                           f"Use the number, e.g. {cid(same[-1])}")
    return CandidateRef(same[0] if same else None, name)


def position_named(session: Session, title: str, now: datetime) -> Position:
    """The position with this title, created if new (HR names positions freely)."""
    title = " ".join(title.split())[:128]
    found = session.scalars(select(Position).where(
        func.lower(Position.title) == title.lower())).first()
    if found is not None:
        return found
    insert_ignore(session, Position, dict(title=title, status="open", created_at=now), ("title",))
    return session.scalars(select(Position).where(Position.title == title)).one()


def create_candidate(session: Session, name: str, *, by: int, now: datetime,
                     position: Position | None = None, phone: str | None = None,
                     email: str | None = None, resume_url: str | None = None,
                     source: str | None = None) -> Candidate:
    """Insert a candidate and return it (with its id)."""
    c = Candidate(name=name[:128], phone=phone, email=email, resume_url=resume_url,
                  source=source, position_id=position.id if position else None,
                  decision="pending", created_by=by, created_at=now)
    session.add(c)
    session.flush()
    return c


def duplicate_of(session: Session, phone: str | None, email: str | None) -> Candidate | None:
    """An existing candidate with the same phone or e-mail."""
    for column, value in ((Candidate.phone, phone), (Candidate.email, email)):
        if value:
            found = session.scalars(select(Candidate).where(column == value)).first()
            if found is not None:
                return found
    return None


def snapshot(c: Candidate) -> dict[str, object]:
    """The candidate as JSON for the audit log."""
    return {"name": c.name, "phone": c.phone, "email": c.email, "resume_url": c.resume_url,
            "position_id": c.position_id, "decision": c.decision, "source": c.source}
