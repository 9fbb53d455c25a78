"""The changes to our code that the benchmark proposes, as monkeypatches for A/B runs.

Nothing in bot/ is edited: bench/ab_process.py applies these in its own process, and
bench/gunicorn_variant.conf.py applies them in each gunicorn worker right after the fork (before
the app is loaded), so the same server can be measured with and without them. Each function
here is the proposed new body of the function it replaces, with the same SQL effects.

  stmt-cache    bot.sql.insert_ignore: build INSERT … ON CONFLICT DO NOTHING RETURNING once per
                (table, dialect, conflict columns) on the Table and pass the row as parameters,
                instead of a new ORM statement with .values(**row) on every call
  core-outbox   bot.outbox._insert: one Core INSERT of the row (cached statement) instead of
                session.add() + the ORM unit of work at flush time
  select-first  bot.dispatch.ensure_user: SELECT the member first; INSERT … ON CONFLICT and
                SELECT again only when it is new (1 statement instead of 2 for known members)
  no-pre-ping   bot.db.make_engine without pool_pre_ping (one SELECT 1 round trip less per
                request; a connection broken by a database restart then fails one request with
                503, which WeCom retries, and SQLAlchemy replaces the pool)
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

ALL = ("stmt-cache", "core-outbox", "select-first", "no-pre-ping")
_STATEMENTS: dict[Any, Any] = {}


def insert_ignore(session: Any, model: Any, values: dict[str, Any],
                  conflict: Sequence[str]) -> int:
    """Proposed bot.sql.insert_ignore: same SQL and result, statement built once."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    key = (model, dialect, tuple(conflict))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        table = model.__table__
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (insert(table).on_conflict_do_nothing(index_elements=list(conflict))
                .returning(table.c[conflict[0]]))
        _STATEMENTS[key] = stmt
    return 1 if session.execute(stmt, values).first() is not None else 0


def outbox_insert(session: Any, row: dict[str, Any]) -> int:
    """Proposed bot.outbox._insert: a Core INSERT, no ORM object or unit of work."""
    from sqlalchemy import insert

    from bot.models import OutboxMessage

    stmt = _STATEMENTS.get("outbox")
    if stmt is None:
        stmt = _STATEMENTS["outbox"] = insert(OutboxMessage.__table__)
    session.execute(stmt, row)
    return 1


def ensure_user(s: Any, userid: str, settings: Any, now: datetime) -> Any:
    """Proposed bot.dispatch.ensure_user: look up first, insert only for a new member."""
    from sqlalchemy import select

    import bot.dispatch as d
    from bot.models import User

    userid = userid.lower()
    admins = {a.lower() for a in settings.admins}
    user = s.scalars(select(User).where(User.wecom_userid == userid)).one_or_none()
    if user is None:
        d.insert_ignore(s, User, dict(wecom_userid=userid, name=userid, created_at=now,
                                      role="admin" if userid in admins else "interviewer"),
                        ("wecom_userid",))
        user = s.scalars(select(User).where(User.wecom_userid == userid)).one()
    if userid in admins and user.role != "admin":
        user.role = "admin"
    return user


def make_engine_without_pre_ping(original: Callable[..., Any]) -> Callable[..., Any]:
    """bot.db.make_engine with pool_pre_ping=False (everything else as it is)."""
    import sqlalchemy

    def make_engine(url: str, **kwargs: Any) -> Any:
        real = sqlalchemy.create_engine

        def create_engine(*args: Any, **kw: Any) -> Any:
            kw["pool_pre_ping"] = False
            return real(*args, **kw)

        import bot.db

        bot.db.create_engine = create_engine   # type: ignore[attr-defined]
        try:
            return original(url, **kwargs)
        finally:
            bot.db.create_engine = real   # type: ignore[attr-defined]

    return make_engine


def apply(names: Sequence[str]) -> Callable[[], None]:
    """Apply the named changes in this process; returns the undo."""
    import bot.db
    import bot.dispatch
    import bot.outbox
    import bot.services
    import bot.sql

    unknown = set(names) - set(ALL)
    if unknown:
        raise ValueError(f"unknown variant(s) {sorted(unknown)}; known: {', '.join(ALL)}")
    targets = [(bot.sql, "insert_ignore"), (bot.dispatch, "insert_ignore"),
               (bot.outbox, "insert_ignore"), (bot.outbox, "_insert"),
               (bot.dispatch, "ensure_user"), (bot.services, "make_engine"),
               (bot.db, "make_engine")]
    try:
        import bot.worker

        targets.append((bot.worker, "insert_ignore"))
    except ImportError:
        pass
    saved = [(mod, name, getattr(mod, name)) for mod, name in targets if hasattr(mod, name)]
    if "stmt-cache" in names:
        for mod, name, _ in saved:
            if name == "insert_ignore":
                setattr(mod, name, insert_ignore)
    if "core-outbox" in names:
        bot.outbox._insert = outbox_insert
    if "select-first" in names:
        bot.dispatch.ensure_user = ensure_user
    if "no-pre-ping" in names:
        patched = make_engine_without_pre_ping(bot.db.make_engine)
        bot.db.make_engine = bot.services.make_engine = patched

    def undo() -> None:
        for mod, name, value in saved:
            setattr(mod, name, value)

    return undo


def from_env() -> list[str]:
    """BENCH_VARIANT: comma-separated names, or "all", or empty for the code as it is."""
    raw = os.environ.get("BENCH_VARIANT", "").strip()
    if raw == "all":
        return list(ALL)
    return [x for x in raw.split(",") if x]
