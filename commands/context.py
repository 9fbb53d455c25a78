"""What a handler gets (Context) and what it returns (Reply and its kinds, commands.replies).

No Flask, HTTP or crypto here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.replies import Reply

if TYPE_CHECKING:
    from config.settings import Settings
    from store.models import User

__all__ = ["ROLES", "Context", "Reply", "role_allows"]

ROLES = ("interviewer", "hr", "admin")  # each role may do everything the roles before it may


def role_allows(role: str, needed: str) -> bool:
    """True when `role` is at least `needed` in the interviewer < hr < admin order."""
    return ROLES.index(role) >= ROLES.index(needed) if role in ROLES else False


@dataclass
class Context:
    """Everything a command handler may use."""

    sender: User
    session: Session
    now: datetime
    settings: Settings
    lang: str = "zh"
    chat: str = "single"           # single | group
    source_key: str | None = None  # dedupe key of the inbound message, for the audit log
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        """The sender's time zone, else the organisation's."""
        return ZoneInfo(self.sender.timezone or self.settings.timezone)

    def t(self, zh: str, en: str) -> str:
        """Pick the text in the language the user wrote in."""
        return zh if self.lang == "zh" else en
