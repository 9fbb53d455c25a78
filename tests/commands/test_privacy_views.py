"""What each person may see: views, candidate contacts and feedback, group chats."""
from __future__ import annotations

from commands.context import Reply
from commands.privacy import Doc, replies
from tests.commands.conftest import HR, LISI, WANGWU, ZHAOLIU

PLAN = ("安排 C1 明天下午3点 面试官 李四 王五 链接:https://meet.example/abc")
PHONE, EMAIL = "13800000000", "zs@example.com"


def setup_reviewed(desk, clock) -> None:
    desk.ask(HR, f"新建候选人 张三 岗位:后端工程师 手机:{PHONE} 邮箱:{EMAIL}")
    desk.ask(HR, PLAN)
    clock.advance(days=1, hours=6, minutes=5)
    desk.ask(LISI, "评价 #1 结论:推荐 评分:4 备注:算法扎实")


def test_the_rule_in_one_place_splits_private_lines_out_of_group_replies():
    doc = Doc().add("public").add("secret", private=True)
    single = replies(_Ctx("single"), doc)
    group = replies(_Ctx("group"), doc)
    assert single == [Reply("public\nsecret", private=True)]
    assert group == [Reply("public"), Reply("public\nsecret", private=True)]
    assert replies(_Ctx("group"), Doc().add("only public")) == [Reply("only public")]


class _Ctx:
    def __init__(self, chat: str):
        self.chat = chat


def test_feedback_is_for_hr_admins_and_its_author_only(desk, clock):
    setup_reviewed(desk, clock)
    desk.user("boss", "admin", "老板")
    for who in (HR, "boss", LISI):
        assert "李四：推荐 4/5 — 算法扎实" in desk.ask(who, "面试 #1"), who
    other = desk.ask(WANGWU, "面试 #1")                   # on the panel, but not the author
    assert "#1 张三" in other and "推荐 4/5" not in other and "算法扎实" not in other
    assert "推荐 4/5" not in desk.ask(WANGWU, "候选人 张三")
    assert "李四: 推荐 4/5" in desk.ask(HR, "候选人 张三")


def test_contacts_for_hr_only_and_never_in_a_group_reply(desk, clock):
    setup_reviewed(desk, clock)
    assert PHONE in desk.ask(HR, "候选人 张三") and PHONE in desk.ask(HR, "面试 #1")
    assert PHONE not in desk.ask(LISI, "候选人 张三")
    for command in ("候选人 张三", "面试 #1"):
        out = desk.say(HR, command, chat="group")
        public = [r for r in out if not r.private]
        assert public and all(PHONE not in r.text and EMAIL not in r.text and "算法扎实" not in r.text
                              and "meet.example" not in r.text for r in public)
        assert any(PHONE in r.text for r in out if r.private)    # the asker gets it one-to-one


def test_the_meeting_link_goes_to_interviewers_privately(desk):
    desk.ask(HR, "新建候选人 张三")
    out = desk.say(HR, PLAN)
    [notice] = [r for r in out if r.to == LISI]
    assert "https://meet.example/abc" in notice.text and notice.private
    assert "meet.example" not in [r for r in desk.say(LISI, "面试 #1", chat="group")
                                  if not r.private][0].text


def test_interview_and_candidate_are_hidden_from_others(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    for text in (desk.ask(ZHAOLIU, "面试 #1"), desk.ask(ZHAOLIU, "面试 #99")):
        assert "找不到你参与的面试" in text                     # same answer: ids reveal nothing
    assert "找不到你能查看的候选人" in desk.ask(ZHAOLIU, "候选人 张三")
    assert "张三（C1）" in desk.ask(LISI, "候选人 张三")


def test_my_interviews_ranges_and_the_feedback_i_owe(desk, clock):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    desk.ask(HR, "安排 赵敏 今天下午4点 面试官 李四 王五")
    desk.ask(HR, "安排 孙丽 下周一上午10点 面试官 李四")
    desk.ask(HR, "安排 周杰 明天上午10点 面试官 王五")
    week = desk.ask(LISI, "我的面试 本周")
    assert "你本周的面试（2）" in week and "#2" in week and "#1" in week and "#3" not in week
    lines = week.splitlines()
    assert lines[1].startswith("#2 2026-11-25 (周三) 16:00–17:00 CST · 赵敏")   # in time order
    assert "待你确认" in lines[1]
    assert "Your interviews tomorrow (1)" in desk.ask(LISI, "my interviews tomorrow")
    assert "你近两周的面试（3）" in desk.ask(LISI, "我的面试")
    assert "看不懂「下个月」" in desk.ask(LISI, "我的面试 下个月")
    desk.ask(LISI, "接受 #1")
    clock.advance(days=1, hours=7)                         # Thu 17:00: #1 and #2 are over
    text = desk.ask(LISI, "我的面试 今天")
    assert "#1 2026-11-26 (周四) 15:00–16:00 CST · 张三 · 一面 · 已确认" in text
    assert "待你评价：#2 #1" in text


def test_cancelled_interviews_leave_my_list(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    desk.confirm(HR, desk.ask(HR, "取消 #1"))
    assert "没有面试" in desk.ask(LISI, "我的面试")


def test_today_shows_today_and_peeks_at_tomorrow(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    assert desk.ask(LISI, "今日") == "今天（11-25）你没有面试。\n明天 1 场，第一场 #1 15:00 张三。"
    desk.ask(HR, "安排 赵敏 今天下午5点 面试官 李四")
    assert "今天（11-25）你有 1 场面试" in desk.ask(LISI, "今日")


def test_my_interviews_in_the_readers_time_zone(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    desk.ask(LISI, "settings timezone Europe/London")
    assert "2026-11-26 (Thu) 07:00–08:00 GMT" in desk.ask(LISI, "my interviews")


def test_hr_lists_interviews_by_day_status_and_person(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 王五")
    desk.ask(HR, "安排 赵敏 后天上午10点 面试官 王五")
    desk.ask(LISI, "拒绝 #1 出差")
    text = desk.ask(HR, "面试列表")
    assert "共 2 场" in text and "李四(已拒绝)" in text and "⚠" in text
    assert "#2" not in desk.ask(HR, "面试列表 明天")
    assert "#1" not in desk.ask(HR, "面试列表 王五 后天") and "#2" in desk.ask(HR, "面试列表 后天 王五")
    assert "没有符合条件" in desk.ask(HR, "面试列表 已取消")
    assert "#1" not in desk.ask(HR, "interviews @wangwu fri")


def test_free_shows_common_windows_in_working_hours(desk, clock):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    desk.ask(HR, "安排 赵敏 明天上午10点到11点半 面试官 王五")
    text = desk.ask(HR, "空闲 李四 王五 明天")
    assert text.endswith("09:00–10:00、11:30–12:00、13:30–15:00、16:00–19:00。")  # lunch off
    desk.ask("wangfang", "设置 全局 工作时间 10:00-18:00")       # HR is not admin: unchanged
    assert "09:00–10:00" in desk.ask(HR, "空闲 李四 王五 明天")
    today = desk.ask(HR, "free @lisi today")                       # from now (10:00) on
    assert today.endswith("10:00–12:00, 13:30–19:00.")
