"""Point 6 (degrade, and say why) and point 7 (the fake refuses what WeCom refuses)."""
from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.admin import feature_lines
from bot.wecom import oa
from bot.wecom.errors import ApiError
from commands import calendar_kit as kit
from tests.office.conftest import HR, LISI


def test_meetings_not_permitted_keep_the_interview_and_tell_hr_once(office):
    office.setting("meetings", True)
    office.fake.deny("meeting/")
    first = office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:视频")
    assert "已安排 #1" in first
    assert "未授权本应用使用视频会议" in first and "应用管理" in first and "会议" in first
    assert len(office.events()) == 1                      # the calendar still works
    second = office.say(HR, "安排 李雷 明天下午4点 面试官 王五 形式:视频")
    assert "已安排 #2" in second and "未授权" not in second   # told once, not per interview
    lines = feature_lines(office.services.sessions, office.services.client, admin=HR,
                          now=office.clock())
    assert any(line.startswith("FAIL meetings: not permitted (errcode 48002)") for line in lines)
    assert "ok   calendar: on" in lines and "ok   rooms: off" in lines


def test_calendar_not_permitted_is_told_and_checked(office):
    office.fake.deny("oa/schedule/")
    reply = office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    assert "已安排 #1" in reply and "未授权本应用使用日历日程" in reply and "日程" in reply
    lines = feature_lines(office.services.sessions, office.services.client, admin=HR,
                          now=office.clock())
    assert any(line.startswith("FAIL calendar: not permitted") for line in lines)
    # Once the admin enables it, a later interview goes on the calendar again.
    office.fake.allow("oa/schedule/")
    office.clock.advance(hours=2)
    office.say(HR, "安排 李雷 明天下午4点 面试官 王五")
    assert len(office.events()) == 1


def test_attendee_outside_the_visible_range_is_said(office):
    office.fake.hide_users(LISI)
    reply = office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    assert "已安排 #1" in reply and "可见范围" in reply
    assert office.events() == []


def test_check_config_shows_features_off_by_default(services, fake_wecom, clock):
    lines = feature_lines(services.sessions, services.client, admin=HR, now=clock())
    assert lines == ["ok   calendar: off", "ok   meetings: off", "ok   rooms: off"]


def test_switching_the_calendar_on_without_one_says_so(services, wecom, deliver, fake_wecom):
    wecom.text(HR, "设置 全局 日历 开")
    deliver()
    assert "interview-bot calendar setup" in fake_wecom.messages_to(HR)[-1]


@pytest.fixture
def api(office):
    soon = int(time.time()) + 7200
    return office.services.client, office.fake, soon


@pytest.mark.parametrize("change, why", [
    ({"summary": "x" * 129}, "summary"),
    ({"description": "x" * 1001}, "description"),
    ({"reminders": {"is_remind": 1, "remind_before_event_secs": 600}}, "reminder"),
    ({"reminders": {"is_remind": 1, "remind_time_diffs": [0, 1800]}}, "reminder"),
    ({"reminders": {"is_remind": 1, "timezone": 13}}, "timezone"),
    ({"attendees": [{"userid": "hidden"}]}, "visible range"),
    ({"organizer": HR}, "organizer"),
])
def test_fake_refuses_events_wecom_refuses(api, office, change, why):
    client, fake, soon = api
    fake.hide_users("hidden")
    with office.services.sessions() as s:
        from commands.settings_store import org_setting
        cal_id = org_setting(s, "calendar_id")
    body = {"cal_id": cal_id, "start_time": soon, "end_time": soon + 3600, "summary": "ok",
            **change}
    with pytest.raises(ApiError) as err:
        oa.schedule_add(client, body, 1)
    assert why in err.value.errmsg
    ok = {k: v for k, v in body.items() if k not in change}
    assert oa.schedule_add(client, ok, 1)      # the same event without the fault is taken


@pytest.mark.parametrize("change, why", [
    ({"title": "一二三四五六七八九十一二三四五六七八九十一"}, "title"),      # 21 characters
    ({"title": "abcdefghijklmnopq一二三四五六七八"}, "title"),             # 20 chars, 41 bytes
    ({"meeting_duration": 299}, "duration"),
    ({"meeting_duration": 86400}, "duration"),
    ({"meeting_start": 1000}, "future"),
])
def test_fake_refuses_meetings_wecom_refuses(api, change, why):
    client, _, soon = api
    body = {"admin_userid": HR, "title": "面试", "meeting_start": soon, "meeting_duration": 3600,
            **change}
    with pytest.raises(ApiError) as err:
        oa.meeting_create(client, body)
    assert why in err.value.errmsg


def test_fake_refuses_a_booked_room_and_a_long_booking_query(api):
    client, _, soon = api
    oa.room_book(client, room_id=1, start=soon, end=soon + 3600, booker=HR, subject="a",
                 attendees=[])
    with pytest.raises(ApiError, match="already booked"):
        oa.room_book(client, room_id=1, start=soon + 1800, end=soon + 5400, booker=HR,
                     subject="b", attendees=[])
    oa.room_book(client, room_id=1, start=soon + 3600, end=soon + 5400, booker=HR, subject="c",
                 attendees=[])   # back to back is fine
    with pytest.raises(ApiError, match="one day"):
        oa.bookings(client, None, soon, soon + 86401)


def test_meeting_titles_fit_both_limits():
    # 14 characters but 38 bytes: one more character would pass 40 bytes.
    assert kit.fit_title("面试 欧阳娜娜丽莎 第十二轮技术面试加面") == "面试 欧阳娜娜丽莎 第十二轮"
    for text in ("面试 " + "长" * 40, "Interview " + "x" * 40, "面试 Zhang San 二面 tech round"):
        t = kit.fit_title(text)
        assert len(t) <= 20 and len(t.encode()) <= 40 and text.startswith(t)


def test_reminders_map_to_values_wecom_accepts():
    at = datetime(2026, 11, 26, 7, tzinfo=UTC)
    r = kit.reminders([1440, 30, 10], ZoneInfo("Asia/Shanghai"), at)
    assert r == {"is_remind": 1, "remind_before_event_secs": 86400,
                 "remind_time_diffs": [86400, 900], "timezone": 8}
    assert kit.reminders([], ZoneInfo("Asia/Shanghai"), at)["is_remind"] == 0
    assert kit.reminders([60], ZoneInfo("America/New_York"), at)["timezone"] == -5
