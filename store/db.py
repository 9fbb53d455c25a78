"""Engine, sessions and migrations: the one place that knows how we talk to the database."""
from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic
from typing import Any

import psycopg
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations get stable names."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamptz that always comes back aware and in UTC, on PostgreSQL and SQLite alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        # SQLite hands back naive datetimes; they were stored as UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Limits:
    """How long one session may wait, set on every connection the project opens.

    A worker host can vanish without closing its connections, and a database (or the network
    to it) can stop answering while the connection looks open. Without these, the first holds
    its rows' locks until the server's TCP keepalive notices (two hours by default), and the
    second hangs a callback past WeCom's 5 s. Seconds; None leaves the server's default.
    """

    statement: float | None = 10      # the server cancels a statement running longer
    lock: float | None = 5            # …or waiting this long for a row or table lock
    idle_in_transaction: float | None = 20   # ends a session whose client went quiet in a
    #                                           transaction: its locks go with it
    answer: float | None = 15         # we give up on a statement the server has not answered
    keepalive_idle: int = 10          # TCP keepalives, both ends: a dead peer is noticed in
    keepalive_interval: int = 5       # idle + interval × count seconds (25 s)
    keepalive_count: int = 3

    def options(self) -> str:
        """The server-side part, as libpq's `options` (-c settings for this session)."""
        ms = {"statement_timeout": self.statement, "lock_timeout": self.lock,
              "idle_in_transaction_session_timeout": self.idle_in_transaction,
              "tcp_user_timeout": self.dead_after}
        out = [f"-c {k}={int(v * 1000)}" for k, v in ms.items() if v is not None]
        out += [f"-c tcp_keepalives_idle={self.keepalive_idle}",
                f"-c tcp_keepalives_interval={self.keepalive_interval}",
                f"-c tcp_keepalives_count={self.keepalive_count}"]
        return " ".join(out)

    @property
    def dead_after(self) -> int:
        """Seconds after which either end gives up on a silent peer."""
        return self.keepalive_idle + self.keepalive_interval * self.keepalive_count

    def connect_args(self) -> dict[str, Any]:
        """libpq parameters: client keepalives, tcp_user_timeout, the server-side options."""
        return {"keepalives": 1, "keepalives_idle": self.keepalive_idle,
                "keepalives_interval": self.keepalive_interval,
                "keepalives_count": self.keepalive_count,
                "tcp_user_timeout": self.dead_after * 1000, "options": self.options()}

    def longest_hold(self) -> float:
        """The longest a vanished client's session can keep a lock on the server."""
        return max(self.idle_in_transaction or 0, self.statement or 0) + self.dead_after


SESSION_LIMITS = Limits()   # the worker and the clock: statements of a whole batch
# The web process: /healthz and the intelligent bot, which answers inside WeCom's 5 s (a
# silent pooled connection, 2.5 s, then a fresh one that cannot connect, 2 s).
WEB_LIMITS = Limits(statement=2, lock=1.5, idle_in_transaction=10, answer=2.5)
# The callback's one INSERT: a 503 within 2 s of the database going quiet, so WeCom retries.
INBOX_LIMITS = Limits(statement=1, lock=0.5, idle_in_transaction=5, answer=1.5)
# Migrations may rewrite big tables: no statement limit, still keepalives and a lock limit.
MIGRATION_LIMITS = Limits(statement=None, lock=30, idle_in_transaction=None, answer=None)


class NoAnswer(psycopg.OperationalError):
    """The database did not answer a statement in time; the connection was closed."""


def _bounded(gen: Generator[Any, Any, Any], end: float) -> Generator[Any, Any, Any]:
    """Pass psycopg's wait protocol through, giving up once `end` has passed. psycopg's wait
    loop wakes the generator every 0.1 s even when the socket is silent, so this is checked."""
    try:
        state = next(gen)
        while True:
            ready = yield state
            if monotonic() > end:
                raise NoAnswer("the database did not answer in time")
            state = gen.send(ready)
    except StopIteration as done:   # inside a generator it must not escape as such
        return done.value


class BoundedConnection(psycopg.Connection[Any]):
    """A psycopg connection whose every wait for the server ends after `answer_within` s.

    The server's statement_timeout cannot help when the server (or the path to it) is the
    thing that stopped answering; this does, on the client, and then closes the connection
    because its protocol state is unknown.
    """

    answer_within: float | None = None

    def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
        """psycopg's wait, bounded."""
        if not self.answer_within:
            return super().wait(gen, *args, **kwargs)
        try:
            return super().wait(_bounded(gen, monotonic() + self.answer_within), *args, **kwargs)
        except NoAnswer:
            self.pgconn.finish()
            raise


def connect(conninfo: str, limits: Limits = SESSION_LIMITS, **kwargs: Any) -> BoundedConnection:
    """A raw psycopg connection with `limits` (used by the inbox, outside SQLAlchemy)."""
    params = {**limits.connect_args(), "connect_timeout": 2, **kwargs}
    conn = BoundedConnection.connect(conninfo, **params)
    conn.answer_within = limits.answer
    return conn


def _ping_without_transaction(dbapi_connection: Any) -> bool:
    """pre_ping with a bare protocol Sync: one round trip that starts no transaction."""
    # SQLAlchemy pings psycopg with an autocommit `SELECT 1`, and PostgreSQL counts every
    # statement, even an empty one, as a committed transaction: one per pool checkout, which
    # more than doubled an idle worker's commits (issue 14). A Sync with nothing before it is
    # answered with ReadyForQuery and no transaction, and still fails on a dead connection.
    before = dbapi_connection.autocommit
    if not before:
        dbapi_connection.autocommit = True
    try:
        with dbapi_connection.pipeline() as pipeline:
            pipeline.sync()
    finally:
        if not before and not dbapi_connection.closed:
            dbapi_connection.autocommit = before
    return True


def make_engine(url: str, *, limits: Limits = SESSION_LIMITS, **kwargs: Any) -> Engine:
    """Create an engine that survives database restarts and fails fast when it is down."""
    # Errors are logged with tracebacks; bound values (access tokens, decrypted messages)
    # must not ride along in their "[parameters: ...]" section.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            conn.isolation_level = None   # we say BEGIN ourselves, below

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A transaction that read first and writes later cannot wait for another writer
            # in SQLite: it fails at once with "database is locked". Taking the write lock at
            # BEGIN makes the demo's threads (web, worker, clock) queue for busy_timeout
            # instead. (SQLAlchemy's documented pysqlite recipe; SAVEPOINTs need it too.)
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        kwargs.setdefault("pool_timeout", 3)
    # pre_ping + a short connect timeout: after an outage the next request reconnects, and
    # while the database is down a callback gets its 503 in about a second, not a hang.
    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 2},
                           **kwargs)
    if psycopg.Pipeline.is_supported():   # libpq >= 14; else SQLAlchemy's own ping
        engine.dialect.do_ping = _ping_without_transaction  # type: ignore[method-assign]

    @event.listens_for(engine, "do_connect")
    def _bounded_connect(_dialect: Any, _rec: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        # Ours first, the URL's own ?options= after, so an admin can still override a limit.
        ours = limits.connect_args()
        cparams["options"] = " ".join(filter(None, [ours.pop("options"),
                                                    cparams.get("options")]))
        conn = BoundedConnection.connect(*cargs, **{**ours, **cparams})
        conn.answer_within = limits.answer
        return conn

    return engine


# The session factory every layer is handed.
Sessions = sessionmaker[Session]


def make_sessionmaker(engine: Engine) -> Sessions:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: Engine) -> bool:
    """True when the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


def alembic_config(url: str) -> Any:
    """An Alembic config pointing at our migrations and the given database."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent.parent
                                               / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def migration_status(engine: Engine) -> tuple[str | None, str]:
    """Return (current revision in the database, head revision of the code)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    # Reading the revision is not migrating: Alembic's "Context impl …" INFO lines would only
    # clutter check-config's output and every /healthz in the server's log.
    quiet = logging.getLogger("alembic.runtime.migration")
    level = quiet.level
    quiet.setLevel(max(level, logging.WARNING))
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        quiet.setLevel(level)
    return current, script.get_current_head() or ""
