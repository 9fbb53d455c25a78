"""The worker process's loop: heartbeat, the clock's ticks, then act and deliver until stopped.

Everything it does is a stage of the Pipeline or a tick; the loop only decides when to look,
and where: at a stage that says it has more, at the stages a wake-up names, or everywhere after
the poll interval (and at every tick). A message's way is one look at the inbox, whose act goes
straight on to the outbox in the same pass; nothing looks where nothing was written.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from bot.pipeline.flow import ACT_BATCH, Pipeline
from bot.pipeline.wakeup import EVERY, INBOX, JOBS, OUTBOX
from store.db import Sessions, is_postgres
from store.models import WorkerHeartbeat
from store.sql import insert_ignore

log = logging.getLogger(__name__)

# Every 15 s, not 5: with NOTIFY waking the worker for messages, the heartbeat and the clock's
# six short transactions were most of an idle worker's commits (issue 14: aim <= 2 a second).
# Reminders and agendas are "due or past", so a tick up to 15 s late sends them 15 s late.
HEARTBEAT_EVERY = timedelta(seconds=15)
WORKER_STALE_AFTER = 60  # seconds without a heartbeat before a worker counts as down
FAILED_STEP_PAUSE = 1.0   # seconds between steps while the database is unreachable
STILL_FAILING_EVERY = 60.0   # seconds between the one-line reminders of an ongoing failure
MIN_WAIT = 0.05           # seconds: the shortest idle sleep
# A sleep until the next tick may end a hair early (select's rounding, two clocks): a tick
# that due counts as due, or the worker would look once more 50 ms later, for nothing.
TICK_SLACK = timedelta(seconds=MIN_WAIT)

# A tick runs every HEARTBEAT_EVERY with the current time (reminders, name sync).
Tick = Callable[[datetime], None]
# A step runs on every pass with the current time and returns the work it did.
Step = Callable[[datetime], int]


class Failures:
    """The log of a run of failures of one activity (the loop's look, the clock's tick), which
    retries every second while the database is down: the first failure with its traceback,
    then one line a minute while it lasts, then one when it works again, instead of a
    traceback a second."""

    def __init__(self, what: str, every: float = STILL_FAILING_EVERY,
                 clock: Callable[[], float] = time.monotonic):
        self.what, self.every, self._clock = what, every, clock
        self.count = 0
        self._since = self._told = 0.0

    def failed(self, exc: BaseException) -> None:
        """Log this failure as its run calls for (call from the except clause)."""
        now = self._clock()
        self.count += 1
        if self.count == 1:
            self._since = self._told = now
            log.exception("%s failed", self.what)
        elif now - self._told >= self.every:
            self._told = now
            log.error("%s still failing: %d times in %.0f s, now %s", self.what, self.count,
                      now - self._since, type(exc).__name__)

    def ok(self) -> None:
        """It worked: end the run, saying so if there was one."""
        if self.count:
            log.warning("%s works again after %d failures in %.0f s", self.what, self.count,
                        self._clock() - self._since)
            self.count = 0


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
        # On PostgreSQL `run` keeps time on a thread of its own (heartbeat and ticks), so a
        # tick's transactions and directory calls never hold up a message in the loop.
        self._apart = False
        self._time_moved = threading.Event()

    def wake(self) -> None:
        """Ask the loop to look for work now (the demo's clock moved, a commit in-process)."""
        self._time_moved.set()
        self.pipeline.wakeup.notify()

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set."""
        concurrency = self.pipeline.sender.config.concurrency
        log.info("worker %s started (concurrency %d)", self.worker_id, concurrency)
        wakeup = self.pipeline.wakeup
        # SQLite (the demo) has one writer at a time: there the ticks stay in the loop.
        self._apart = is_postgres(self.sessions.kw["bind"])
        keeper = threading.Thread(target=self._keep_time, args=(stop,), name="clock",
                                  daemon=True)
        if self._apart:
            keeper.start()
        with ThreadPoolExecutor(concurrency, thread_name_prefix="send") as pool:
            stages: set[str] = set(EVERY)
            failures = Failures("worker step")
            while not stop.is_set():
                try:
                    _, more = self.look(stages, pool)
                except Exception as exc:  # the database may be down: keep going, it comes back
                    failures.failed(exc)
                    # After a failure wait a second, then look everywhere: what the failed
                    # look was to do is still to do.
                    wakeup.wait(FAILED_STEP_PAUSE)
                    wakeup.take()
                    stages = set(EVERY)
                    continue
                failures.ok()
                # More work where a stage said so, at once; wake-ups that came meanwhile are
                # picked up on the way. Idle: sleep until one names a stage, or look everywhere.
                woke = wakeup.wait(0 if more else self.idle_wait())
                stages = more | wakeup.take() if woke else more or set(EVERY)
        if keeper.is_alive():
            self._time_moved.set()
            keeper.join()
        log.info("worker %s stopped", self.worker_id)

    def _keep_time(self, stop: threading.Event) -> None:
        """The clock thread: heartbeat and ticks when due, then a look everywhere."""
        failures = Failures("worker tick")
        while not stop.is_set():
            now = self.clock()
            if self._tick_due(now):
                try:
                    self.tick(now)
                    failures.ok()
                except Exception as exc:  # the database may be down: the next tick tries again
                    failures.failed(exc)
                # A tick may have written anything (reminders, digests): look everywhere.
                self.pipeline.wakeup.notify()
            # A second at most: a clock moved by hand (the demo) is seen soon even unannounced.
            wait = HEARTBEAT_EVERY - (now - (self._last_beat or now))
            self._time_moved.wait(min(1.0, max(MIN_WAIT, wait.total_seconds())))
            self._time_moved.clear()

    def _tick_due(self, now: datetime) -> bool:
        return self._last_beat is None or now - self._last_beat >= HEARTBEAT_EVERY - TICK_SLACK

    def tick(self, now: datetime) -> None:
        """The heartbeat, then every tick (reminders, name sync)."""
        self._beat(now)
        for tick in self.ticks:
            tick(now)

    def idle_wait(self) -> float:
        """How long to sleep with nothing to do: until a wake-up, the next due outbox row,
        the next tick, or the poll interval, whichever comes first."""
        now, wait = self.clock(), self.poll_interval
        due = self.pipeline.sender.next_due
        if due is not None:
            wait = min(wait, (due - now).total_seconds())
        if self._last_beat is not None and not self._apart:
            wait = min(wait, (self._last_beat + HEARTBEAT_EVERY - now).total_seconds())
        # Never a hot loop: rows due but held behind a member's send in flight wait for it.
        return max(wait, MIN_WAIT)

    def step(self, pool: ThreadPoolExecutor | None = None) -> int:
        """One pass everywhere: heartbeat and ticks when due, act, office jobs, deliver.
        Returns the work done."""
        return self.look(set(EVERY), pool)[0]

    def look(self, stages: set[str],
             pool: ThreadPoolExecutor | None = None) -> tuple[int, set[str]]:
        """One pass over `stages` (every stage when a tick is due); returns the work done and
        the stages that may have more right now."""
        now = self.clock()
        stages = set(stages)
        if not self._apart and self._tick_due(now):
            self.tick(now)   # reminders and digests: they write to the outbox
            stages = set(EVERY)
        more: set[str] = set()
        done = 0
        if INBOX in stages:
            # The replies go straight to the sender; the outbox is looked at only for what
            # was left there (office jobs an act queued say so themselves: NOTIFY).
            acted, left = self.pipeline.act_and_send(pool)
            if acted >= ACT_BATCH:
                more.add(INBOX)
            if left:
                stages.add(OUTBOX)
            done += acted
        if JOBS in stages and self.steps:
            ran = sum(step(now) for step in self.steps)
            if ran:   # a job's outcome may be a message; a full batch may leave more
                stages.add(OUTBOX)
                more.add(JOBS)
            done += ran
        if OUTBOX in stages:
            # The sender wakes the loop itself when a send ends and more may be claimable.
            done += self.pipeline.deliver(pool)
        return done, more

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
