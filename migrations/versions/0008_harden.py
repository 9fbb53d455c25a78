"""users.directory_name: the member's name in WeCom's directory, the one names resolve by

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("directory_name", sa.String(128), nullable=True))
    # Names known so far may be chosen ones: ask the directory again for everyone (the worker's
    # NameSync, ten members a tick). Until then members are named by userid.
    op.execute("UPDATE users SET name_synced = false")


def downgrade() -> None:
    op.drop_column("users", "directory_name")
