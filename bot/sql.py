"""Small dialect-aware SQL helpers (PostgreSQL in production, SQLite for the demo)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: Any, values: dict[str, Any],
                  conflict: Sequence[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns 1 if the row was written, 0 if it existed.

    On PostgreSQL a concurrent insert of the same key waits for the other transaction and then
    reports the conflict, which is what makes four simultaneous retries take effect once.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(model).values(**values)
            .on_conflict_do_nothing(index_elements=list(conflict))
            .returning(model.__table__.c[conflict[0]]))
    # RETURNING, not rowcount: the ORM's insert path does not report a reliable rowcount.
    return 1 if session.execute(stmt).first() is not None else 0
