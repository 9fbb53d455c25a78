"""WeCom office side: durable jobs, each interview's event/meeting/room, refused features

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OPEN = sa.text("status IN ('pending', 'running')")


def upgrade() -> None:
    op.create_table(
        "wecom_jobs",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("interview_id", BIG, nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("key", name="uq_wecom_jobs_key"),
    )
    op.create_index("ix_wecom_jobs_due", "wecom_jobs", ["status", "next_attempt_at"])
    op.create_index("ix_wecom_jobs_open_interview", "wecom_jobs", ["interview_id", "id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_table(
        "interview_wecom",
        sa.Column("interview_id", BIG, sa.ForeignKey("interviews.id"), primary_key=True),
        sa.Column("schedule_id", sa.String(128), nullable=True),
        sa.Column("schedule_pending", sa.Boolean(), nullable=False),
        sa.Column("meetingid", sa.String(128), nullable=True),
        sa.Column("meeting_link", sa.Text(), nullable=True),
        sa.Column("meeting_admin", sa.String(64), nullable=True),
        sa.Column("meeting_pending", sa.Boolean(), nullable=False),
        sa.Column("room_wanted", sa.String(128), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("room_name", sa.String(128), nullable=True),
        sa.Column("booking_id", sa.String(128), nullable=True),
        sa.Column("booking_pending", sa.Boolean(), nullable=False),
        sa.Column("synced", JSON, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "wecom_features",
        sa.Column("feature", sa.String(16), primary_key=True),
        sa.Column("errcode", sa.Integer(), nullable=False),
        sa.Column("errmsg", sa.Text(), nullable=True),
        sa.Column("denied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":   # a new job wakes the workers (0006)
        op.execute("CREATE TRIGGER wecom_jobs_wake AFTER INSERT ON wecom_jobs "
                   "FOR EACH STATEMENT EXECUTE FUNCTION interview_bot_wake()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS wecom_jobs_wake ON wecom_jobs")
    op.drop_table("wecom_features")
    op.drop_table("interview_wecom")
    op.drop_index("ix_wecom_jobs_open_interview", table_name="wecom_jobs")
    op.drop_index("ix_wecom_jobs_due", table_name="wecom_jobs")
    op.drop_table("wecom_jobs")
