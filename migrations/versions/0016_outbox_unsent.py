"""outbox unsent: a partial index on each member's unsent rows, by id

The claim sends a member's rows in order: a candidate goes only if it is its member's oldest
unsent row (`min(id) … WHERE touser = ? AND status IN ('pending', 'sending')`, once per
candidate). No index answered that minimum directly, and PostgreSQL walked either the
primary key from the member's oldest row, sent ones included, or all of the member's rows:
with 1,000 waiting and 500 sent to one member, 100-150 ms a claim. This index holds only the
unsent rows, in id order per member, so the minimum is its first entry: 5-7 ms a claim there,
with or without statistics.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UNSENT = sa.text("status IN ('pending', 'sending')")


def upgrade() -> None:
    op.create_index("ix_outbox_unsent", "outbox", ["touser", "id"],
                    postgresql_where=UNSENT, sqlite_where=UNSENT)


def downgrade() -> None:
    op.drop_index("ix_outbox_unsent", table_name="outbox")
