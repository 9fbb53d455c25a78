"""The migration chain is linear and numbered, and `db upgrade` from empty gives the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from store.db import Base, alembic_config


def chain() -> list[tuple[str, str | None]]:
    """(revision, down_revision) from the base up to the head."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, f"more than one head: {script.get_heads()}"
    revisions = list(script.walk_revisions())[::-1]
    return [(r.revision, r.down_revision) for r in revisions]  # type: ignore[misc]


def test_the_chain_is_linear_and_numbered_in_order():
    revs = chain()
    assert revs[0][1] is None
    for (prev, _), (rev, down) in zip(revs, revs[1:], strict=False):
        assert down == prev, f"{rev} revises {down}, not the one before it ({prev})"
    numbers = [int(rev[:4]) for rev, _ in revs]
    assert numbers == list(range(1, len(revs) + 1)), [rev for rev, _ in revs]


def test_the_files_are_named_after_their_revision():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    for rev in script.walk_revisions():
        assert rev.path.rsplit("/", 1)[-1].startswith(rev.revision[:4] + "_"), rev.path


def test_upgrade_from_empty_equals_the_models(pg_url):
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
