"""The inbox: the take-in and act stages of an app callback.

Take in (`Inbox.accept`, in the callback): one autocommit `INSERT … ON CONFLICT DO NOTHING` of
the parsed message into `inbound_messages` with status 'pending', and nothing else. The row is
the dedupe row too, so a WeCom retry is one conflicting insert.

Act (`act_on_pending`, in a worker): pending rows taken with FOR UPDATE SKIP LOCKED, the oldest
first, one at a time per member so a member's commands run in the order they were sent, each
through `Dispatcher.act` (member, rate limit, handler in a savepoint) and `outbox.deliver`,
with the statuses, in one commit; given the worker's sender, the replies are claimed for it in
that same transaction (`Sender.claim_written`) and sent once it commits.

Nothing acknowledged is lost (the row is committed before the 200), nothing is done twice (the
row's status changes in the transaction that does the work), and a worker killed mid-batch
leaves its rows pending for the next one.
"""
from __future__ import annotations

import functools
import logging
import threading
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import bindparam, exists, func, select, text, tuple_, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.pipeline import outbox
from bot.pipeline.dispatch import DATABASE_DOWN, RATE_WINDOW, Dispatcher, typed
from bot.pipeline.sender import Sender
from bot.wecom.messages import Inbound, InboundError, dedupe_key, from_stored, stored_form
from store.db import INBOX_LIMITS, NoAnswer, Sessions, connect
from store.models import InboundMessage, User
from store.sql import insert_ignore

log = logging.getLogger(__name__)

_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
_SQL = ("INSERT INTO inbound_messages (dedupe_key, source, from_user, msg_type, event, status,"
        " payload, received_at) VALUES (%s, %s, %s, %s, %s, 'pending', %s, %s)"
        " ON CONFLICT (dedupe_key) DO NOTHING")


class InboxUnavailable(Exception):
    """The database could not take the message: the callback answers 503 and WeCom retries."""


class Inbox:
    """Stores callbacks durably, one autocommit statement each."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # PostgreSQL: a psycopg connection per thread, in autocommit mode. Measured on the
        # callback path, this is 20–40 µs of Python per message against 130 µs for the same
        # statement through SQLAlchemy's pool and Core (checkout, reset, result wrapping).
        self._raw = engine.dialect.name == "postgresql"
        self._local = threading.local()

    def accept(self, msg: Inbound, now: datetime, source: str = "app") -> bool:
        """Store one message; True if it is new, False if WeCom sent it before."""
        params = (dedupe_key(msg, source), source, msg.from_user_name[:64], msg.msg_type[:32],
                  getattr(msg, "event", None), stored_form(msg), now)
        if not self._raw:
            row = dict(zip(("dedupe_key", "source", "from_user", "msg_type", "event", "payload",
                            "received_at"), params, strict=True), status="pending")
            with self.engine.begin() as conn:
                return bool(insert_ignore(conn, InboundMessage, row, ("dedupe_key",)))
        reused = getattr(self._local, "conn", None) is not None
        try:
            return self._execute(params)
        except psycopg.Error as first:
            self._drop()
            if not _is_connection_error(first):   # not WeCom's fault either: let it retry
                log.error("the inbox refused a message: %s", type(first).__name__)
                raise InboxUnavailable(type(first).__name__) from None
            # Once more only for a kept connection found broken (a restart, an idle link cut):
            # after a fresh connection failed, or a silent server, a second try fails the same
            # way and only doubles the wait past the 2 s a callback may take.
            if not reused or isinstance(first, NoAnswer):
                raise InboxUnavailable(type(first).__name__) from None
        try:   # a connection broken by a restart: once more, afresh (ON CONFLICT: idempotent)
            return self._execute(params)
        except psycopg.Error as exc:
            self._drop()
            raise InboxUnavailable(type(exc).__name__) from None

    def _execute(self, params: tuple[Any, ...]) -> bool:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            url = self.engine.url.set(drivername="postgresql")
            conn = self._local.conn = connect(url.render_as_string(hide_password=False),
                                              INBOX_LIMITS, autocommit=True)
        return conn.execute(_SQL, params).rowcount == 1

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # already broken; nothing to release
                pass

    def close(self) -> None:
        """Close this thread's connection."""
        self._drop()


def _is_connection_error(exc: Exception) -> bool:
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


_M: Any = InboundMessage.__table__


def _statements() -> dict[str, Any]:
    """The act stage's own statements, built once (Core over the tables, parameters bound
    late): every message runs them, and building them cost more than running them."""
    m, earlier = _M, _M.alias("earlier")
    out: dict[str, Any] = {}
    # The oldest pending rows that may run now: each member's oldest, not held by a worker.
    out["pending"] = (
        select(m.c.dedupe_key, m.c.from_user, m.c.payload, m.c.received_at, m.c.msg_type,
               m.c.event).where(
            m.c.status == "pending",
            ~exists().where(earlier.c.status == "pending", earlier.c.from_user == m.c.from_user,
                            tuple_(earlier.c.received_at, earlier.c.dedupe_key)
                            < tuple_(m.c.received_at, m.c.dedupe_key)))
        .order_by(m.c.received_at, m.c.dedupe_key)
        .with_for_update(skip_locked=True, of=m))
    out["members"] = select(User).where(User.wecom_userid.in_(bindparam("ids", expanding=True)))
    out["window"] = select(m.c.from_user, m.c.received_at, m.c.dedupe_key, m.c.msg_type,
                           m.c.event).where(
        m.c.from_user.in_(bindparam("users", expanding=True)),
        m.c.received_at > bindparam("since"), m.c.received_at <= bindparam("until"))
    return out


_ACT = _statements()


def pending(limit: int) -> Any:
    """The oldest pending rows that may run now: each member's oldest, not held by a worker."""
    return _ACT["pending"].limit(limit)


def act_on_pending(sessions: Sessions, dispatcher: Dispatcher, limit: int = 32,
                   sender: Sender | None = None) -> tuple[int, outbox.Claimed]:
    """Act on up to `limit` pending messages in one transaction; returns how many, and the
    rows of their replies that `sender` claimed in that transaction (with a sender)."""
    trying: list[str] = []
    try:
        return _batch(sessions, dispatcher, limit, trying, sender)
    except DATABASE_DOWN:
        raise
    except Exception as exc:
        # Before any message there is nothing to blame, and a session the server ended
        # (idle_in_transaction_session_timeout: this worker stalled, others took over) is no
        # message's fault: the worker's step backs off and the rows stay pending.
        if not trying or isinstance(getattr(exc, "orig", None),
                                    psycopg.errors.IdleInTransactionSessionTimeout):
            raise
        # Not the handler (its errors are caught and answered with an apology) but the work
        # around it. Mark that one message failed so it cannot hold up everyone behind it.
        log.exception("acting on inbound message %s failed", trying[-1])
        with sessions.begin() as s:
            _set(s, [trying[-1]], status="failed", error="failed outside its handler; see the log")
        return 1, outbox.Claimed()


def _batch(sessions: Sessions, dispatcher: Dispatcher, limit: int, trying: list[str],
           sender: Sender | None) -> tuple[int, outbox.Claimed]:
    handed = outbox.Claimed()
    try:
        with sessions.begin() as s:
            count = _act(s, dispatcher, limit, trying, sender is not None)
            if count and sender is not None:
                # The replies go to the sender from here, claimed in this transaction (it
                # commits synchronously: nothing leaves before its cause is durable).
                handed = sender.claim_written(s.connection(), s.info.pop(outbox.WRITTEN, []))
    except BaseException:
        if sender is not None and handed:
            sender.give_back(handed)   # the claim did not commit: nor did anything else
        raise
    return count, handed


def _act(s: Session, dispatcher: Dispatcher, limit: int, trying: list[str],
         durable: bool) -> int:
    conn = s.connection()
    rows = conn.execute(pending(limit)).all()
    if not rows:
        return 0
    if not durable and s.get_bind().dialect.name == "postgresql":
        # Commit without waiting for the WAL flush: one fsync less on every message's way
        # to message/send (issue 14). Safe because nothing of an act leaves the database
        # before a later synchronous commit (the sender's claim of its outbox row, an
        # office job's claim), and PostgreSQL flushes the WAL in order, this act with it.
        # A crash before that loses the act whole and the message is pending again.
        conn.execute(_ASYNC_COMMIT)
    # Looked up once for the batch (a member has at most one message in it): the members,
    # and every message of theirs in the minute before each one, for the rate limit.
    known = {u.wecom_userid: u for u in s.scalars(_ACT["members"], {
        "ids": sorted({r.from_user.lower() for r in rows})})}
    window = conn.execute(_ACT["window"], {
        "users": sorted({r.from_user for r in rows}),
        "since": min(r.received_at for r in rows) - RATE_WINDOW,
        "until": max(r.received_at for r in rows)}).all()
    for row in rows:
        trying.append(row.dedupe_key)
        try:
            msg = from_stored(row.payload or "")
        except InboundError as exc:   # damaged by hand, or by a bug we want to hear of
            _set(s, [row.dedupe_key], status="failed", error=f"unreadable payload: {exc}")
            continue
        # In inbox order: a later message received in the same instant does not count.
        # Typed commands and automatic events are counted apart (bot.pipeline.dispatch.typed).
        person = typed(row.msg_type, row.event)
        recent = sum(1 for w in window if w.from_user == row.from_user
                     and typed(w.msg_type, w.event) == person
                     and w.received_at > row.received_at - RATE_WINDOW
                     and (w.received_at, w.dedupe_key) <= (row.received_at, row.dedupe_key))
        acted = dispatcher.act(s, row.dedupe_key, msg, row.received_at, recent=recent,
                               known=known)
        outbox.deliver(s, acted.replies, now=row.received_at, source_key=row.dedupe_key,
                       sender=acted.sender.wecom_userid if acted.sender else None)
    # Whatever act did not mark (throttled, failed, ignored) is done.
    _set(s, [r.dedupe_key for r in rows], status="done")
    return len(rows)


def _set(s: Any, keys: list[str], **values: Any) -> None:
    """Finish pending rows: one UPDATE for a whole batch."""
    if "error" in values:
        values["error"] = values["error"][:2000]
    # Core on the session's connection: an ORM update would flush and evaluate first.
    s.connection().execute(_set_statement(tuple(sorted(values))),
                           {"b_keys": keys, **{f"b_{k}": v for k, v in values.items()}})


@functools.cache
def _set_statement(columns: tuple[str, ...]) -> Any:
    """The UPDATE that sets `columns` of pending rows, built once (every batch runs it)."""
    return (update(_M).where(_M.c.dedupe_key.in_(bindparam("b_keys", expanding=True)),
                             _M.c.status == "pending")
            .values({c: bindparam(f"b_{c}") for c in columns}))


def backlog(sessions: Any, now: datetime, max_age: float | None = None) -> dict[str, Any]:
    """How many messages wait, and the age of the oldest (for /healthz and check-config).

    With `max_age`, also "ok": False once the oldest has waited longer, which is what a
    member notices: a stuck row (held by a vanished worker, or failing) or no worker at all.
    """
    with sessions() as s:
        count, oldest = s.execute(select(func.count(), func.min(InboundMessage.received_at))
                                  .where(InboundMessage.status == "pending")).one()
    age = round(max(0.0, (now - oldest).total_seconds()), 1) if oldest else 0.0
    out: dict[str, Any] = {"pending": int(count), "oldest_age_seconds": age}
    if max_age is not None:
        out["ok"] = age <= max_age
        out["max_age_seconds"] = max_age
    return out
