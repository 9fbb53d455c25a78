"""`负载 本月` / `load this month`: HR see everyone, an interviewer only themself."""
from __future__ import annotations

from tests.commands.conftest import HR, LISI, WANGWU


def test_hr_sees_everyone_interviewer_only_themself(desk, clock):
    desk.ask(HR, "安排 张三 明天上午10点 面试官 李四 王五")
    desk.ask(HR, "安排 李雷 明天下午3点 面试官 李四")
    desk.ask(WANGWU, "拒绝 #1 出差")
    clock.advance(days=1, hours=2)                   # #1 is over, #2 still to come
    desk.ask(LISI, "评价 #1 结论:推荐 评分:4")
    report = desk.ask(HR, "负载 本月")
    assert "李四：已完成 1，待进行 1，拒绝 0，候选人缺席 0，评价用时中位数 1.0h" in report, report
    assert "王五：已完成 0，待进行 0，拒绝 1" in report
    own = desk.ask(WANGWU, "load this month")
    assert "王五: done 0, upcoming 0, declined 1" in own and "李四" not in own


def test_unknown_period_is_refused(desk):
    assert "看不懂时段" in desk.ask(HR, "负载 明年")
