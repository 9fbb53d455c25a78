"""Issue 17 (6): one message cannot fan out into dozens.

Before: a decline with a 60,004-character reason sent HR 89 message parts and used up HR's
per-member quota (the stored note was cut to 500 characters; the notification was not).
"""
from __future__ import annotations

from bot.pipeline.outbox import MAX_TO_OTHERS, TEXT_LIMIT
from commands.context import Reply
from commands.router import FIELD_LIMIT, MESSAGE_LIMIT, Router
from store.models import OutboxMessage
from tests.support.rows import rows


def _interview(wecom, services):
    from bot.admin import set_role

    set_role(services.sessions, "wangfang", "hr", services.clock(), "王芳")
    set_role(services.sessions, "lisi", "interviewer", services.clock(), "李四")
    wecom.text("wangfang", "安排 张三 明天下午3点 面试官 李四")
    with services.sessions.begin() as s:
        s.query(OutboxMessage).delete()


def test_a_huge_decline_reason_is_refused_and_hr_hears_nothing(wecom, services):
    _interview(wecom, services)
    for reason in ("x" * 60_000, "因" * (FIELD_LIMIT + 1)):
        wecom.text("lisi", f"拒绝 #1 {reason}")
    assert rows(services, OutboxMessage, touser="wangfang") == []
    answers = [r.content for r in rows(services, OutboxMessage, touser="lisi")]
    assert len(answers) == 2
    assert f"最多 {MESSAGE_LIMIT} 字" in answers[0] and "没有处理" in answers[0]
    assert f"原因太长了（{FIELD_LIMIT + 1} 字，最多 {FIELD_LIMIT} 字）" in answers[1]
    wecom.text("lisi", "拒绝 #1 " + "因" * FIELD_LIMIT)     # at the limit: taken, HR told once
    assert len(rows(services, OutboxMessage, touser="wangfang")) == 1


def test_every_free_text_option_has_a_limit(wecom, services):
    _interview(wecom, services)
    for command in ("安排 李雷 明天下午4点 面试官 李四 备注:" + "n" * (FIELD_LIMIT + 1),
                    "新建候选人 韩梅梅 岗位:" + "p" * 129,
                    "新建候选人 " + "名" * 129,
                    "改期 #1 后天下午3点 原因:" + "r" * (FIELD_LIMIT + 1)):
        wecom.text("wangfang", command)
    answers = [r.content for r in rows(services, OutboxMessage, touser="wangfang")]
    assert len(answers) == 4 and all("太长了" in a for a in answers), answers
    assert rows(services, OutboxMessage, touser="lisi") == []    # nothing acted on


def test_a_notification_is_one_message_and_others_get_a_bounded_number(wecom, services):
    router = Router()

    @router.command("blast")
    def blast(ctx):
        return [Reply("通知" * 5000, to="hr1"),
                *(Reply(f"hello {i}", to=f"user{i}") for i in range(3 * MAX_TO_OTHERS)),
                Reply("answer " * 2000)]

    services.dispatcher.router = router
    wecom.text("sender", "blast")
    [hr] = rows(services, OutboxMessage, touser="hr1")
    assert len(hr.content.encode()) <= TEXT_LIMIT and hr.content.endswith("…")
    others = [r for r in rows(services, OutboxMessage) if r.touser != "sender"]
    assert len(others) == MAX_TO_OTHERS
    assert len(rows(services, OutboxMessage, touser="sender")) > 1   # the asker's own answer
