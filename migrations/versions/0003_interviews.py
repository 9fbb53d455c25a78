"""hiring: positions, candidates, interviews and panels, feedback, confirmations, audit, settings

Also adds users.name_synced (False while a user's name is only their userid).
Numbered 0002 but applied after 0003 (the intelligent-bot columns landed first); the chain is
0001 -> 0003 -> 0002. Schema only, no app imports: runs on PostgreSQL and SQLite alike.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# BIGINT ids on PostgreSQL; SQLite autoincrements INTEGER only.
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('positions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('department', sa.String(length=128), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions')),
    sa.UniqueConstraint('title', name=op.f('uq_positions_title'))
    )
    op.create_table('audit_log',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', ID, nullable=True),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('before', JSON, nullable=True),
    sa.Column('after', JSON, nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('source_key', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id', 'id'], unique=False)

    op.create_table('candidates',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('resume_url', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('position_id', ID, nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('pending', 'pass', 'fail', 'hold')", name=op.f('ck_candidates_decision')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_candidates_created_by_users')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_candidates_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidates')),
    sa.UniqueConstraint('email', name=op.f('uq_candidates_email')),
    sa.UniqueConstraint('phone', name=op.f('uq_candidates_phone'))
    )
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.create_index('ix_candidates_name', ['name'], unique=False)

    op.create_table('org_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', JSON, nullable=False),
    sa.Column('updated_by', ID, nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_org_settings_updated_by_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_org_settings'))
    )
    op.create_table('pending_confirmations',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('actor_id', ID, nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('payload', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consumed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_pending_confirmations_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_confirmations')),
    sa.UniqueConstraint('actor_id', 'code', name='uq_pending_confirmations_code')
    )
    op.create_table('user_settings',
    sa.Column('user_id', ID, nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', JSON, nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_settings_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_user_settings'))
    )
    op.create_table('interviews',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('candidate_id', ID, nullable=False),
    sa.Column('position_id', ID, nullable=True),
    sa.Column('round', sa.SmallInteger(), nullable=False),
    sa.Column('round_label', sa.String(length=32), nullable=True),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=True),
    sa.Column('location', sa.String(length=256), nullable=True),
    sa.Column('meeting_url', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('needs_attention', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('reschedule_count', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_by', ID, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'confirmed', 'rescheduled', 'cancelled', 'completed', 'no_show')", name=op.f('ck_interviews_status')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_interviews_ends_after_start')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_interviews_candidate_id_candidates')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_interviews_created_by_users')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_interviews_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviews')),
    sa.UniqueConstraint('id', 'start_at', name='uq_interviews_id_start_at')
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index('ix_interviews_start_at', ['start_at'], unique=False)
        batch_op.create_index('uq_interviews_live_round', ['candidate_id', 'round'], unique=True, postgresql_where=sa.text("status NOT IN ('cancelled', 'no_show')"), sqlite_where=sa.text("status NOT IN ('cancelled', 'no_show')"))

    op.create_table('interview_interviewers',
    sa.Column('interview_id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('rsvp', sa.String(length=16), nullable=False),
    sa.Column('rsvp_note', sa.Text(), nullable=True),
    sa.Column('rsvp_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('feedback_status', sa.String(length=16), nullable=False),
    sa.Column('nudges', sa.Integer(), nullable=False),
    sa.Column('last_nudged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    # A copy of interviews.start_at for the (user_id, start_at) index; ON UPDATE CASCADE keeps it in step.
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("feedback_status IN ('pending', 'submitted', 'waived')", name=op.f('ck_interview_interviewers_feedback_status')),
    sa.CheckConstraint("rsvp IN ('pending', 'accepted', 'declined')", name=op.f('ck_interview_interviewers_rsvp')),
    sa.ForeignKeyConstraint(['interview_id', 'start_at'], ['interviews.id', 'interviews.start_at'], name='fk_interview_interviewers_interview', onupdate='CASCADE', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_interview_interviewers_user_id_users')),
    sa.PrimaryKeyConstraint('interview_id', 'user_id', name=op.f('pk_interview_interviewers'))
    )
    with op.batch_alter_table('interview_interviewers', schema=None) as batch_op:
        batch_op.create_index('ix_interview_interviewers_user_start', ['user_id', 'start_at'], unique=False)
        batch_op.create_index('ix_interview_interviewers_feedback_due', ['user_id', 'start_at'], unique=False, postgresql_where=sa.text("feedback_status = 'pending'"), sqlite_where=sa.text("feedback_status = 'pending'"))

    op.create_table('feedback',
    sa.Column('interview_id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('recommendation', sa.String(length=16), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')", name=op.f('ck_feedback_recommendation')),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_feedback_score')),
    sa.ForeignKeyConstraint(['interview_id', 'user_id'], ['interview_interviewers.interview_id', 'interview_interviewers.user_id'], name='fk_feedback_panelist'),
    sa.PrimaryKeyConstraint('interview_id', 'user_id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_synced', sa.Boolean(), server_default=sa.text('false'), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('name_synced')

    op.drop_table('feedback')
    with op.batch_alter_table('interview_interviewers', schema=None) as batch_op:
        batch_op.drop_index('ix_interview_interviewers_feedback_due', postgresql_where=sa.text("feedback_status = 'pending'"), sqlite_where=sa.text("feedback_status = 'pending'"))
        batch_op.drop_index('ix_interview_interviewers_user_start')

    op.drop_table('interview_interviewers')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index('uq_interviews_live_round', postgresql_where=sa.text("status NOT IN ('cancelled', 'no_show')"), sqlite_where=sa.text("status NOT IN ('cancelled', 'no_show')"))
        batch_op.drop_index('ix_interviews_start_at')

    op.drop_table('interviews')
    op.drop_table('user_settings')
    op.drop_table('pending_confirmations')
    op.drop_table('org_settings')
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_index('ix_candidates_name')

    op.drop_table('candidates')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')
    op.drop_table('positions')
