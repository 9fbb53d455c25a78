"""A small in-process fixed-window limiter for the candidate pages.

In-process rather than in the database on purpose: a flood of requests must cost no writes
(a database-backed counter turns every refused request into a write, which is the load the
limit is there to stop), and the pages need no exact global count: the link is single-use
and every booking re-checks under row locks, so the limit only bounds scraping and guessing.
The price: with N web processes the effective limit is N times the figure below, and a
restart forgets the counts.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

MAX_KEYS = 20_000   # counters kept at most; expired windows are dropped first


class Limiter:
    """`allow(key)` is True while the key has made fewer than `limit` calls this window."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one call of `key`; False once the key is over its limit in this window."""
        now = self.clock()
        with self._lock:
            started, n = self._counts.get(key, (now, 0))
            if now - started >= self.window:
                started, n = now, 0
            if len(self._counts) >= MAX_KEYS and key not in self._counts:
                self._purge(now)
            self._counts[key] = (started, n + 1)
            return n < self.limit

    def _purge(self, now: float) -> None:
        live = {k: v for k, v in self._counts.items() if now - v[0] < self.window}
        if len(live) >= MAX_KEYS:     # all live: forget the oldest half rather than grow
            keep = sorted(live.items(), key=lambda kv: kv[1][0])[len(live) // 2:]
            live = dict(keep)
        self._counts = live
