"""Who may see what, in one place: candidate contact details and feedback.

Handlers build a `Doc` and mark the lines that are private; `replies(ctx, doc)` is the only
function that turns a Doc into replies. In a group chat the private lines are left out of
the group's reply and the full text goes to the asker as a separate `Reply(private=True)`
(the group entry point sends such replies one-to-one). Nothing else decides this.
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


@dataclass
class Doc:
    """Lines of a reply, each marked public or private."""

    lines: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, text: str, private: bool = False) -> Doc:
        """Append a line; private lines never reach a group chat."""
        self.lines.append((text, private))
        return self

    def text(self, include_private: bool) -> str:
        """The lines joined, with or without the private ones."""
        return "\n".join(t for t, p in self.lines if include_private or not p)

    @property
    def has_private(self) -> bool:
        """True when some line is private."""
        return any(p for _, p in self.lines)


def replies(ctx: Context, doc: Doc) -> list[Reply]:
    """The replies for a Doc: private content only ever in a one-to-one reply."""
    if not doc.has_private:
        return [Reply(doc.text(True))]
    if ctx.chat != "group":
        return [Reply(doc.text(True), private=True)]
    return [Reply(doc.text(False)), Reply(doc.text(True), private=True)]
