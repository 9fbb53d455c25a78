"""The main flows end to end, in both languages: signed and encrypted callbacks through the
real Flask app, the outbox drained by the worker to the fake WeCom API.

HR schedules -> the interviewers are notified -> one accepts -> "my interviews" shows it ->
feedback -> HR is told and sees it. Plus: a retried callback changes nothing, and in a group
chat (the intelligent bot) contact details and feedback go one-to-one only.
"""
from __future__ import annotations

import re

from sqlalchemy import func, select

from store.hiring import Feedback, Interview
from tests.bot.test_aibot import ai, aisvc, message  # noqa: F401  (fixtures)
from tests.conftest import ADMIN


def last(fake_wecom, userid: str) -> str:
    return fake_wecom.messages_to(userid)[-1]


def make_hr(wecom, deliver, fake_wecom, role_cmd: str, confirm_word: str) -> None:
    wecom.text("wangfang", "帮助")                       # first contact creates the user
    wecom.text(ADMIN, role_cmd)
    deliver()
    code = re.search(r"[A-Z2-9]{4}(?=[」”])", last(fake_wecom, ADMIN)).group(0)
    wecom.text(ADMIN, f"{confirm_word} {code}")
    deliver()


def in_directory(services, fake_wecom, users: dict[str, str]) -> None:
    """Members the bot has met, named from WeCom's directory by the worker's sync: the only
    names HR can name them by (issue 17)."""
    from bot.pipeline.dispatch import ensure_user
    from bot.pipeline.usersync import NameSync

    fake_wecom.add_users(users)
    with services.sessions.begin() as s:
        for userid in users:
            ensure_user(s, userid, services.settings, services.clock())
    NameSync(services.sessions, services.client)(services.clock())


def test_chinese_flow_schedule_notify_accept_list_feedback(wecom, deliver, fake_wecom, clock,
                                                           services):
    make_hr(wecom, deliver, fake_wecom, "角色 wangfang HR", "确认")
    in_directory(services, fake_wecom, {"lisi": "李四", "wangwu": "王五"})
    assert "已将 wangfang 的角色设为 HR" in last(fake_wecom, ADMIN)
    assert "角色设为 HR" in last(fake_wecom, "wangfang")
    for userid, name in (("lisi", "李四"), ("wangwu", "王五")):
        wecom.text(userid, f"设置 姓名 {name}")
    wecom.text("wangfang", "安排 张三 明天下午3点 面试官 李四 王五 时长:60 轮次:二面 形式:视频")
    deliver()
    assert "已安排 #1 张三｜二面" in last(fake_wecom, "wangfang")
    assert "2026-11-26 (周四) 15:00–16:00 CST" in last(fake_wecom, "wangfang")
    for userid in ("lisi", "wangwu"):
        notice = last(fake_wecom, userid)
        assert "安排你面试" in notice and "2026-11-26 (周四) 15:00–16:00 CST" in notice

    wecom.text("lisi", "接受 #1")
    wecom.text("lisi", "我的面试")
    deliver()
    accepted, listed = fake_wecom.messages_to("lisi")[-2:]
    assert accepted.startswith("已确认参加 #1")
    assert "#1 2026-11-26 (周四) 15:00–16:00 CST · 张三 · 二面 · 视频 · 你已接受" in listed

    clock.advance(days=1, hours=6, minutes=10)           # Thu 16:10, the interview is over
    wecom.text("lisi", "评价 #1 结论:推荐 评分:4 备注:算法扎实，系统设计偏弱")
    deliver()
    assert "已提交 #1 的评价（推荐，4/5）" in last(fake_wecom, "lisi")
    assert "李四 提交了 #1 张三 的评价：推荐 4/5" in last(fake_wecom, "wangfang")
    wecom.text("wangfang", "面试 #1")
    deliver()
    assert "李四：推荐 4/5 — 算法扎实，系统设计偏弱" in last(fake_wecom, "wangfang")
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Feedback)) == 1


def test_english_flow_schedule_notify_accept_list_feedback(wecom, deliver, fake_wecom, clock,
                                                           services):
    make_hr(wecom, deliver, fake_wecom, "role wangfang hr", "confirm")
    in_directory(services, fake_wecom, {"lisi": "李四", "wangwu": "王五"})
    assert "wangfang is now HR" in last(fake_wecom, ADMIN)
    wecom.text("lisi", "settings name Li Si")
    wecom.text("lisi", "settings language English")      # what lisi is pushed, from now on
    wecom.text("wangfang", "settings language English")
    wecom.text("wangfang", "schedule Alice Wang tomorrow 3pm with @lisi @wangwu dur:45 round:1")
    deliver()
    assert "Scheduled #1 Alice Wang · Round 1" in last(fake_wecom, "wangfang")
    assert "2026-11-26 (Thu) 15:00–15:45 CST" in last(fake_wecom, "wangfang")
    assert "has put you on an interview" in last(fake_wecom, "lisi")     # lisi writes English
    assert "安排你面试" in last(fake_wecom, "wangwu")                     # wangwu: no language yet

    wecom.text("lisi", "accept #1")
    wecom.text("wangwu", "accept #1")
    deliver()
    assert "Every interviewer has accepted #1" in last(fake_wecom, "wangfang")
    wecom.text("lisi", "my interviews week")
    deliver()
    assert "#1 2026-11-26 (Thu) 15:00–15:45 CST · Alice Wang · Round 1 · confirmed" \
        in last(fake_wecom, "lisi")

    clock.advance(days=1, hours=6)
    wecom.text("lisi", "feedback #1 rec:strong yes score:5 notes:great at SQL")
    deliver()
    assert "Feedback on #1 submitted (strong yes, 5/5)" in last(fake_wecom, "lisi")
    assert "Li Si submitted feedback on #1 Alice Wang: strong yes 5/5" in \
        last(fake_wecom, "wangfang")


def test_a_retried_callback_schedules_once_and_notifies_once(wecom, deliver, fake_wecom,
                                                              services):
    make_hr(wecom, deliver, fake_wecom, "角色 wangfang HR", "确认")
    in_directory(services, fake_wecom, {"lisi": "李四"})
    for _ in range(3):                                   # WeCom retries with the same MsgId
        wecom.text("wangfang", "安排 张三 明天下午3点 面试官 @lisi", msg_id=424242)
    deliver()
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interview)) == 1
    assert len(fake_wecom.messages_to("lisi")) == 1
    assert len([m for m in fake_wecom.messages_to("wangfang") if "已安排" in m]) == 1


def test_group_chat_keeps_contacts_and_feedback_one_to_one(ai, aisvc, clock,  # noqa: F811
                                                           fake_wecom):
    in_directory(aisvc, fake_wecom, {"lisi": "李四"})
    with aisvc.sessions.begin() as s:
        from bot.pipeline.dispatch import ensure_user
        ensure_user(s, "wangfang", aisvc.settings, clock()).role = "hr"
    ai(message("新建候选人 张三 手机:13800000000", msgid="g1", user="wangfang"))
    ai(message("安排 张三 明天下午3点 面试官 @lisi", msgid="g2", user="wangfang"))
    clock.advance(days=2)
    ai(message("评价 #1 结论:推荐 评分:4 备注:很好", msgid="g3", user="lisi"))
    _, reply = ai(message("@bot 候选人 张三", msgid="g4", chattype="group", user="wangfang"))
    group_text = reply["stream"]["content"]
    assert "张三（C1）" in group_text and "13800000000" not in group_text
    assert "推荐 4/5" not in group_text and "私信" in group_text
    with aisvc.sessions() as s:
        from store.models import OutboxMessage
        dm = [o.content for o in s.scalars(select(OutboxMessage).where(
            OutboxMessage.touser == "wangfang"))]
    assert any("13800000000" in m and "推荐 4/5" in m for m in dm)
