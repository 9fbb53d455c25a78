"""The work calendar: working days, hours, lunch and public holidays, per person on request."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from commands.settings_store import set_user_setting
from commands.timeparse.holidays import holiday_dates, holiday_on, is_makeup_workday
from commands.workcal import outside_reasons, shared_windows, working_windows
from store.hiring import Interview
from store.models import User
from tests.commands.conftest import HR, LISI

SH = ZoneInfo("Asia/Shanghai")


def t(day: int, h: int, m: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, h, m, tzinfo=SH)


def test_reasons_name_the_day_the_lunch_the_hours_and_the_holiday(desk):
    with desk.sessions() as s:
        assert outside_reasons(s, None, t(26, 15), t(26, 16), SH) == []          # Thu afternoon
        assert outside_reasons(s, None, t(29, 10), t(29, 11), SH) == [("周日", "Sunday")]
        assert outside_reasons(s, None, t(26, 12), t(26, 13), SH) == [
            ("午休（12:00–13:30）", "lunch break (12:00–13:30)")]
        assert outside_reasons(s, None, t(1, 10, month=10), t(1, 11, month=10), SH) == [
            ("国庆", "National Day")]
        assert [en for _, en in outside_reasons(s, None, t(26, 8), t(26, 9, 30), SH)] == [
            "before work (09:00)"]
        assert [en for _, en in outside_reasons(s, None, t(26, 18, 30), t(26, 19, 30), SH)] == [
            "after work (19:00)"]
        # 2026-10-10 is a Saturday worked in exchange for the National Day bridge.
        assert is_makeup_workday(date(2026, 10, 10))
        assert outside_reasons(s, None, t(10, 10, month=10), t(10, 11, month=10), SH) == []


def test_working_windows_leave_out_lunch_and_days_off(desk):
    with desk.sessions() as s:
        assert working_windows(s, None, date(2026, 11, 26), SH) == [(t(26, 9), t(26, 12)),
                                                                  (t(26, 13, 30), t(26, 19))]
        assert working_windows(s, None, date(2026, 11, 28), SH) == []             # Saturday
        assert working_windows(s, None, date(2026, 10, 5), SH) == []              # 国庆


def test_a_persons_own_calendar_overrides_the_orgs(desk):
    assert "work_days = 2,3,4,5,6" in desk.ask(LISI, "设置 工作日 周二至周六")
    assert "work_hours = 10:00-16:00" in desk.ask(LISI, "settings workhours 10:00-16:00")
    with desk.sessions() as s:
        lisi = s.scalars(select(User).where(User.wecom_userid == LISI)).one()
        assert working_windows(s, lisi, date(2026, 11, 28), SH)[0][0] == t(28, 10)   # Sat
        assert working_windows(s, lisi, date(2026, 11, 30), SH) == []             # Mon off
        assert shared_windows(s, [lisi], date(2026, 11, 26), SH) == [
            (t(26, 10), t(26, 12)), (t(26, 13, 30), t(26, 16))]
        set_user_setting(s, lisi.id, "work_days", None, desk.clock())
        s.flush()
        assert working_windows(s, lisi, date(2026, 11, 30), SH) != []
    asked = desk.ask(HR, "安排 张三 明天下午5点 面试官 李四")
    assert "李四：下班后（16:00 下班）" in asked and desk.count(Interview) == 0
    assert "不是有效的值" in desk.ask(LISI, "设置 工作日 周八")


def test_free_and_suggestions_stay_inside_the_calendar(desk):
    assert "不是工作日（周六）" in desk.ask(HR, "空闲 李四 周六")
    text = desk.ask(HR, "空闲 李四 明天")
    assert "12:00–13:30" not in text.split("：", 2)[-1] and "13:30–19:00" in text
    # A clash offers slots; none of them at lunch or on the weekend.
    desk.ask(HR, "安排 张三 明天下午6点 面试官 李四")
    offer = desk.ask(HR, "安排 李雷 明天下午6点 面试官 李四")
    assert "可选" in offer
    assert "(周六)" not in offer and "(周日)" not in offer and "12:00" not in offer


def test_the_stand_in_holiday_calendar():
    assert holiday_on(date(2026, 2, 17)) == ("春节", "Spring Festival")
    assert holiday_on(date(2026, 2, 24)) is None
    assert holiday_dates("国庆", date(2026, 9, 1)) == (date(2026, 10, 1), date(2026, 10, 7), False)
    assert holiday_dates("元旦", date(2026, 2, 1))[0] == date(2027, 1, 1)
