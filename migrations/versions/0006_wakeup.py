"""wakeup: an insert into the inbox or the outbox notifies the idle workers (PostgreSQL)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The channel bot.pipeline.wakeup.ListenWakeup listens on. One NOTIFY per statement, and
# PostgreSQL folds identical notifications of one transaction into one, delivered at commit.
FUNCTION = """
CREATE OR REPLACE FUNCTION interview_bot_wake() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('interview_bot_work', TG_TABLE_NAME);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
TABLES = ("inbound_messages", "outbox")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return   # SQLite (the demo): one process, woken in-process
    op.execute(FUNCTION)
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_wake AFTER INSERT ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION interview_bot_wake()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_wake ON {table}")
    op.execute("DROP FUNCTION IF EXISTS interview_bot_wake()")
