"""Reading rows back in tests."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select


def rows(services: Any, model: Any, **where: Any) -> list[Any]:
    """Every row of `model` whose columns equal the given values."""
    with services.sessions() as s:
        q = select(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return list(s.scalars(q).all())
