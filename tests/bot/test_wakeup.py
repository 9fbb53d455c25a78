"""Idle workers sleep until PostgreSQL's NOTIFY says there is work, and cost little meanwhile."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import event, text

from bot.pipeline import outbox
from bot.pipeline.wakeup import LISTEN_POLL, ListenWakeup, Wakeup
from bot.pipeline.worker import HEARTBEAT_EVERY
from tests.support.wait import until


def waiting(wakeup: ListenWakeup, timeout: float = 60.0) -> tuple[threading.Thread, list[bool]]:
    """A thread blocked in wakeup.wait(timeout); its result lands in the list."""
    woke: list[bool] = []
    thread = threading.Thread(target=lambda: woke.append(wakeup.wait(timeout)), daemon=True)
    thread.start()
    return thread, woke


def test_an_outbox_insert_in_another_session_wakes_a_waiting_worker(services, db, clock):
    wakeup = ListenWakeup(db.url)
    try:
        assert wakeup.wait(0) is False        # LISTEN is on before anything is written
        thread, woke = waiting(wakeup)
        with services.sessions.begin() as s:   # any process's commit
            outbox.enqueue(s, touser="lisi", content="hi", now=clock())
        thread.join(30)                        # a guard against a hang, not a timing claim
        assert woke == [True]                  # woken by the NOTIFY, not by the 60 s timeout
    finally:
        wakeup.close()


def test_the_callbacks_fast_insert_wakes_a_waiting_worker(services, wecom, db):
    wakeup = ListenWakeup(db.url)
    try:
        assert wakeup.wait(0) is False
        thread, woke = waiting(wakeup)
        wecom.after = None                     # the web process only: its own connection
        assert wecom.text("zhangsan", "帮助").status_code == 200
        thread.join(30)
        assert woke == [True]
    finally:
        wakeup.close()


def test_nothing_written_means_no_wake(services, db):
    wakeup = ListenWakeup(db.url)
    try:
        assert wakeup.wait(0) is False
        with services.sessions.begin() as s:    # a read, or a write to another table
            s.execute(text("SELECT count(*) FROM outbox"))
        assert wakeup.wait(0.2) is False
    finally:
        wakeup.close()


def test_a_local_notify_interrupts_the_wait(db):
    wakeup = ListenWakeup(db.url)
    try:
        thread, woke = waiting(wakeup)
        wakeup.notify()                       # e.g. a send finished in this process
        thread.join(30)
        assert woke == [True]
    finally:
        wakeup.close()


def test_with_the_database_gone_it_still_waits_and_wakes_locally():
    from sqlalchemy.engine import make_url

    wakeup = ListenWakeup(make_url("postgresql://nobody@127.0.0.1:1/none"))
    try:
        wakeup.notify()
        assert wakeup.wait(5) is True          # the local wake-up still works
    finally:
        wakeup.close()


def test_an_idle_worker_commits_three_transactions_a_look_and_sleeps_the_poll(services, db,
                                                                            clock):
    assert isinstance(services.pipeline.wakeup, ListenWakeup)
    worker = services.make_worker()
    worker.step()                              # heartbeat and ticks are due on the first look
    commits = []

    def count(conn):
        commits.append(1)

    event.listen(db, "commit", count)
    try:
        for _ in range(10):
            worker.step()                      # nothing to do: act, claim, office jobs
    finally:
        event.remove(db, "commit", count)
    assert 0 < len(commits) <= 3 * 10
    assert worker.idle_wait() <= LISTEN_POLL
    clock.advance(seconds=HEARTBEAT_EVERY.total_seconds())
    assert worker.idle_wait() < 1.0            # the next tick is due: look soon
    assert LISTEN_POLL >= 1.0 and Wakeup.poll < LISTEN_POLL


def test_an_idle_worker_wakes_for_a_retry_that_falls_due(services, clock):
    worker = services.make_worker()
    worker.step()
    with services.sessions.begin() as s:
        outbox.enqueue(s, touser="lisi", content="later", now=clock(),
                       due_at=clock() + timedelta(seconds=2))
    worker.step()                              # not due yet: nothing claimed
    assert worker.idle_wait() <= 2.0           # it sleeps until then, not the whole poll


def test_a_wakeup_names_its_stage_and_this_processs_own_writes_are_no_news(db, clock):
    from bot.pipeline.inbox import _SQL
    from bot.pipeline.wakeup import INBOX
    from store.db import make_engine, make_sessionmaker

    url = db.url.render_as_string(hide_password=False)
    mine, theirs = make_engine(url), make_engine(url)
    wakeup = ListenWakeup(db.url)
    wakeup.ignore_own(mine)                   # before this process opens a connection
    try:
        assert wakeup.wait(0) is False
        with make_sessionmaker(mine).begin() as s:     # this process writes the outbox
            outbox.enqueue(s, touser="lisi", content="hi", now=clock())
        with theirs.begin() as conn:                   # another process takes in a callback
            conn.exec_driver_sql(_SQL, ("app:msg:1", "app", "lisi", "text", None, "{}",
                                        clock()))
        seen: set[str] = set()

        def inbox_seen() -> bool:
            if wakeup.wait(0.1):
                seen.update(wakeup.take())
            return INBOX in seen

        # NOTIFYs arrive in commit order: the inbox's comes after the outbox's.
        assert until(inbox_seen, timeout=30)
        assert seen == {INBOX}                    # the outbox write was this process's own
    finally:
        wakeup.close()
        mine.dispose()
        theirs.dispose()


def test_an_interrupt_ends_the_wait_and_names_no_work(db):
    wakeup = ListenWakeup(db.url)
    try:
        thread, woke = waiting(wakeup)
        wakeup.interrupt()                    # SIGTERM's handler: stop sleeping, nothing to do
        thread.join(30)
        assert woke == [True]
        assert wakeup.take() == set()
    finally:
        wakeup.close()
