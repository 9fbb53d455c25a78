"""The app's access_token, shared by every process through the database.

At most one gettoken per expiry across all processes: a refresh happens under the row lock of
`access_tokens`, and whoever gets the lock second finds the fresh token and uses it. A failing
gettoken (wrong secret 40001, 45009, untrusted IP) is remembered in `fail_until`, so no process
retries it in a loop and WeCom does not block our IP.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update

from bot.wecom.errors import SLOW_DOWN, ApiError, TokenUnavailable, TransportError
from store.budget import Budget
from store.db import Sessions
from store.models import AccessToken
from store.sql import insert_ignore

REFRESH_MARGIN = timedelta(minutes=5)   # refresh this long before WeCom's expiry


class TokenStore:
    """Hands out a valid access_token; `fetch` performs the actual gettoken call."""

    def __init__(self, sessions: Sessions, app_key: str,
                 fetch: Callable[[], tuple[str, int]], clock: Callable[[], datetime],
                 budget: Budget | None = None):
        self.sessions, self.app_key, self.fetch, self.clock = sessions, app_key, fetch, clock
        self.budget = budget   # gettoken's corp-wide limits, taken under the row lock
        self._cache: tuple[str, datetime] | None = None
        self._lock = threading.Lock()

    def _fresh(self, token: str | None, expires_at: datetime | None, now: datetime) -> bool:
        return bool(token) and expires_at is not None and expires_at - REFRESH_MARGIN > now

    def get(self) -> str:
        """A token valid for at least a few more minutes; raises TokenUnavailable."""
        cached = self._cache
        if cached and self._fresh(cached[0], cached[1], self.clock()):
            return cached[0]
        with self._lock:   # one refresh per process; the row lock serialises processes
            return self._refresh()

    def _refresh(self) -> str:
        now = self.clock()
        failure: TokenUnavailable | None = None
        with self.sessions.begin() as s:
            insert_ignore(s, AccessToken, {"app_key": self.app_key, "gettoken_calls": 0},
                          ("app_key",))
            row = s.get(AccessToken, self.app_key, with_for_update=True, populate_existing=True)
            assert row is not None
            if row.access_token and row.expires_at and \
                    self._fresh(row.access_token, row.expires_at, now):
                self._cache = (row.access_token, row.expires_at)
                return row.access_token
            if row.fail_until and row.fail_until > now:
                raise TokenUnavailable(f"gettoken failed recently: {row.last_error}",
                                       (row.fail_until - now).total_seconds())
            if self.budget is not None:
                grant = self.budget.take(s, "gettoken", 1, now)
                if not grant.calls:
                    wait = ((grant.retry_at or now) - now).total_seconds()
                    raise TokenUnavailable("gettoken's corp-wide budget is spent", max(1.0, wait))
            try:
                token, expires_in = self.fetch()
            except ApiError as exc:
                wait = 300 if exc.errcode in SLOW_DOWN else 60
                failure = TokenUnavailable(f"gettoken errcode {exc.errcode}: {exc.errmsg}", wait)
            except TransportError as exc:
                failure = TokenUnavailable(f"gettoken unreachable: {exc}", 5)
            row.gettoken_calls += 1
            if failure is not None:
                row.fail_until = now + timedelta(seconds=failure.retry_after)
                row.last_error = str(failure)
            else:
                row.access_token, row.refreshed_at = token, now
                row.expires_at = now + timedelta(seconds=expires_in)
                row.fail_until, row.last_error = None, None
                self._cache = (token, row.expires_at)
        if failure is not None:
            raise failure
        return token

    def invalidate(self, token: str) -> None:
        """Mark `token` as dead (40014/42001); only that token, so a fresh one survives."""
        with self._lock:
            if self._cache and self._cache[0] == token:
                self._cache = None
            with self.sessions.begin() as s:
                s.execute(update(AccessToken)
                          .where(AccessToken.app_key == self.app_key,
                                 AccessToken.access_token == token)
                          .values(expires_at=self.clock()))
