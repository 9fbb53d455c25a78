"""An idle worker costs the shared database at most two committed transactions a second.

Counted over an injected clock, never timed: the worker looks, asks how long it may sleep, and
the test moves the clock by that much (a hair less, as select() may return early).
"""
from __future__ import annotations

from sqlalchemy import event, text

from bot.pipeline.worker import HEARTBEAT_EVERY
from store.db import make_engine

SIMULATED = 300.0   # seconds of idle worker life


def idle_commits(services, db, clock, seconds: float = SIMULATED) -> tuple[int, int]:
    """Commits and looks of an idle worker over `seconds` of the test clock."""
    worker = services.make_worker()
    worker.step()                              # the first look beats and ticks: set-up
    commits: list[int] = []

    def count(_conn) -> None:
        commits.append(1)

    event.listen(db, "commit", count)
    looks, elapsed = 0, 0.0
    try:
        while elapsed < seconds:
            assert worker.step() == 0          # idle: nothing to act on or send
            looks += 1
            wait = worker.idle_wait() * 0.999  # the sleep ends a hair early
            clock.advance(seconds=wait)
            elapsed += wait
    finally:
        event.remove(db, "commit", count)
    return len(commits), looks


def test_an_idle_worker_commits_at_most_two_transactions_a_second(services, db, clock):
    commits, looks = idle_commits(services, db, clock)
    assert commits <= 2 * SIMULATED, f"{commits} commits in {SIMULATED:.0f} s ({looks} looks)"
    # ...and still looks every few seconds and ticks on time (reminders, agendas).
    assert looks >= SIMULATED / 5 - 1


def test_a_tick_that_falls_due_while_asleep_runs_on_the_first_look(services, db, clock):
    worker = services.make_worker()
    worker.step()
    beat = worker._last_beat
    clock.advance(seconds=HEARTBEAT_EVERY.total_seconds() - 0.001)   # woke a hair early
    worker.step()
    assert worker._last_beat != beat            # ticked now, not one extra look later


def test_a_pool_checkout_costs_the_database_no_transaction(pg_url):
    """The pre-ping is a protocol Sync: PostgreSQL counts `SELECT 1`, even an empty query, as
    a committed transaction, and every session checks a connection out."""
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        def committed() -> int:
            # Flush this backend's counters (before its answer), then read the database's.
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_stat_force_next_flush()"))
                conn.commit()
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_stat_clear_snapshot()"))
                n = conn.execute(text("SELECT xact_commit FROM pg_stat_database "
                                      "WHERE datname = current_database()")).scalar_one()
                conn.rollback()
            return int(n)

        before = committed()
        for _ in range(50):
            with engine.connect():             # checkout (pre-ping) and return, nothing else
                pass
        after = committed()
        # The two reads themselves commit a few; fifty pings would commit fifty.
        assert after - before < 10, after - before
    finally:
        engine.dispose()


def test_acting_on_a_message_commits_without_waiting_for_the_flush(services, wecom, db):
    """One fsync less per message: the act's commit is asynchronous (the send's claim, a
    synchronous commit later, flushes it), the callback's insert and the claim are not."""
    said: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        said.append(statement)

    wecom.after = None                         # the callback only: the test acts itself
    assert wecom.text("zhangsan", "帮助").status_code == 200
    event.listen(db, "before_cursor_execute", record)
    try:
        assert services.pipeline.act() == 1
    finally:
        event.remove(db, "before_cursor_execute", record)
    assert "SET LOCAL synchronous_commit TO OFF" in said
    with db.connect() as conn:                 # and only for that transaction
        assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
