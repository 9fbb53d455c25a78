"""Trainees (见习): shadow the next N interviews of their pool, reminded but never asked for
feedback, shown as 见习, then graduate."""
from __future__ import annotations

from store.hiring import Panelist, PoolMember
from tests.commands.conftest import HR, LISI, ZHAOLIU
from tests.commands.test_clock import at, outbox, tick
from tests.commands.test_findtime import card_of, keys


def shadow_row(desk, iid: int) -> Panelist:
    users = desk.users()
    return desk.get(Panelist, Panelist.interview_id == iid,
                    Panelist.user_id == users[ZHAOLIU].id)


def left(desk) -> int | None:
    return desk.get(PoolMember, PoolMember.user_id == desk.users()[ZHAOLIU].id).shadow_left


def test_trainee_shadows_next_n_pool_interviews_then_graduates(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    reply = desk.ask(HR, "面试官池 后端 见习 赵六 2")
    assert "赵六 在「后端」池见习" in reply and "赵六（见习，还剩 2 场）" in reply
    first = desk.ask(HR, "安排 甲 明天上午10点 面试官 后端池")
    assert "赵六（zhaoliu）（见习）" in first
    assert "从「后端」池选了 李四" in first                # the trainee is not one of the N
    assert shadow_row(desk, 1).feedback_status == "shadow" and left(desk) == 1
    assert any(r.to == ZHAOLIU and "安排你面试" in r.text for r in desk.notices(ZHAOLIU))
    second = desk.ask(HR, "安排 乙 明天下午2点 面试官 后端池")
    assert "赵六 已完成见习，转为「后端」池正式成员" in second
    assert left(desk) is None
    third = desk.ask(HR, "安排 丙 明天下午4点 面试官 后端池×3")
    assert "（见习）" not in third and "赵六" in third       # now picked like anyone
    assert desk.count(Panelist, Panelist.feedback_status == "shadow") == 2


def test_english_grammar_and_named_interviewers_do_not_bring_shadows(desk):
    desk.ask(HR, "pool backend add @lisi")
    assert "will shadow the next 3 interviews" in desk.ask(HR, "pool backend shadow @zhaoliu 3")
    desk.ask(HR, "schedule Alice tomorrow 10am with @lisi")          # not from the pool
    assert desk.count(Panelist) == 1 and left(desk) == 3
    assert "full member" in desk.ask(HR, "pool backend shadow @zhaoliu 0")
    assert left(desk) is None


def test_a_busy_trainee_does_not_block_the_booking(desk):
    desk.ask(HR, "面试官池 后端 李四")
    desk.ask(HR, "面试官池 后端 见习 赵六 1")
    desk.ask(HR, "安排 甲 明天上午10点 面试官 赵六")
    reply = desk.ask(HR, "安排 乙 明天上午10点 面试官 后端池")
    assert "已安排 #2 乙" in reply and "见习" not in reply
    assert left(desk) == 1


def test_shadow_is_reminded_but_never_nudged_and_cannot_give_feedback(desk):
    desk.ask(HR, "面试官池 后端 李四")
    desk.ask(HR, "面试官池 后端 见习 赵六 1")
    desk.ask(HR, "安排 甲 明天下午3点 面试官 后端池")       # Thu 15:00–16:00
    desk.ask(ZHAOLIU, "接受 #1")
    assert shadow_row(desk, 1).rsvp == "accepted"
    assert shadow_row(desk, 1).feedback_status == "shadow"
    at(desk, 2026, 11, 26, 14, 0)
    tick(desk)
    assert sorted(r.touser for r in outbox(desk, "remind:")) == [LISI, ZHAOLIU]
    at(desk, 2026, 11, 26, 17, 0)
    tick(desk)
    tick(desk)
    assert [r.touser for r in outbox(desk, "autonudge:")] == [LISI]
    assert "不需要也不能提交评价" in desk.ask(ZHAOLIU, "评价 #1 结论:推荐 评分:4")
    assert "见习" in desk.ask(HR, "面试 #1")


def test_reschedule_and_cancel_keep_a_shadow_a_shadow(desk):
    desk.ask(HR, "面试官池 后端 李四")
    desk.ask(HR, "面试官池 后端 见习 赵六 1")
    desk.ask(HR, "安排 甲 明天下午3点 面试官 后端池")
    desk.ask(HR, "改期 #1 明天下午5点")
    assert shadow_row(desk, 1).feedback_status == "shadow"
    desk.confirm(HR, desk.ask(HR, "取消 #1 候选人放弃"))
    assert shadow_row(desk, 1).feedback_status == "shadow"


def test_find_time_from_a_pool_adds_the_trainee(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    desk.ask(HR, "面试官池 后端 见习 赵六 1")
    card = card_of(desk.say(HR, "找时间 张三 面试官 后端池×2 明天"))
    assert "赵六" not in card.text
    booked = desk.ask(HR, keys(card)[0])
    assert "赵六（zhaoliu）（见习）" in booked and "已完成见习" in booked
    assert shadow_row(desk, 1).feedback_status == "shadow"


def test_shadow_needs_a_count(desk):
    desk.ask(HR, "面试官池 后端 李四")
    assert "请写出见习的人和场数" in desk.ask(HR, "面试官池 后端 见习 赵六")
    assert desk.count(PoolMember) == 1


def test_shadowed_interviews_are_not_load_after_graduation(desk):
    desk.ask(HR, "面试官池 后端 李四")
    desk.ask(HR, "面试官池 后端 见习 赵六 1")
    desk.ask(HR, "安排 甲 明天上午10点 面试官 后端池")      # 李四 picked, 赵六 shadows, graduates
    reply = desk.ask(HR, "安排 乙 明天下午2点 面试官 后端池")
    assert "从「后端」池选了 赵六" in reply and "赵六 0 场" in reply


def test_the_load_report_leaves_shadowing_out(desk):
    desk.ask(HR, "面试官池 后端 李四")
    desk.ask(HR, "面试官池 后端 见习 赵六 1")
    desk.ask(HR, "安排 甲 明天上午10点 面试官 后端池")
    report = desk.ask(HR, "负载 本月")
    assert "李四：已完成 0，待进行 1" in report and "赵六" not in report
