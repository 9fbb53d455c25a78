"""inbox: callbacks are stored as pending rows and acted on by the workers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index("ix_inbound_pending", "inbound_messages",
                    ["from_user", "received_at", "dedupe_key"],
                    postgresql_where=PENDING, sqlite_where=PENDING)


def downgrade() -> None:
    op.drop_index("ix_inbound_pending", table_name="inbound_messages")
