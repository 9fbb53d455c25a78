"""lifecycle: removed interviewers and excused feedback, the decision on an interview, amended
feedback

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interview_interviewers") as b:
        b.drop_constraint(op.f("ck_interview_interviewers_rsvp"), type_="check")
        b.drop_constraint(op.f("ck_interview_interviewers_feedback_status"), type_="check")
        b.create_check_constraint(op.f("ck_interview_interviewers_rsvp"),
                                  "rsvp IN ('pending', 'accepted', 'declined', 'removed')")
        b.create_check_constraint(
            op.f("ck_interview_interviewers_feedback_status"),
            "feedback_status IN ('pending', 'submitted', 'waived', 'excused')")
    with op.batch_alter_table("interviews") as b:
        b.add_column(sa.Column("decision", sa.String(length=16), nullable=True))
        b.add_column(sa.Column("decision_note", sa.Text(), nullable=True))
        b.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        b.add_column(sa.Column("decided_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                               nullable=True))
        b.create_foreign_key(op.f("fk_interviews_decided_by_users"), "users",
                             ["decided_by"], ["id"])
        b.create_check_constraint(op.f("ck_interviews_decision"),
                                  "decision IN ('pass', 'fail', 'hold')")
    with op.batch_alter_table("feedback") as b:
        b.add_column(sa.Column("amended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback") as b:
        b.drop_column("amended_at")
    with op.batch_alter_table("interviews") as b:
        b.drop_constraint(op.f("ck_interviews_decision"), type_="check")
        b.drop_constraint(op.f("fk_interviews_decided_by_users"), type_="foreignkey")
        for c in ("decided_by", "decided_at", "decision_note", "decision"):
            b.drop_column(c)
    with op.batch_alter_table("interview_interviewers") as b:
        b.drop_constraint(op.f("ck_interview_interviewers_rsvp"), type_="check")
        b.drop_constraint(op.f("ck_interview_interviewers_feedback_status"), type_="check")
        b.create_check_constraint(op.f("ck_interview_interviewers_rsvp"),
                                  "rsvp IN ('pending', 'accepted', 'declined')")
        b.create_check_constraint(op.f("ck_interview_interviewers_feedback_status"),
                                  "feedback_status IN ('pending', 'submitted', 'waived')")
