"""The corp-wide call budget of each WeCom API, shared by every process through the database.

WeCom counts calls per corp per API per minute and per hour, and message/send per app per day
(docs/wecom-limits.md). Each (api, window, window start) is one row of `api_budget`; a caller
takes calls from it under the row's lock in its own transaction (the outbox claim, the token
refresh), so however many workers run, no window hands out more calls than its limit.
Windows are fixed and aligned to the epoch (the day to the organisation's midnight); the limits
kept here are below WeCom's by a headroom, since WeCom's own window edges are not documented.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from config.settings import Settings
from store.models import ApiBudget
from store.sql import dialect_of, insert_ignore, upsert_insert

_TABLE: Any = ApiBudget.__table__   # Core statements: the claim may hold a bare Connection


@dataclass(frozen=True)
class Limit:
    """At most `most` calls in each window of `seconds`, windows shifted by `offset` seconds."""

    seconds: int
    most: int
    offset: int = 0   # the day: the organisation's UTC offset, so it starts at local midnight

    @property
    def name(self) -> str:
        """The window's key in `api_budget` (its length, so scaled windows never mix)."""
        return f"{self.seconds}s"

    def start(self, now: datetime) -> datetime:
        """The start of the window holding `now`."""
        epoch = int(now.timestamp()) + self.offset
        return datetime.fromtimestamp(epoch - epoch % self.seconds - self.offset, UTC)

    def end(self, now: datetime) -> datetime:
        """The start of the next window."""
        return self.start(now) + timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class Grant:
    """Calls granted, and when more may be asked for if fewer than wanted were granted."""

    calls: int
    retry_at: datetime | None = None


@dataclass(frozen=True)
class Budget:
    """Limits per API; `default` covers every API not named (WeCom: the same per-API limit)."""

    default: Sequence[Limit] = ()
    per_api: Mapping[str, Sequence[Limit]] = field(default_factory=dict)

    def limits(self, api: str) -> Sequence[Limit]:
        """The limits of one API, shortest window first (the lock order of every process)."""
        return sorted(self.per_api.get(api, self.default), key=lambda lim: lim.seconds)

    def take(self, s: Session | Connection, api: str, want: int, now: datetime) -> Grant:
        """Take up to `want` calls of `api` at `now`; the rows stay locked until `s` commits."""
        limits = self.limits(api)
        if want <= 0 or not limits:
            return Grant(max(want, 0))
        used = _lock(s, api, limits, now)
        rooms = [max(0, lim.most - used[lim.name]) for lim in limits]
        calls = min(want, *rooms)
        if calls:
            s.execute(_statements(dialect_of(s), len(limits))["take"],
                      {**_windows(api, limits, now), "b_calls": calls})
        retry_at = None
        if calls < want:   # the first full window decides when to ask again
            retry_at = max(lim.end(now) for lim, room in zip(limits, rooms, strict=True)
                           if room == calls)
        return Grant(calls, retry_at)

    def exhaust(self, s: Session, api: str, now: datetime, window_seconds: int) -> datetime:
        """WeCom refused a call (45009): its block lasts a whole window from now (§6.9).

        Every window of that length the block touches is marked spent, so no process claims
        calls into it; returns when the block ends.
        """
        until = now + timedelta(seconds=window_seconds)
        for lim in self.limits(api):
            if lim.seconds == window_seconds:
                for at in (now, until - timedelta(microseconds=1)):
                    row = _row(s, api, lim, at)
                    row.used = max(row.used, lim.most)
        return until

    def used(self, s: Session, api: str, now: datetime) -> dict[str, int]:
        """Calls counted in the current windows of `api` (for admin tools and tests)."""
        out: dict[str, int] = {}
        for lim in self.limits(api):
            out[lim.name] = s.scalar(select(ApiBudget.used).where(
                ApiBudget.api == api, ApiBudget.window == lim.name,
                ApiBudget.window_start == lim.start(now))) or 0
        return out


def _windows(api: str, limits: Sequence[Limit], now: datetime) -> dict[str, Any]:
    """The parameters naming the current window of each limit, in lock order."""
    # Not the columns' own names: SQLAlchemy keeps those for an UPDATE's SET.
    out: dict[str, Any] = {"b_api": api}
    for i, lim in enumerate(limits):
        out[f"b_window_{i}"], out[f"b_start_{i}"] = lim.name, lim.start(now)
    return out


@functools.cache
def _statements(dialect: str, n: int) -> dict[str, Any]:
    """The statements of a take over `n` windows, built once: a take runs for every message
    sent. The lock is a one-row upsert run with a row per window (SQLAlchemy sends them as
    one multi-row INSERT, in order): SQLAlchemy compiles a multi-row VALUES built in Python
    again on every execution, which made a take 1.1-1.25 ms of a message's act (now 0.5)."""
    t = _TABLE
    lock = upsert_insert(dialect)(t).on_conflict_do_update(
        index_elements=["api", "window", "window_start"], set_={"used": t.c.used})
    current = or_(*(and_(t.c.window == bindparam(f"b_window_{i}"),
                         t.c.window_start == bindparam(f"b_start_{i}")) for i in range(n)))
    return {"lock": lock.returning(t.c.window, t.c.used),
            "take": update(t).where(t.c.api == bindparam("b_api"), current)
                    .values(used=t.c.used + bindparam("b_calls"))}


def _lock(s: Session | Connection, api: str, limits: Sequence[Limit],
          now: datetime) -> dict[str, int]:
    """Lock the current window of each limit, made if new, in one statement (the claim's
    hot path): calls used so far, by window name.

    An upsert that changes nothing takes the row lock and returns the row; rows are locked
    in the order given (shortest window first), the same in every process.
    """
    stmt = _statements(dialect_of(s), len(limits))["lock"]
    # One INSERT of these rows, in this order (SQLAlchemy's insertmanyvalues), so locked in it.
    rows = [{"api": api, "window": lim.name, "window_start": lim.start(now), "used": 0}
            for lim in limits]
    used = {w: int(u) for w, u in s.execute(stmt, rows)}
    for lim in limits:
        if used[lim.name] == 0:
            # A new window (or one unused so far): forget the windows before the previous
            # one, so the table stays small.
            s.execute(delete(_TABLE).where(
                _TABLE.c.api == api, _TABLE.c.window == lim.name,
                _TABLE.c.window_start < lim.start(now) - timedelta(seconds=lim.seconds)))
    return used


def _row(s: Session, api: str, lim: Limit, now: datetime) -> ApiBudget:
    start = lim.start(now)
    if insert_ignore(s, ApiBudget, {"api": api, "window": lim.name, "window_start": start,
                                    "used": 0}, ("api", "window", "window_start")):
        # A new window: forget the windows before the previous one, so the table stays small.
        s.execute(delete(ApiBudget).where(
            ApiBudget.api == api, ApiBudget.window == lim.name,
            ApiBudget.window_start < start - timedelta(seconds=lim.seconds)))
    row = s.scalars(select(ApiBudget).where(
        ApiBudget.api == api, ApiBudget.window == lim.name, ApiBudget.window_start == start)
        .with_for_update().execution_options(populate_existing=True)).one()
    return row



def from_settings(settings: Settings, now: datetime | None = None) -> Budget:
    """The budget of WeCom's documented limits as configured (config.Settings)."""
    minute = settings.budget_minute_seconds
    share = settings.budget_headroom

    def within(limit: int) -> int:
        return max(1, limit * share // 100)

    default = (Limit(minute, within(settings.budget_per_minute)),
               Limit(60 * minute, within(settings.budget_per_hour)))
    per_api: dict[str, Sequence[Limit]] = {}
    if settings.budget_licensed_members:
        # Person-times per app per natural day: 200 × the licensed members (doc 90454).
        offset = (datetime.now(settings.tz) if now is None else now.astimezone(settings.tz))
        shift = int((offset.utcoffset() or timedelta()).total_seconds()) * minute // 60
        day = Limit(1440 * minute, within(200 * settings.budget_licensed_members), shift)
        per_api["message/send"] = (*default, day)
    return Budget(default, per_api)
