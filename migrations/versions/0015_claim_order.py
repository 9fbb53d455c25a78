"""claim order: a partial index on the outbox's unsent rows in the order a claim takes them

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index("ix_outbox_pending_rank", "outbox",
                    [sa.text("coalesce(rank_at, next_attempt_at)"), "id"],
                    postgresql_where=PENDING, sqlite_where=PENDING)


def downgrade() -> None:
    op.drop_index("ix_outbox_pending_rank", table_name="outbox")
