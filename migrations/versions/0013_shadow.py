"""shadow: trainee pool members (shadows left) and the "shadow" feedback state

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pool_members") as b:
        b.add_column(sa.Column("shadow_left", sa.Integer(), nullable=True))
    with op.batch_alter_table("interview_interviewers") as b:
        b.drop_constraint(op.f("ck_interview_interviewers_feedback_status"), type_="check")
        b.create_check_constraint(
            op.f("ck_interview_interviewers_feedback_status"),
            "feedback_status IN ('pending', 'submitted', 'waived', 'excused', 'shadow')")


def downgrade() -> None:
    op.execute("UPDATE interview_interviewers SET feedback_status = 'waived' "
               "WHERE feedback_status = 'shadow'")
    with op.batch_alter_table("interview_interviewers") as b:
        b.drop_constraint(op.f("ck_interview_interviewers_feedback_status"), type_="check")
        b.create_check_constraint(
            op.f("ck_interview_interviewers_feedback_status"),
            "feedback_status IN ('pending', 'submitted', 'waived', 'excused')")
    with op.batch_alter_table("pool_members") as b:
        b.drop_column("shadow_left")
