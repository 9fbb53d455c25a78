"""Who may see what, in one place: candidates, their contact details and feedback.

Handlers build a `Doc` and mark the lines that are private; `replies(ctx, doc)` is the only
function that turns a Doc into replies. In a group chat the private lines are left out of
the group's reply (or replaced by their public form: a candidate's name and a time, nothing
more) and the full text goes to the asker as a separate `Reply(private=True)` (the group entry
point sends such replies one-to-one). Nothing else decides this.

A candidate exists, for anyone but HR and admins, only through the interviews they sit on:
`candidate_viewer` says whose view a lookup is restricted to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from commands.context import Context, Reply, role_allows

if TYPE_CHECKING:
    from store.models import User


def may_see_feedback(viewer: User, author_id: int) -> bool:
    """Feedback is visible to HR, admins and the interviewer who wrote it."""
    return role_allows(viewer.role, "hr") or viewer.id == author_id


def may_see_contact(viewer: User) -> bool:
    """A candidate's phone and e-mail are for HR and admins only."""
    return role_allows(viewer.role, "hr")


def candidate_viewer(viewer: User) -> User | None:
    """None when the viewer may look up any candidate (HR, admins); else the viewer, whose
    lookups see only the candidates of their own interviews."""
    return None if role_allows(viewer.role, "hr") else viewer


@dataclass
class Doc:
    """Lines of a reply, each marked public or private."""

    lines: list[tuple[str, bool, str | None]] = field(default_factory=list)

    def add(self, text: str, private: bool = False, public: str | None = None) -> Doc:
        """Append a line; private lines never reach a group chat, where `public` (if given)
        stands in for them."""
        self.lines.append((text, private, public))
        return self

    def text(self, include_private: bool) -> str:
        """The lines joined, with the private ones or with their public forms."""
        return "\n".join(t if include_private or not p else pub or ""
                         for t, p, pub in self.lines
                         if include_private or not p or pub)

    @property
    def has_private(self) -> bool:
        """True when some line is private."""
        return any(p for _, p, _ in self.lines)


def replies(ctx: Context, doc: Doc) -> list[Reply]:
    """The replies for a Doc: private content only ever in a one-to-one reply."""
    if not doc.has_private:
        return [Reply(doc.text(True))]
    if ctx.chat != "group":
        return [Reply(doc.text(True), private=True)]
    return [Reply(doc.text(False)), Reply(doc.text(True), private=True)]
