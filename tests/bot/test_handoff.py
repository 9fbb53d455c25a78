"""A reply goes from the act straight to the sender: claimed in the act's own transaction."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from bot.pipeline import outbox
from bot.pipeline.wakeup import INBOX
from store.models import OutboxMessage
from tests.support.pipeline import sibling
from tests.support.wait import until


def no_claims(monkeypatch) -> list[int]:
    """Make outbox.claim count its calls (and claim nothing)."""
    calls: list[int] = []

    def counting(*args, **kwargs):
        calls.append(1)
        return outbox.Claimed()

    monkeypatch.setattr(outbox, "claim", counting)
    return calls


def test_a_reply_is_sent_without_a_claim_of_its_own(services, wecom, fake_wecom, monkeypatch):
    wecom.after = None
    assert wecom.text("zhangsan", "帮助").status_code == 200
    claims = no_claims(monkeypatch)
    worker = services.make_worker()
    worker.tick(services.clock())                # heartbeat and ticks out of the way
    acted, more = worker.look({INBOX})           # woken for the inbox, and only for it
    assert acted == 1 and not more
    assert fake_wecom.messages_to("zhangsan")    # sent, though no claim ran
    assert claims == []
    with services.sessions() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.touser == "zhangsan")).one()
    assert (row.status, row.claimed_by, row.attempts) == ("sent", worker.worker_id, 1)


def test_a_member_whose_older_message_waits_gets_the_new_one_after_it(services, wecom,
                                                                       fake_wecom, clock):
    wecom.after = None
    with services.sessions.begin() as s:         # an older message, due in a minute
        outbox.enqueue(s, touser="zhangsan", content="first", now=clock(),
                       due_at=clock() + timedelta(minutes=1))
    assert wecom.text("zhangsan", "帮助").status_code == 200
    acted, left = services.pipeline.act_and_send()
    assert acted == 1 and left                   # not handed over: the member's turn is later
    assert fake_wecom.messages_to("zhangsan") == []
    clock.advance(minutes=1)
    services.make_worker().drain()
    sent = fake_wecom.messages_to("zhangsan")
    assert sent[0] == "first" and len(sent) == 2  # in the order they were written


def test_with_no_free_slot_the_reply_waits_for_a_claim(services, wecom, fake_wecom):
    wecom.after = None
    svc = services.pipeline
    assert wecom.text("zhangsan", "帮助").status_code == 200
    busy = svc.sender.config.concurrency
    for _ in range(busy):                        # every slot taken by a send in flight
        svc.sender._slots.acquire()
    try:
        acted, left = svc.act_and_send()
    finally:
        for _ in range(busy):
            svc.sender._slots.release()
    assert acted == 1 and left
    with services.sessions() as s:
        assert s.scalar(select(OutboxMessage.status)
                        .where(OutboxMessage.touser == "zhangsan")) == "pending"
    services.make_worker().drain()
    assert fake_wecom.messages_to("zhangsan")


def test_a_slow_tick_does_not_hold_up_a_message(services, wecom, fake_wecom):
    """The clock runs on a thread of its own: a directory sync stuck on a slow API call
    (here: held until the message is through) does not stop the loop."""
    wecom.after = None
    stuck, release = threading.Event(), threading.Event()

    def slow_tick(now):
        stuck.set()
        release.wait(60)

    svc = sibling(services, fake_wecom)
    worker = svc.make_worker(poll_interval=0.05)
    worker.ticks = (slow_tick,)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert stuck.wait(30)                    # the tick is running, and stays stuck
        assert wecom.text("zhangsan", "帮助").status_code == 200
        assert until(lambda: fake_wecom.messages_to("zhangsan"), timeout=30)
        assert not release.is_set()
    finally:
        release.set()
        stop.set()
        thread.join(30)
        svc.close()
