"""Waking idle workers when there is work, instead of polling the database.

`Wakeup` wakes the worker of this process (the demo runs the web app and the worker in one).
`ListenWakeup` also wakes on PostgreSQL's NOTIFY: a trigger (migrations 0006, 0010) notifies
the channel when a row is inserted into the inbox, the outbox or the office jobs, so a callback
committed by any web process, or a reply written by any worker, wakes every idle worker at once.
The worker still looks on its own every few seconds (its fallback poll), so a lost notification
or a dropped LISTEN connection costs seconds, never a message.

A wake-up names the stages that have work (`take`), so a woken worker looks only there: a
callback costs one look at the inbox, not a look at the outbox and the office jobs too.
NOTIFYs from this process's own connections about the inbox and the outbox are not news
(`ignore_own`): what a worker writes there it goes on to handle in the same pass, or wakes
itself for locally.
"""
from __future__ import annotations

import logging
import os
import select
import threading
import weakref
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine

log = logging.getLogger(__name__)

CHANNEL = "interview_bot_work"   # the trigger in migrations/versions/0006_wakeup.py notifies it
LOCAL_POLL = 0.05     # seconds: with nothing but in-process wake-ups, look often
LISTEN_POLL = 5.0     # seconds: with NOTIFY, the poll is only a safety net

# The worker's stages, as a wake-up names them.
INBOX, OUTBOX, JOBS = "inbox", "outbox", "jobs"
EVERY = frozenset((INBOX, OUTBOX, JOBS))
# What the trigger's payload (the table written) means for the worker.
STAGE_OF_TABLE = {"inbound_messages": INBOX, "outbox": OUTBOX, "wecom_jobs": JOBS}
# An act goes on to the outbox in its own pass, but few commands queue office jobs: the jobs'
# own NOTIFY, even from this process, says when to look there, instead of a look per act.
OWN_ARE_NEWS = frozenset((JOBS,))


_OWN: weakref.WeakKeyDictionary[Engine, set[int]] = weakref.WeakKeyDictionary()


def own_backends(engine: Engine) -> set[int]:
    """The backend pids of `engine`'s open connections, kept up to date from its pool's events
    (registered once per engine, however many wake-ups ask)."""
    if engine not in _OWN:
        pids: set[int] = set()

        def remember(dbapi_conn: Any, record: Any) -> None:
            pid = getattr(getattr(dbapi_conn, "info", None), "backend_pid", None)
            if pid:
                record.info["backend_pid"] = pid
                pids.add(pid)

        def forget(dbapi_conn: Any, record: Any) -> None:
            pids.discard(record.info.pop("backend_pid", None))

        event.listen(engine, "connect", remember)
        event.listen(engine, "close", forget)
        _OWN[engine] = pids
    return _OWN[engine]


class Wakeup:
    """Wakes this process's worker; `poll` is how long it may sleep without being woken."""

    poll = LOCAL_POLL

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._woken: set[str] = set()

    def notify(self, *stages: str) -> None:
        """There may be work for these stages (all of them when none is named): stop waiting."""
        self._mark(stages or EVERY)
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a notify; True if one came."""
        woke = self._event.wait(timeout)
        self._event.clear()
        return woke

    def interrupt(self) -> None:
        """End a wait without naming work (safe in a signal handler: takes no lock here)."""
        self._event.set()

    def take(self) -> set[str]:
        """The stages named by the wake-ups since the last take, forgotten as they are taken."""
        with self._lock:
            woken, self._woken = self._woken, set()
        return woken

    def _mark(self, stages: frozenset[str] | tuple[str, ...]) -> None:
        with self._lock:
            self._woken.update(stages)

    def close(self) -> None:
        """Release what waiting holds (nothing here)."""


class ListenWakeup(Wakeup):
    """Wakes on a local notify or on a NOTIFY from any process, whichever comes first."""

    poll = LISTEN_POLL

    def __init__(self, url: URL):
        super().__init__()
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._own: set[int] = set()   # backend pids of this process's pooled connections
        self._pipe_r, self._pipe_w = os.pipe()   # a local notify interrupts select()
        os.set_blocking(self._pipe_r, False)
        os.set_blocking(self._pipe_w, False)

    def ignore_own(self, engine: Engine) -> None:
        """Take NOTIFYs sent from `engine`'s connections as no news (this process wrote it)."""
        self._own = own_backends(engine)

    def notify(self, *stages: str) -> None:
        """There may be work for these stages (all when none is named): stop waiting
        (from any thread of this process)."""
        self._mark(stages or EVERY)
        try:
            os.write(self._pipe_w, b"!")
        except BlockingIOError:   # the pipe is full of wake-ups already
            pass

    def interrupt(self) -> None:
        """End a wait without naming work (a signal handler's: one write, no lock)."""
        try:
            os.write(self._pipe_w, b"!")
        except (BlockingIOError, OSError):   # full of wake-ups already, or closed
            pass

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` s for a local notify or a NOTIFY on the channel."""
        conn = self._listening()
        sources = [self._pipe_r] + ([conn.fileno()] if conn is not None else [])
        # Without a LISTEN connection (database down) wait briefly and try again soon.
        ready, _, _ = select.select(sources, [], [], timeout if conn else min(timeout, 1.0))
        if self._pipe_r in ready:
            self._drain_pipe()
        if conn is not None and conn.fileno() in ready:
            try:
                # Consume what arrived (never blocks). An unknown payload wakes every stage.
                for n in conn.notifies(timeout=0):
                    stage = STAGE_OF_TABLE.get(n.payload)
                    if stage in OWN_ARE_NEWS or n.pid not in self._own:
                        self._mark((stage,) if stage else EVERY)
            except psycopg.Error:
                self._drop()
        return bool(ready)

    def _listening(self) -> psycopg.Connection[tuple[object, ...]] | None:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        try:
            self._conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=2)
            self._conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            log.warning("no LISTEN connection (%s); polling until it comes back",
                        type(exc).__name__)
            self._drop()
        return self._conn

    def _drain_pipe(self) -> None:
        try:
            while os.read(self._pipe_r, 4096):
                pass
        except BlockingIOError:
            pass

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:   # already broken
                pass

    def close(self) -> None:
        """Close the LISTEN connection and the pipe."""
        self._drop()
        for fd in (self._pipe_r, self._pipe_w):
            try:
                os.close(fd)
            except OSError:
                pass
