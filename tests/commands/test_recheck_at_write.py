"""Interview hours and caps of pool picks are checked again when a confirmation books."""
from __future__ import annotations

from store.hiring import Interview
from tests.commands.conftest import HR, LISI


def test_off_hours_confirmation_rechecks_the_picked_members_cap(desk):
    desk.ask(HR, "面试官池 后端 李四")
    desk.ask(LISI, "设置 上限 每天1")
    question = desk.ask(HR, "安排 张三 今天晚上8点 面试官 后端池")
    assert "不在工作时间" in question and "李四" in question
    desk.ask(HR, "安排 乙 今天下午4点 面试官 李四")         # now at the daily cap
    reply = desk.confirm(HR, question)
    assert "未安排" in reply and "李四 已达每日上限 1" in reply
    assert desk.count(Interview) == 1


def test_clash_slot_confirmation_rechecks_the_picked_members_hours(desk):
    desk.ask(HR, "面试官池 后端 李四")
    desk.ask(HR, "安排 乙 今天下午3点 面试官 王五")
    refused = desk.ask(HR, "安排 张三 今天下午3点 面试官 王五 后端池")
    assert "时间冲突" in refused
    desk.ask(LISI, "设置 面试时段 周一 09:00-10:00")       # declared after the question
    reply = desk.confirm(HR, refused, " 1")
    assert "未安排" in reply and "李四 不在其面试时段" in reply
    assert desk.count(Interview) == 1


def test_a_confirmation_within_limits_still_books(desk):
    desk.ask(HR, "面试官池 后端 李四")
    question = desk.ask(HR, "安排 张三 今天晚上8点 面试官 后端池")
    assert "已安排 #1 张三" in desk.confirm(HR, question)


# Named by hand (not picked from a pool), a person outside their declared hours or at a cap
# may still be booked, but only after HR has seen why and confirmed.

def test_a_named_interviewer_at_their_cap_is_asked_about_first(desk):
    desk.ask(LISI, "设置 上限 每天1")
    desk.ask(HR, "安排 乙 今天下午3点 面试官 李四")
    question = desk.ask(HR, "安排 张三 今天下午5点 面试官 李四")
    assert "李四 已达每日上限 1" in question and "仍要安排 张三" in question, question
    assert "不在工作时间" not in question
    assert desk.count(Interview) == 1                        # nothing booked on a question
    assert "已安排 #2 张三" in desk.confirm(HR, question)


def test_a_named_interviewer_outside_their_hours_is_asked_about_in_english(desk):
    desk.ask(LISI, "设置 面试时段 周一 09:00-10:00")
    question = desk.ask(HR, "schedule Ann today 5pm with @lisi")
    assert "outside their interview hours" in question and "anyway?" in question, question
    assert desk.count(Interview) == 0


def test_a_named_interviewer_within_their_limits_is_booked_at_once(desk):
    desk.ask(LISI, "设置 上限 每天2")
    assert "已安排 #1 张三" in desk.ask(HR, "安排 张三 今天下午5点 面试官 李四")
