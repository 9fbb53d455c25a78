"""gunicorn workers that give every request a deadline, so a slow client cannot hold one.

A client that sends its headers or body a byte at a time keeps gunicorn's parser (or our
view's request.get_data()) blocked in recv(); a sync worker is then a whole process lost, and
gunicorn's own timeout only kills the worker, every request on it included. Here a watcher
thread shuts down the reading side of any connection still being served READ_DEADLINE seconds
after its request began: the blocked recv() returns at once, that request ends (a truncated
body fails its signature: 400), and the thread or process is free again. A real callback is
read in milliseconds and answered within WeCom's 5 s (database waits are bounded at 1.5 s,
store.db.INBOX_LIMITS), so the deadline never touches one.

DeadlineThreadWorker (gthread, the default in config/gunicorn.conf.py): connections that have
sent nothing wait in gunicorn's poller without a thread, and one that trickles holds one of
`threads` threads for at most READ_DEADLINE. DeadlineSyncWorker: the same for sync workers, for
use behind a buffering proxy (config/nginx-site.conf), where no slow client ever reaches us.
"""
from __future__ import annotations

import socket
import threading
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

READ_DEADLINE = 5.0   # seconds from a request's start to its end, reading included
_TICK = 0.25


class _Deadlines:
    """Sockets being served, each with the moment its reading side is shut down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, tuple[float, socket.socket]] = {}
        self._watcher: threading.Thread | None = None

    def start(self) -> None:
        """Start the watcher (in the worker process, after the fork)."""
        self._watcher = threading.Thread(target=self._watch, name="read-deadline", daemon=True)
        self._watcher.start()

    def add(self, sock: socket.socket) -> int:
        """Serve `sock` from now, until READ_DEADLINE."""
        key = id(sock)
        with self._lock:
            self._open[key] = (time.monotonic() + READ_DEADLINE, sock)
        return key

    def done(self, key: int) -> None:
        """The request is over."""
        with self._lock:
            self._open.pop(key, None)

    def _watch(self) -> None:
        while True:
            time.sleep(_TICK)
            now = time.monotonic()
            with self._lock:
                late = [(k, s) for k, (end, s) in self._open.items() if end < now]
                for k, _ in late:
                    del self._open[k]
            for _, sock in late:
                try:   # wakes a recv() blocked in another thread; writing still works
                    sock.shutdown(socket.SHUT_RD)
                except OSError:   # already closed by the client or by gunicorn
                    pass


class DeadlineThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gthread with a per-request deadline (see the module docstring)."""

    def init_process(self) -> None:
        """Start the deadline watcher, then gunicorn's own loop (which never returns)."""
        self.deadlines = _Deadlines()
        self.deadlines.start()
        super().init_process()

    def handle(self, conn: Any) -> Any:
        """gunicorn's handling of one request, bounded by READ_DEADLINE."""
        key = self.deadlines.add(conn.sock)
        try:
            return super().handle(conn)
        finally:
            self.deadlines.done(key)


class DeadlineSyncWorker(SyncWorker):  # type: ignore[misc]
    """The sync worker with a per-request deadline (see the module docstring)."""

    def init_process(self) -> None:
        """Start the deadline watcher, then gunicorn's own loop (which never returns)."""
        self.deadlines = _Deadlines()
        self.deadlines.start()
        super().init_process()

    def handle(self, listener: Any, client: socket.socket, addr: Any) -> None:
        """gunicorn's handling of one request, bounded by READ_DEADLINE."""
        key = self.deadlines.add(client)
        try:
            super().handle(listener, client, addr)
        finally:
            self.deadlines.done(key)
