"""Two HR tapping the same free slot of one interviewer at the same moment: two real
transactions on PostgreSQL through the real dispatch path. The tap locks the panel's rows
before it checks, so the second waits, sees the first's booking and gets a fresh card."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from bot.pipeline import outbox
from bot.wecom.messages import dedupe_key, parse_message, stored_form
from commands import interviews_repo
from store.hiring import Interview
from store.models import InboundMessage, OutboxMessage
from tests.commands.conftest import HR
from tests.commands.test_concurrency import Rendezvous, text_xml
from tests.commands.test_findtime import card_of, keys


def test_two_hr_taking_the_same_slot_at_once_book_it_once(desk, services, monkeypatch):
    desk.user("hr2", "hr", "刘洋")
    taps = [(HR, keys(card_of(desk.say(HR, "找时间 张三 面试官 李四 明天")))[0], 8301),
            ("hr2", keys(card_of(desk.say("hr2", "找时间 赵敏 面试官 李四 明天")))[0], 8302)]
    meet = Rendezvous(services.engine, interviews_repo.conflicts)
    monkeypatch.setattr(interviews_repo, "conflicts", meet.conflicts)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send(user: str, content: str, msg_id: int) -> None:
        msg = parse_message(text_xml(user, content, msg_id))
        key = dedupe_key(msg)
        with services.sessions.begin() as s:
            s.add(InboundMessage(dedupe_key=key, source="app", from_user=user,
                                 msg_type="text", status="pending", payload=stored_form(msg),
                                 received_at=services.clock()))
        barrier.wait()
        with services.sessions.begin() as s:
            acted = services.dispatcher.act(s, key, msg, services.clock())
            outbox.deliver(s, acted.replies, sender=user, source_key=key, now=services.clock())
        outcomes.append(acted.outcome)

    threads = [threading.Thread(target=send, args=t) for t in taps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes == ["new", "new"]
    assert meet.saw_lock_wait
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interview)) == 1
        replies = [r.content for r in s.scalars(
            select(OutboxMessage).where(OutboxMessage.touser.in_([HR, "hr2"])))]
    assert sum("已安排 #1" in r for r in replies) == 1
    assert sum("已不可用（李四 时间冲突），未安排" in r for r in replies) == 1
