"""The worker process's loop: heartbeat, the clock's ticks, then act and deliver until stopped.

Everything it does is a stage of the Pipeline or a tick; the loop only decides when to look
for work: at once after work was found, on a wake-up, or after the poll interval.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from bot.pipeline.flow import Pipeline
from store.db import Sessions
from store.models import WorkerHeartbeat
from store.sql import insert_ignore

log = logging.getLogger(__name__)

# Every 15 s, not 5: with NOTIFY waking the worker for messages, the heartbeat and the clock's
# six short transactions were most of an idle worker's commits (issue 14: aim <= 2 a second).
# Reminders and agendas are "due or past", so a tick up to 15 s late sends them 15 s late.
HEARTBEAT_EVERY = timedelta(seconds=15)
WORKER_STALE_AFTER = 60  # seconds without a heartbeat before a worker counts as down
FAILED_STEP_PAUSE = 1.0   # seconds between steps while the database is unreachable
MIN_WAIT = 0.05           # seconds: the shortest idle sleep
# A sleep until the next tick may end a hair early (select's rounding, two clocks): a tick
# that due counts as due, or the worker would look once more 50 ms later, for nothing.
TICK_SLACK = timedelta(seconds=MIN_WAIT)

# A tick runs every HEARTBEAT_EVERY with the current time (reminders, name sync).
Tick = Callable[[datetime], None]
# A step runs on every pass with the current time and returns the work it did.
Step = Callable[[datetime], int]


class Worker:
    """Runs the pipeline's act and deliver stages and the periodic ticks."""

    def __init__(self, pipeline: Pipeline, ticks: Sequence[Tick], *,
                 sessions: Sessions, clock: Callable[[], datetime],
                 poll_interval: float = 0.05, steps: Sequence[Step] = ()):
        self.pipeline, self.ticks = pipeline, tuple(ticks)
        self.steps = tuple(steps)   # other durable queues (WeCom office jobs), after act
        self.sessions, self.clock, self.poll_interval = sessions, clock, poll_interval
        self.worker_id = pipeline.worker_id
        self._last_beat: datetime | None = None

    def wake(self) -> None:
        """Ask the loop to look for work now (the demo's clock moved, a commit in-process)."""
        self.pipeline.wakeup.notify()

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set."""
        concurrency = self.pipeline.sender.config.concurrency
        log.info("worker %s started (concurrency %d)", self.worker_id, concurrency)
        with ThreadPoolExecutor(concurrency, thread_name_prefix="send") as pool:
            while not stop.is_set():
                try:
                    busy = self.step(pool)
                except Exception:  # the database may be down: keep going, it comes back
                    log.exception("worker step failed")
                    busy = -1
                if busy < 0:   # after a failure wait a second: one traceback, not twenty
                    self.pipeline.wakeup.wait(FAILED_STEP_PAUSE)
                elif busy == 0:
                    self.pipeline.wakeup.wait(self.idle_wait())
        log.info("worker %s stopped", self.worker_id)

    def idle_wait(self) -> float:
        """How long to sleep with nothing to do: until a wake-up, the next due outbox row,
        the next tick, or the poll interval, whichever comes first."""
        now, wait = self.clock(), self.poll_interval
        due = self.pipeline.sender.next_due
        if due is not None:
            wait = min(wait, (due - now).total_seconds())
        if self._last_beat is not None:
            wait = min(wait, (self._last_beat + HEARTBEAT_EVERY - now).total_seconds())
        # Never a hot loop: rows due but held behind a member's send in flight wait for it.
        return max(wait, MIN_WAIT)

    def step(self, pool: ThreadPoolExecutor | None = None) -> int:
        """One pass: heartbeat and ticks when due, act, deliver. Returns the work done."""
        now = self.clock()
        if self._last_beat is None or now - self._last_beat >= HEARTBEAT_EVERY - TICK_SLACK:
            self._beat(now)
            for tick in self.ticks:
                tick(now)
        acted = self.pipeline.act()
        acted += sum(step(now) for step in self.steps)
        return acted + self.pipeline.deliver(pool)

    def drain(self, max_steps: int = 1000) -> None:
        """Act on the inbox and send everything due now, synchronously (tests, `simulate`)."""
        for _ in range(max_steps):
            if not self.step():
                return

    def _beat(self, now: datetime) -> None:
        self._last_beat = now
        with self.sessions.begin() as s:
            if not insert_ignore(s, WorkerHeartbeat, {"worker_id": self.worker_id,
                                                      "beat_at": now}, ("worker_id",)):
                s.get(WorkerHeartbeat, self.worker_id).beat_at = now  # type: ignore[union-attr]
