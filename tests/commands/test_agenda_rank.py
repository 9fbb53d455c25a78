"""The 09:00 rush: agendas and HR's digest rank by their first interview, and go out in that order."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.pipeline import outbox as box
from bot.pipeline.clock import ReminderClock
from commands.replies import Reply
from store.models import OutboxMessage
from tests.commands.conftest import HR, LISI, WANGWU

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)


def test_agendas_due_at_nine_are_claimed_earliest_interview_first(desk):
    # Wang Wu's interview is scheduled first but starts last; HR's digest starts with the 14:00.
    desk.say(HR, "安排 张三 明天下午3点 面试官 王五")
    desk.say(HR, "安排 赵敏 明天下午2点 面试官 李四")
    with desk.sessions.begin() as s:   # the scheduling notices went out yesterday
        s.execute(update(OutboxMessage).values(status="sent", sent_at=desk.clock()))
    desk.clock.now = at(2026, 11, 26, 9, 0)
    ReminderClock(desk.sessions, "Asia/Shanghai")(desk.clock())
    with desk.sessions.begin() as s:   # leave only the 09:00 digests (not reminders, warnings)
        s.execute(update(OutboxMessage).where(~OutboxMessage.dedupe_key.like("agenda%"),
                                              OutboxMessage.status == "pending")
                  .values(status="void"))
    got = box.claim(desk.sessions, worker_id="w", now=desk.clock(), limit=10)
    order = [(r.touser, r.dedupe_key.split(":")[0]) for r in got]
    two, three = at(2026, 11, 26, 14, 0), at(2026, 11, 26, 15, 0)
    assert [r.rank_at for r in got] == [two, two, three]
    assert order[2] == (WANGWU, "agenda")
    assert sorted(order[:2]) == sorted([(LISI, "agenda"), (HR, "agenda-hr")])


def test_a_tick_queues_every_agenda_not_just_fourteen(desk):
    # deliver()'s cap on messages to others is for one inbound message; at 09:00 a large
    # company has thousands of agendas in one tick, and each must be queued.
    replies = [Reply(f"agenda {i}", to=f"u{i}", dedupe_key=f"agenda:{i}:2026-11-26")
               for i in range(box.MAX_TO_OTHERS * 3)]
    with desk.sessions.begin() as s:
        ReminderClock._write(s, replies, desk.clock())
    with desk.sessions() as s:
        queued = s.scalars(select(OutboxMessage.touser)
                           .where(OutboxMessage.dedupe_key.like("agenda:%"))).all()
    assert sorted(queued) == sorted(f"u{i}" for i in range(box.MAX_TO_OTHERS * 3))
