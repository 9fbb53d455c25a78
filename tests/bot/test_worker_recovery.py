"""A worker keeps working after its database comes back."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError

from bot.pipeline import outbox


def test_a_failed_claim_gives_its_send_slots_back(services, fake_wecom, clock, monkeypatch):
    worker = services.make_worker(concurrency=4)
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


def test_the_run_loop_pauses_after_a_failed_step(services, monkeypatch):
    worker = services.make_worker(concurrency=1)
    calls = []

    def failing_step(pool=None):
        calls.append(1)
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(worker, "step", failing_step)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    stop.wait(0.5)
    stop.set()
    worker.wake()
    thread.join(5)
    assert 1 <= len(calls) <= 2      # not one step every 50 ms
