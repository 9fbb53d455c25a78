"""Two HR picking from the same pool at the same moment: two real transactions on PostgreSQL
through the real dispatch path. The pool members' rows are locked before anyone is counted,
so the second waits, sees the first's booking, and picks the other two: nobody is overbooked
and neither is refused."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from bot.pipeline import outbox
from bot.wecom.messages import dedupe_key, parse_message, stored_form
from commands import interviews_repo
from store.hiring import Interview, Panelist
from store.models import InboundMessage, OutboxMessage
from tests.commands.conftest import HR
from tests.commands.test_concurrency import Rendezvous, text_xml


def test_two_hr_picking_from_one_pool_at_once_get_disjoint_panels(desk, services, monkeypatch):
    desk.user("hr2", "hr", "刘洋")
    desk.user("chenjing", "interviewer", "陈静")
    desk.ask(HR, "面试官池 后端 李四 王五 赵六 陈静")
    meet = Rendezvous(services.engine, interviews_repo.conflicts)
    monkeypatch.setattr(interviews_repo, "conflicts", meet.conflicts)
    messages = [(HR, "安排 张三 明天下午3点 面试官 后端池×2", 8201),
                ("hr2", "安排 赵敏 明天下午3点半 面试官 后端池×2", 8202)]
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

    threads = [threading.Thread(target=send, args=m) for m in messages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes == ["new", "new"]
    assert meet.saw_lock_wait                         # the second really waited on the lock
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interview)) == 2
        panels = [set(s.scalars(select(Panelist.user_id).where(Panelist.interview_id == i)))
                  for i in (1, 2)]
        replies = {r.touser: r.content for r in s.scalars(
            select(OutboxMessage).where(OutboxMessage.touser.in_([HR, "hr2"])))}
    assert len(panels[0]) == len(panels[1]) == 2 and not panels[0] & panels[1]
    assert "已安排" in replies[HR] and "已安排" in replies["hr2"]
