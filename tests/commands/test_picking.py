"""Fair picking from a pool inside `安排` / `schedule`: free, inside declared hours, under caps,
least loaded; the reply says who and why and names the next in line; nothing written when the
pool cannot supply enough people."""
from __future__ import annotations

from sqlalchemy import select

from store.hiring import Interview, Panelist
from store.models import User
from tests.commands.conftest import HR, LISI, WANGWU, ZHAOLIU


def panel_of(desk, iid: int) -> set[str]:
    with desk.sessions() as s:
        return set(s.scalars(select(User.wecom_userid).join(Panelist, Panelist.user_id == User.id)
                             .where(Panelist.interview_id == iid)))


def setup_pool(desk) -> None:
    desk.user("chenjing", "interviewer", "陈静")
    desk.ask(HR, "面试官池 后端 李四 王五 赵六 陈静")


def test_picks_the_least_loaded_free_members_and_names_the_next(desk):
    setup_pool(desk)
    desk.ask(HR, "安排 甲 下周一上午10点 面试官 李四 王五")          # lisi 1, wangwu 1
    desk.ask(HR, "安排 乙 下周二上午10点 面试官 李四")                 # lisi 2
    desk.ask(HR, "安排 丙 下周三上午10点 面试官 赵六")                 # zhaoliu 1, chenjing 0
    reply = desk.ask(HR, "安排 张三 明天下午3点 面试官 后端池×2")
    # Upcoming load counts; wangwu and zhaoliu tie and neither interviewed before: id order.
    assert "从「后端」池选了 陈静、王五" in reply and "（陈静 0、王五 1 场）" in reply, reply
    assert "下一位：赵六（1 场）" in reply and "已安排" in reply
    assert panel_of(desk, 4) == {"chenjing", WANGWU}


def test_tie_broken_by_who_saw_this_candidate_least_recently(desk):
    desk.ask(HR, "pool pair add @lisi @wangwu")
    desk.ask(HR, "安排 张三 明天上午10点 面试官 李四")           # round 1 with lisi, at 10
    desk.ask(HR, "安排 李雷 明天上午11点 面试官 王五")           # equal load, wangwu later
    # Without the candidate rule lisi (idle longer) would be next; he has just seen 张三.
    reply = desk.ask(HR, "schedule 张三 next monday 3pm with pair x1 round:2")
    assert "Picked 王五 from pool “pair”" in reply and "next in line: 李四 (1)" in reply, reply
    reply = desk.ask(HR, "schedule 韩梅 next tuesday 3pm with pair x1")
    assert "Picked 李四" in reply                                # lisi 1, wangwu now 2


def test_busy_member_is_never_picked_even_when_least_loaded(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    desk.ask(HR, "安排 甲 下周一上午10点 面试官 王五")          # wangwu has more load
    desk.ask(HR, "安排 丙 下周二上午10点 面试官 王五")
    desk.ask(HR, "安排 乙 明天下午3点 面试官 李四")               # lisi busy at 3pm tomorrow
    reply = desk.ask(HR, "安排 张三 明天下午3点半 面试官 后端池")
    assert "从「后端」池选了 王五" in reply and "已安排" in reply
    assert panel_of(desk, 4) == {WANGWU}


def test_declared_hours_and_caps_are_honoured(desk):
    desk.ask(HR, "面试官池 后端 李四 王五 赵六")
    desk.ask(LISI, "设置 面试时段 周二 14:00-18:00")             # tomorrow is a Thursday
    desk.ask(WANGWU, "设置 上限 每天1")
    desk.ask(HR, "安排 甲 明天上午10点 面试官 王五")              # wangwu's one for Thursday
    desk.ask(HR, "安排 乙 下周一上午10点 面试官 赵六")
    desk.ask(HR, "安排 丙 下周二上午10点 面试官 赵六")            # zhaoliu the most loaded
    reply = desk.ask(HR, "安排 张三 明天下午3点 面试官 后端池")
    assert "从「后端」池选了 赵六" in reply, reply
    short = desk.ask(HR, "安排 李雷 明天下午5点 面试官 后端池×2")
    assert "只有 1 人可选，需要 2 人，未安排" in short
    assert "李四 不在其面试时段" in short and "王五 已达每日上限 1" in short
    assert desk.count(Interview) == 4


def test_shortfall_and_unknown_pool_write_nothing(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    assert "需要 3 人，未安排" in desk.ask(HR, "安排 张三 明天下午3点 面试官 后端池×3")
    assert "没有名为「前端」的面试官池" in desk.ask(HR, "安排 张三 明天下午3点 面试官 前端池×2")
    assert desk.count(Interview) == 0


def test_pool_mixed_with_named_people_skips_them(desk):
    desk.ask(HR, "面试官池 后端 李四 王五 赵六")
    reply = desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 后端池×2")
    assert desk.count(Interview) == 1
    assert panel_of(desk, 1) == {LISI, WANGWU, ZHAOLIU}
    assert "下一位" not in reply and "池中没有其他可选的人" in reply


def test_english_reply(desk):
    desk.ask(HR, "pool backend add @lisi @wangwu")
    reply = desk.ask(HR, "schedule Alice Wang tomorrow 3pm with backend x1")
    assert "Picked 李四 from pool “backend”" in reply and "next in line: 王五 (0)" in reply
