"""Mutable state of the fake WeCom server: directory, tokens, limits and records."""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ApiError
from .ratelimits import CorpLimits
from .records import Chat, Delivered, GroupMessage, RecordedRequest

# §6.9: per app, per member: at most 30 per minute and 1000 per hour; excess is dropped.
MEMBER_LIMITS: tuple[tuple[float, int], ...] = ((60.0, 30), (3600.0, 1000))
DEFAULT_DUPLICATE_INTERVAL = 1800.0
MAX_DUPLICATE_INTERVAL = 4 * 3600.0


@dataclass(frozen=True)
class Config:
    """Fixed settings of one fake corp and app."""

    corp_id: str
    secret: str
    agent_id: int
    token_ttl: float
    clock: Callable[[], float]


class Directory:
    """Known members; an open directory accepts any userid (its name is the userid)."""

    def __init__(self, users: Mapping[str, str] | None) -> None:
        self.open = users is None
        # WeCom userids are case-insensitive, so look them up lower-cased.
        self._ids: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self.add(users or {})

    def add(self, users: Mapping[str, str]) -> None:
        """Add or rename members."""
        for userid, name in users.items():
            self._ids[userid.lower()] = userid
            self._names[userid.lower()] = name

    def resolve(self, userid: str) -> str | None:
        """Return the canonical userid, or None when the member does not exist."""
        known = self._ids.get(userid.lower())
        if known is not None:
            return known
        return userid if self.open and userid else None

    def name(self, userid: str) -> str:
        """Return a member's display name."""
        return self._names.get(userid.lower(), userid)

    def members(self) -> list[str]:
        """Return every known userid."""
        return list(self._ids.values())

    def snapshot(self) -> dict[str, str]:
        """Return userid -> name for every known member."""
        return {userid: self._names[key] for key, userid in self._ids.items()}


class MemberRateLimiter:
    """Sliding windows of delivered messages per member, as WeCom enforces them."""

    def __init__(self, limits: Iterable[tuple[float, int]] = MEMBER_LIMITS) -> None:
        self.limits = tuple(limits)
        self._longest = max(window for window, _ in self.limits)
        self._sent: dict[str, list[float]] = {}

    def allow(self, userid: str, now: float) -> bool:
        """Count a message to a member if it fits every window; False means drop it."""
        times = self._sent.setdefault(userid.lower(), [])
        del times[: bisect_right(times, now - self._longest)]
        for window, limit in self.limits:
            if len(times) - bisect_right(times, now - window) >= limit:
                return False
        times.append(now)
        return True


class DuplicateChecker:
    """Remembers recent sends for enable_duplicate_check."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, ...], tuple[float, str]] = {}

    def previous(self, key: tuple[str, ...], now: float, interval: float) -> str | None:
        """Return the msgid of an identical send within the interval, if any."""
        seen = self._seen.get(key)
        if seen is None or now - seen[0] >= interval:
            return None
        return seen[1]

    def remember(self, key: tuple[str, ...], now: float, msgid: str) -> None:
        """Record a send that was actually delivered."""
        self._seen[key] = (now, msgid)


class State:
    """Everything the API handlers read and change; guarded by FakeWeCom's lock."""

    def __init__(self, config: Config, users: Mapping[str, str] | None) -> None:
        self.config = config
        self.directory = Directory(users)
        self.tokens: dict[str, float] = {}
        # Ids keep counting across reset() so they stay unique for the process.
        self._counters: dict[str, itertools.count[int]] = {}
        self.corp_limits: CorpLimits | None = None
        self.clear_traffic()

    def clear_traffic(self) -> None:
        """Forget recorded traffic, chats, limits and counters (tokens stay valid)."""
        self.delivered: list[Delivered] = []
        self.dropped: list[Delivered] = []
        self.group_messages: list[GroupMessage] = []
        self.requests: list[RecordedRequest] = []
        self.recalls: list[str] = []
        self.card_updates: list[dict[str, Any]] = []
        self.chats: dict[str, Chat] = {}
        self.used_response_codes: set[str] = set()
        self.gettoken_calls = 0
        self.suppressed_duplicates = 0
        self.limiter = MemberRateLimiter()
        self.duplicates = DuplicateChecker()

    def now(self) -> float:
        """Return the injected clock's time."""
        return self.config.clock()

    def next_id(self, prefix: str) -> str:
        """Return a new id such as "fake-msg-3"."""
        counter = self._counters.setdefault(prefix, itertools.count(1))
        return f"{prefix}-{next(counter)}"

    def issue_token(self) -> str:
        """Create an access token valid for token_ttl seconds."""
        token = self.next_id("fake-token")
        self.tokens[token] = self.now() + self.config.token_ttl
        return token

    def check_token(self, token: str | None) -> None:
        """Raise the errcode WeCom gives for a missing, unknown or expired token."""
        if not token:
            raise ApiError(41001)
        expires_at = self.tokens.get(token)
        if expires_at is None:
            raise ApiError(40014)
        if self.now() >= expires_at:
            raise ApiError(42001)

    def expire_tokens(self) -> None:
        """Make every issued token expired."""
        for token in self.tokens:
            self.tokens[token] = float("-inf")
