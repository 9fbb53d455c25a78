"""Alembic environment: our metadata, the URL from the config (set by store.db.alembic_config)."""
from alembic import context
from sqlalchemy import pool

import store.hiring  # noqa: F401  (the hiring tables)
import store.models  # noqa: F401  (registers the tables)
from store.db import MIGRATION_LIMITS, Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Emit SQL without a database connection (`alembic upgrade --sql`)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool,
                         limits=MIGRATION_LIMITS)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
