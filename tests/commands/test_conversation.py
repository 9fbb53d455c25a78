"""A question the bot asks is answered by the next short message, and the command completes.

Now is Wed 2026-11-25 10:00 Shanghai. Each test sends the command, checks the question, sends
one short answer, and checks what was booked (or that nothing was).
"""
from __future__ import annotations

from sqlalchemy import select

from store.hiring import Interview, PendingQuestion
from tests.commands.conftest import HR, LISI


def _starts(desk) -> list[str]:
    from zoneinfo import ZoneInfo
    with desk.sessions() as s:
        return [f"{iv.start_at.astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M}"
                for iv in s.scalars(select(Interview).order_by(Interview.id))]


def test_ambiguous_hour_answered_with_xiawu(desk):
    q = desk.ask(HR, "安排 孙八 明天3点 面试官 李四")
    assert "「3点」是 03:00 还是 15:00" in q and "直接回复" in q
    assert _starts(desk) == []
    done = desk.ask(HR, "下午3点")
    assert "已安排" in done and "2026-11-26 (周四) 15:00" in done
    assert _starts(desk) == ["2026-11-26 15:00"]
    assert desk.count(PendingQuestion) == 0


def test_ambiguous_hour_answered_with_a_number_or_pm(desk):
    desk.ask(HR, "schedule Alice tomorrow at 3 with @lisi")
    assert "Scheduled" in desk.ask(HR, "pm")
    desk.ask(HR, "schedule Bob fri 3 with @lisi")
    assert "Scheduled" in desk.ask(HR, "2")
    assert _starts(desk) == ["2026-11-26 15:00", "2026-11-27 15:00"]


def test_which_day_of_next_week(desk):
    q = desk.ask(HR, "安排 孙八 下周下午3点 面试官 李四")
    assert "没看懂「下周」是哪一天：下周几？" in q
    assert "3) 12-02 周三" in q
    assert _starts(desk) == []
    done = desk.ask(HR, "周三")
    assert "2026-12-02 (周三) 15:00" in done
    assert "孙八" in done and "下周" not in done.split("\n")[0]
    assert _starts(desk) == ["2026-12-02 15:00"]


def test_weekend_answered_by_number(desk):
    q = desk.ask(HR, "安排 孙八 周末上午10点 面试官 李四")
    assert "周六还是周日" in q and "1) 11-28 周六" in q
    assert "2026-11-29 (周日) 10:00" in desk.ask(HR, "2")


def test_day_without_time_answered_with_a_time(desk):
    q = desk.ask(HR, "安排 孙八 后天 面试官 李四")
    assert "缺少具体时间" in q
    assert "2026-11-27 (周五) 15:00" in desk.ask(HR, "下午3点")


def test_missing_interviewer_answered_with_a_name(desk):
    q = desk.ask(HR, "安排 孙八 明天下午3点")
    assert "缺少面试官" in q
    done = desk.ask(HR, "李四")
    assert "已安排" in done and "李四" in done


def test_which_of_two_people(desk):
    desk.user("lisi2", "interviewer", "李四")
    q = desk.ask(HR, "安排 孙八 明天下午3点 面试官 李四")
    assert "是哪一位" in q and "2) 李四（@lisi2）" in q
    done = desk.ask(HR, "2")
    assert "已安排" in done
    assert desk.notices("lisi2") and not desk.notices(LISI)


def test_weekday_in_brackets_that_disagrees_is_asked(desk):
    q = desk.ask(HR, "安排 孙八 12月1日（周三）下午3点 面试官 李四")
    assert "对不上" in q and "1) 12-01 周二" in q and "2) 12-02 周三" in q
    assert "2026-12-02 (周三) 15:00" in desk.ask(HR, "2")


def test_a_wrong_answer_keeps_the_question(desk):
    desk.ask(HR, "安排 孙八 下周下午3点 面试官 李四")
    again = desk.ask(HR, "好的")
    assert "没有回答刚才的问题" in again
    assert desk.count(PendingQuestion) == 1
    assert "2026-12-04 (周五) 15:00" in desk.ask(HR, "5")


def test_cancel_drops_the_question(desk):
    desk.ask(HR, "安排 孙八 下周下午3点 面试官 李四")
    assert "不用回答" in desk.ask(HR, "算了")
    assert desk.count(PendingQuestion) == 0
    assert "没看懂" in desk.ask(HR, "周三")      # no question any more: not an answer
    assert _starts(desk) == []


def test_a_new_command_replaces_the_question(desk):
    desk.ask(HR, "安排 孙八 下周下午3点 面试官 李四")
    desk.ask(HR, "我的面试")
    assert desk.count(PendingQuestion) == 0
    assert "没看懂" in desk.ask(HR, "周三")
    assert _starts(desk) == []


def test_the_question_expires_after_ten_minutes(desk):
    desk.ask(HR, "安排 孙八 下周下午3点 面试官 李四")
    desk.clock.advance(minutes=10, seconds=1)
    assert "没看懂" in desk.ask(HR, "周三")
    assert _starts(desk) == []


def test_only_the_asker_answers(desk):
    desk.ask(HR, "安排 孙八 下周下午3点 面试官 李四")
    desk.ask(LISI, "3")          # someone else's "3" is not HR's answer
    assert _starts(desk) == []
    assert desk.count(PendingQuestion) == 1


def test_missing_candidate_goes_first_even_after_a_full_stop(desk):
    q = desk.ask(HR, "安排 明天下午3点 面试官 李四。")
    assert "缺少候选人" in q
    done = desk.ask(HR, "孙八")
    assert "已安排" in done and "孙八" in done and _starts(desk) == ["2026-11-26 15:00"]
