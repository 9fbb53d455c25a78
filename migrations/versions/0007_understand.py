"""understand: the question the bot last asked each member (pending_questions, users.question_until)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("question_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "pending_questions",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("part_start", sa.Integer(), nullable=False),
        sa.Column("part_end", sa.Integer(), nullable=False),
        sa.Column("ask", sa.String(length=16), nullable=False),
        sa.Column("choices", JSON, nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_pending_questions_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_pending_questions")),
    )


def downgrade() -> None:
    op.drop_table("pending_questions")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("question_until")
