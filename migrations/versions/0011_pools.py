"""pools: named interviewer pools and their members

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "interviewer_pools",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_interviewer_pools_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviewer_pools")),
        sa.UniqueConstraint("name", name=op.f("uq_interviewer_pools_name")),
    )
    op.create_table(
        "pool_members",
        sa.Column("pool_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pool_id"], ["interviewer_pools.id"], ondelete="CASCADE",
                                name=op.f("fk_pool_members_pool_id_interviewer_pools")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_pool_members_user_id_users")),
        sa.PrimaryKeyConstraint("pool_id", "user_id", name=op.f("pk_pool_members")),
    )


def downgrade() -> None:
    op.drop_table("pool_members")
    op.drop_table("interviewer_pools")
