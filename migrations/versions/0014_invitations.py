"""invitations: candidate self-scheduling links

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("nonce", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("candidate_id", ID, nullable=True),
        sa.Column("candidate_name", sa.String(length=128), nullable=False),
        sa.Column("pool_name", sa.String(length=64), nullable=True),
        sa.Column("pool_count", sa.SmallInteger(), nullable=False),
        sa.Column("minutes", sa.SmallInteger(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interview_id", ID, nullable=True),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booked_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booked_end", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('invite', 'reschedule')", name=op.f("ck_invitations_kind")),
        sa.CheckConstraint("status IN ('open', 'used', 'revoked')",
                           name=op.f("ck_invitations_status")),
        sa.CheckConstraint("window_end > window_start", name=op.f("ck_invitations_window")),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidates.id"],
                                name=op.f("fk_invitations_candidate_id_candidates")),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"],
                                name=op.f("fk_invitations_interview_id_interviews")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_invitations_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )


def downgrade() -> None:
    op.drop_table("invitations")
