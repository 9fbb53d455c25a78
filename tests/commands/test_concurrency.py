"""Two HR scheduling the same interviewer at the same moment: two real transactions on
PostgreSQL, through the real dispatch path (dedupe row, handler, outbox, commit).

The overlap check is wrapped so each transaction, once it has checked, waits until the other
one has checked too — or is visibly blocked on a row lock (pg_stat_activity). Without the
row locks both would check before either wrote, and both would win; with them the second
waits, then sees the first one's interview and is refused.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from bot.pipeline import outbox
from bot.wecom.messages import callback_xml, dedupe_key, parse_message, stored_form
from commands import interviews_repo
from store.hiring import Interview
from store.models import InboundMessage, OutboxMessage
from tests.commands.conftest import HR


def text_xml(user: str, content: str, msg_id: int) -> str:
    return callback_xml("ww", 1000002, user, "text", {"Content": content, "MsgId": str(msg_id)},
                        1764036000)


class Rendezvous:
    """After its overlap check, a transaction waits for the other's check or lock wait."""

    def __init__(self, engine, original):
        self.engine, self.original = engine, original
        self.checked = 0
        self.saw_lock_wait = False
        self.cond = threading.Condition()

    def _other_is_blocked(self) -> bool:
        with self.engine.connect() as c:
            return bool(c.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")))

    def conflicts(self, *args, **kwargs):
        result = self.original(*args, **kwargs)
        with self.cond:
            self.checked += 1
            self.cond.notify_all()
        deadline = time.monotonic() + 20   # only a guard against hanging the suite
        while True:
            with self.cond:
                if self.checked >= 2:
                    return result
                self.cond.wait(0.02)        # wake early when the other one checks
            if self._other_is_blocked():
                self.saw_lock_wait = True
                return result
            assert time.monotonic() < deadline, "the other transaction never showed up"


@pytest.mark.parametrize("panels", [("李四", "李四"), ("李四 王五", "王五 李四")],
                         ids=["same interviewer", "overlapping panels in opposite order"])
def test_two_hr_scheduling_the_same_interviewer_at_once_cannot_both_win(
        desk, services, monkeypatch, panels):
    desk.user("hr2", "hr", "刘洋")
    meet = Rendezvous(services.engine, interviews_repo.conflicts)
    monkeypatch.setattr(interviews_repo, "conflicts", meet.conflicts)
    messages = [(HR, f"安排 张三 明天下午3点 面试官 {panels[0]}", 8101),
                ("hr2", f"安排 赵敏 明天下午3点半 面试官 {panels[1]}", 8102)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send(user: str, content: str, msg_id: int) -> None:
        msg = parse_message(text_xml(user, content, msg_id))
        key = dedupe_key(msg)
        with services.sessions.begin() as s:   # the callback's row, as take_in writes it
            s.add(InboundMessage(dedupe_key=key, source="app", from_user=user,
                                 msg_type="text", status="pending", payload=stored_form(msg),
                                 received_at=services.clock()))
        barrier.wait()
        with services.sessions.begin() as s:   # two workers act on them at the same moment
            acted = services.dispatcher.act(s, key, msg, services.clock())
            outbox.deliver(s, acted.replies, sender=user, source_key=key, now=services.clock())
        outcomes.append(acted.outcome)

    threads = [threading.Thread(target=send, args=m) for m in messages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes == ["new", "new"]                 # neither failed (no deadlock)
    assert meet.saw_lock_wait                         # the second really waited on the lock
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interview)) == 1
        replies = {r.touser: r.content for r in s.scalars(
            select(OutboxMessage).where(OutboxMessage.touser.in_([HR, "hr2"])))}
    winner = "张三" if "已安排" in replies[HR] else "赵敏"
    loser = "hr2" if winner == "张三" else HR
    assert "已安排" in replies[HR if winner == "张三" else "hr2"]
    assert "时间冲突，未安排" in replies[loser] and "已有 #1" in replies[loser]
