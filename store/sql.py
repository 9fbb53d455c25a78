"""Small dialect-aware SQL helpers (PostgreSQL in production, SQLite for the demo)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.orm import Session


def changed(session: Session, statement: Any) -> int:
    """Run an UPDATE or DELETE; returns the number of rows it changed."""
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount


_STATEMENTS: dict[tuple[Any, str, tuple[str, ...]], Any] = {}


def dialect_of(session: Session | Connection) -> str:
    """The name of the database dialect a session or connection talks to."""
    return (session.get_bind() if isinstance(session, Session) else session).dialect.name


def upsert_insert(dialect: str) -> Any:
    """The dialect's INSERT with ON CONFLICT (PostgreSQL in production, SQLite for the demo)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def insert_ignore(session: Session | Connection, model: Any, values: dict[str, Any],
                  conflict: Sequence[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns 1 if the row was written, 0 if it existed.

    On PostgreSQL a concurrent insert of the same key waits for the other transaction and then
    reports the conflict, which is what makes four simultaneous retries take effect once.
    """
    dialect = dialect_of(session)
    key = (model, dialect, tuple(conflict))
    stmt = _STATEMENTS.get(key)
    if stmt is None:   # built once: rebuilding it per call was a quarter of a callback's CPU
        table = model.__table__
        insert = upsert_insert(dialect)
        stmt = _STATEMENTS[key] = (insert(table)
                                   .on_conflict_do_nothing(index_elements=list(conflict))
                                   .returning(table.c[conflict[0]]))
    # RETURNING, not rowcount: the ORM's insert path does not report a reliable rowcount.
    return 1 if session.execute(stmt, values).first() is not None else 0
