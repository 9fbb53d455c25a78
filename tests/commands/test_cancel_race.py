"""Issue 12: nothing is sent about a cancelled interview after its cancellation, even when a
sender had already claimed the message (real PostgreSQL, the real sender, the fake WeCom API)."""
from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select, update

from bot.pipeline import outbox
from bot.services import build
from store.hiring import Interview
from store.models import OutboxMessage
from tests.commands.conftest import HR, LISI, WANGWU
from tests.commands.test_states import PLAN, at, tick


def reminders_queued(desk) -> None:
    """#1 tomorrow 15:00 with 李四 and 王五, both accepted; the clock queues the 60 min reminders."""
    desk.ask(HR, PLAN)
    desk.ask(LISI, "接受 #1")
    desk.ask(WANGWU, "接受 #1")
    at(desk, 2026, 11, 26, 14, 0)
    tick(desk)


def claim(desk, worker_id: str) -> list[OutboxMessage]:
    rows = outbox.claim(desk.sessions, worker_id=worker_id, now=desk.clock(), limit=8)
    assert {r.touser for r in rows if r.dedupe_key.startswith("remind:1:")} == {LISI, WANGWU}
    return rows


def reminders_to(fake, userid: str) -> list[str]:
    return [m for m in fake.messages_to(userid) if m.startswith("⏰")]


def statuses(desk) -> dict[str, str]:
    with desk.sessions() as s:
        return {r.touser: r.status for r in s.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.like("remind:1:%")))}


def test_claimed_reminders_go_out_when_nothing_changes(desk, services, fake_wecom):
    reminders_queued(desk)
    sender = services.pipeline.sender
    for row in claim(desk, sender.worker_id):
        sender.send(row)
    assert len(reminders_to(fake_wecom, LISI)) == len(reminders_to(fake_wecom, WANGWU)) == 1
    assert statuses(desk) == {LISI: "sent", WANGWU: "sent"}


def test_a_reminder_claimed_then_cancelled_is_never_sent(desk, services, fake_wecom):
    reminders_queued(desk)
    sender = services.pipeline.sender
    rows = claim(desk, sender.worker_id)
    assert "已取消 #1" in desk.confirm(HR, desk.ask(HR, "取消 #1"))
    for row in rows:                      # the send attempts come after the cancellation
        sender.send(row)
    assert reminders_to(fake_wecom, LISI) == reminders_to(fake_wecom, WANGWU) == []
    assert statuses(desk) == {LISI: "void", WANGWU: "void"}


def test_a_reminder_claimed_then_rescheduled_is_not_sent_with_the_old_time(desk, services,
                                                                         fake_wecom):
    reminders_queued(desk)
    sender = services.pipeline.sender
    rows = claim(desk, sender.worker_id)
    assert "16:00" in desk.ask(HR, "改期 #1 今天下午4点")
    for row in rows:
        sender.send(row)
    assert reminders_to(fake_wecom, LISI) == reminders_to(fake_wecom, WANGWU) == []
    assert statuses(desk) == {LISI: "void", WANGWU: "void"}


def test_the_sender_rechecks_the_interview_itself_before_sending(desk, services, fake_wecom):
    # A writer that changed the interview without voiding its queue (none does today; this is
    # the second line): the check under the row's lock still sees the interview is off.
    reminders_queued(desk)
    sender = services.pipeline.sender
    rows = claim(desk, sender.worker_id)
    with desk.sessions.begin() as s:
        s.execute(update(Interview).where(Interview.id == 1).values(status="cancelled"))
    for row in rows:
        sender.send(row)
    assert reminders_to(fake_wecom, LISI) == reminders_to(fake_wecom, WANGWU) == []
    assert statuses(desk) == {LISI: "void", WANGWU: "void"}


def test_a_cancel_during_a_send_neither_waits_for_it_nor_lets_a_later_one_out(
        desk, db, settings, clock, fake_wecom):
    # 李四's reminder is in WeCom's hands (its row locked) when HR confirms the cancel: the
    # cancel leaves that row alone rather than wait, and voids 王五's, claimed but not yet sent.
    inner = fake_wecom.transport()
    said: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/message/send") and not said and \
                b'"touser":"lisi"' in request.content.replace(b" ", b""):
            said.append(desk.confirm(HR, desk.ask(HR, "取消 #1")))
        return inner.handle_request(request)

    svc: Any = build(settings, transport=httpx.MockTransport(handler), clock=clock, engine=db)
    try:
        reminders_queued(desk)
        sender = svc.pipeline.sender
        rows = sorted(claim(desk, sender.worker_id), key=lambda r: r.touser != LISI)
        for row in rows:
            sender.send(row)
    finally:
        svc.client.close()
    assert said and "已取消 #1" in said[0]
    assert len(reminders_to(fake_wecom, LISI)) == 1       # begun before the cancel committed
    assert reminders_to(fake_wecom, WANGWU) == []
    assert statuses(desk) == {LISI: "sent", WANGWU: "void"}


def test_an_agenda_naming_a_cancelled_interview_is_not_sent(desk, services, fake_wecom):
    # 李四's agenda and HR's summary list #2; 王五's lists only #1 and still goes out.
    desk.ask(HR, PLAN)
    desk.ask(HR, "安排 赵敏 明天上午11点 面试官 李四")
    for who, iid in ((LISI, 1), (LISI, 2), (WANGWU, 1)):
        desk.ask(who, f"接受 #{iid}")
    at(desk, 2026, 11, 26, 9, 0)
    tick(desk)
    sender = services.pipeline.sender
    rows = outbox.claim(desk.sessions, worker_id=sender.worker_id, now=desk.clock(), limit=8)
    assert sorted(r.dedupe_key.split(":")[0] for r in rows) == ["agenda", "agenda", "agenda-hr"]
    assert "已取消 #2" in desk.confirm(HR, desk.ask(HR, "取消 #2"))
    for row in rows:
        sender.send(row)
    assert fake_wecom.messages_to(LISI) == fake_wecom.messages_to(HR) == []
    [agenda] = fake_wecom.messages_to(WANGWU)
    assert "#1 " in agenda and "#2 " not in agenda
    with desk.sessions() as s:
        assert {r.touser: r.status for r in s.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("agenda%")))} == {LISI: "void", HR: "void",
                                                            WANGWU: "sent"}
