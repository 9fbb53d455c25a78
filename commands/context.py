"""What a handler gets (Context) and what it returns (Reply): no Flask, HTTP or crypto here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from config.settings import Settings
    from store.models import User

ROLES = ("interviewer", "hr", "admin")  # each role may do everything the roles before it may


def role_allows(role: str, needed: str) -> bool:
    """True when `role` is at least `needed` in the interviewer < hr < admin order."""
    return ROLES.index(role) >= ROLES.index(needed) if role in ROLES else False


@dataclass(frozen=True)
class Reply:
    """A message to send: to the sender unless `to` names another userid.

    `private` marks content that must never be posted to a group chat (contact details,
    feedback); `dedupe_key` makes a notification unique in the outbox.
    """

    text: str
    to: str | None = None
    markdown: bool = False
    private: bool = False
    dedupe_key: str | None = None
    card: dict | None = None
    # app: a one-to-one message; appchat: a post to the group chat `to`;
    # appchat_create: create the group `to` (text is the JSON of name, owner, userlist).
    channel: str = "app"


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
    extra: dict = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        """The sender's time zone, else the organisation's."""
        return ZoneInfo(self.sender.timezone or self.settings.timezone)

    def t(self, zh: str, en: str) -> str:
        """Pick the text in the language the user wrote in."""
        return zh if self.lang == "zh" else en
