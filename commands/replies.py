"""What a handler returns: the kinds of message the bot can send, as types.

The pipeline (bot.pipeline.outbox.deliver) turns each into outbox rows with one set of rules;
a handler never builds WeCom JSON itself.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Reply:
    """A text message to a member: the sender, unless `to` names another userid.

    `private` marks content that must never reach a group chat (contact details, feedback);
    `dedupe_key` makes a notification unique in the outbox; `rank_at` orders messages due
    at the same time (an agenda ranks by its first interview: earliest goes out first).
    """

    text: str
    to: str | None = None
    private: bool = False
    dedupe_key: str | None = None
    rank_at: datetime | None = None


@dataclass(frozen=True)
class Markdown(Reply):
    """A markdown message (sent as plain text where the app has markdown switched off)."""


@dataclass(frozen=True)
class Card(Reply):
    """A template card with buttons; `text` says the same for whoever cannot press them."""

    card: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupPost(Reply):
    """A text post to the group chat whose chatid is `to`."""


@dataclass(frozen=True)
class GroupCreate(Reply):
    """Create the group chat `to` (its chatid) named `text`; `requester` hears if WeCom refuses."""

    owner: str = ""
    members: tuple[str, ...] = ()
    requester: str = ""
    interview: int = 0


@dataclass(frozen=True)
class CardUpdate(Reply):
    """Grey out the buttons of a pressed card: `text` becomes its one label."""

    response_code: str = ""
