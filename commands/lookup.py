"""What a command names by number, loaded, or refused in the user's words when it is not there."""
from __future__ import annotations

from sqlalchemy.orm import Session

from commands import interviews_repo as repo
from commands.router import CommandError


def named_interview(session: Session, iid: int, *, lock: bool = False) -> repo.View:
    """Interview #iid (its row locked with lock=True), or the refusal "there is no #iid"."""
    v = repo.view(session, iid, lock=lock)
    if v is None:
        raise CommandError(f"没有面试 #{iid}。", f"There is no interview #{iid}.")
    return v
