"""intelligent bot: stored passive replies, response_url deliveries; per-user rate index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(sa.Column("reply", sa.Text(), nullable=True))
        batch.create_index("ix_inbound_from_user", ["from_user", "received_at"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("url", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("url")
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_index("ix_inbound_from_user")
        batch.drop_column("reply")
