"""A worker keeps working after its database comes back."""
from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy.exc import OperationalError

from bot.pipeline import outbox
from bot.pipeline.wakeup import Wakeup
from bot.pipeline.worker import FAILED_STEP_PAUSE
from tests.support.pipeline import sibling


def test_a_failed_claim_gives_its_send_slots_back(services, fake_wecom, clock, monkeypatch):
    worker = sibling(services, fake_wecom, concurrency=4).make_worker()
    real_claim = outbox.claim

    def database_down(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(outbox, "claim", database_down)
    for _ in range(3):
        with pytest.raises(OperationalError):
            worker.step()
    monkeypatch.setattr(outbox, "claim", real_claim)
    with services.sessions.begin() as s:
        outbox.enqueue(s, touser="lisi", content="after the outage", now=clock())
    worker.drain()
    assert fake_wecom.messages_to("lisi") == ["after the outage"]


class RecordingWakeup(Wakeup):
    """Records how long the loop asked to wait, and stops it after `rounds` waits."""

    def __init__(self, stop: threading.Event, rounds: int):
        super().__init__()
        self.stop, self.rounds, self.waits = stop, rounds, []

    def wait(self, timeout: float) -> bool:
        self.waits.append(timeout)
        if len(self.waits) >= self.rounds:
            self.stop.set()
        return False


def test_the_run_loop_pauses_after_a_failed_step(services, fake_wecom, monkeypatch):
    stop = threading.Event()
    svc = sibling(services, fake_wecom, concurrency=1)
    svc.pipeline = replace(svc.pipeline, wakeup=RecordingWakeup(stop, rounds=3))
    worker = svc.make_worker(poll_interval=0.05)

    def failing_look(stages, pool=None):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(worker, "look", failing_look)
    worker.run(stop)
    # After each failure the loop waits the long pause, not the 50 ms poll.
    assert svc.pipeline.wakeup.waits == [FAILED_STEP_PAUSE] * 3


def test_the_run_loop_polls_briefly_when_idle(services, fake_wecom):
    stop = threading.Event()
    svc = sibling(services, fake_wecom, concurrency=1)
    svc.pipeline = replace(svc.pipeline, wakeup=RecordingWakeup(stop, rounds=2))
    svc.make_worker(poll_interval=0.05).run(stop)
    assert svc.pipeline.wakeup.waits == [0.05, 0.05]


def test_a_run_of_failures_logs_one_traceback_then_a_line_a_minute_then_the_recovery(caplog):
    from bot.pipeline.worker import Failures

    now = [100.0]
    failures = Failures("worker tick", every=60.0, clock=lambda: now[0])
    caplog.set_level("INFO", logger="bot.pipeline.worker")
    for _ in range(150):                       # the database is down for 150 s, a try a second
        try:
            raise OperationalError("SELECT", {}, Exception("connection refused"))
        except OperationalError as exc:
            failures.failed(exc)
        now[0] += 1.0
    failures.ok()
    failures.ok()                              # a success with no failures before says nothing
    records = [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert records == [
        ("ERROR", "worker tick failed", True),
        ("ERROR", "worker tick still failing: 61 times in 60 s, now OperationalError", False),
        ("ERROR", "worker tick still failing: 121 times in 120 s, now OperationalError", False),
        ("WARNING", "worker tick works again after 150 failures in 150 s", False),
    ]
