"""Waking idle workers when there is work, instead of polling the database.

`Wakeup` wakes the worker of this process (the demo runs the web app and the worker in one).
`ListenWakeup` also wakes on PostgreSQL's NOTIFY: a trigger (migration 0006) notifies the
channel when a row is inserted into the inbox or the outbox, so a callback committed by any
web process, or a reply written by any worker, wakes every idle worker at once. The worker
still looks on its own every few seconds (its fallback poll), so a lost notification or a
dropped LISTEN connection costs seconds, never a message.
"""
from __future__ import annotations

import logging
import os
import select
import threading

import psycopg
from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

CHANNEL = "interview_bot_work"   # the trigger in migrations/versions/0006_wakeup.py notifies it
LOCAL_POLL = 0.05     # seconds: with nothing but in-process wake-ups, look often
LISTEN_POLL = 5.0     # seconds: with NOTIFY, the poll is only a safety net


class Wakeup:
    """Wakes this process's worker; `poll` is how long it may sleep without being woken."""

    poll = LOCAL_POLL

    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        """There may be work: stop waiting."""
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a notify; True if one came."""
        woke = self._event.wait(timeout)
        self._event.clear()
        return woke

    def close(self) -> None:
        """Release what waiting holds (nothing here)."""


class ListenWakeup(Wakeup):
    """Wakes on a local notify or on a NOTIFY from any process, whichever comes first."""

    poll = LISTEN_POLL

    def __init__(self, url: URL):
        super().__init__()
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._pipe_r, self._pipe_w = os.pipe()   # a local notify interrupts select()
        os.set_blocking(self._pipe_r, False)
        os.set_blocking(self._pipe_w, False)

    def notify(self) -> None:
        """There may be work: stop waiting (from any thread of this process)."""
        try:
            os.write(self._pipe_w, b"!")
        except BlockingIOError:   # the pipe is full of wake-ups already
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
                for _ in conn.notifies(timeout=0):   # consume what arrived; never blocks
                    pass
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
