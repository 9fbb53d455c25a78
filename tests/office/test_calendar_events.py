"""Point 1 and 2: interviews on the WeCom calendar, kept in step, and RSVPs both ways."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.admin import calendar_setup
from store.hiring import Panelist
from store.models import User
from store.wecom_oa import InterviewWeCom
from tests.conftest import AGENT_ID
from tests.office.conftest import HR, LISI, WANGWU


def test_calendar_setup_runs_once(office, services, clock):
    out: list[str] = []
    assert calendar_setup(services.sessions, services.client, agent_id=AGENT_ID,
                          organizer=HR, name="面试", now=clock(), out=out.append) == 0
    assert "exists already" in out[0]
    assert len([r for r in office.fake.requests if "calendar/add" in r.path]) == 1


def test_a_scheduled_interview_is_one_event_with_every_interviewer(office):
    reply = office.say(HR, "安排 张三 明天下午3点 面试官 李四 王五 轮次:二面")
    assert "写入面试官的企业微信日历" in reply
    e = office.event()
    assert e["summary"] == "面试 · 张三 · 二面"
    assert sorted(a["userid"] for a in e["attendees"]) == [LISI, WANGWU]
    assert e["start_time"] == int(datetime(2026, 11, 26, 7, 0, tzinfo=UTC).timestamp())
    assert e["description"].startswith("面试 #1\n候选人 Candidate：张三")
    assert "评价 #1" in e["description"]
    # The org's reminders (60 and 15 minutes) are values WeCom accepts as they are.
    assert e["reminders"]["remind_before_event_secs"] == 3600
    assert e["reminders"]["remind_time_diffs"] == [3600, 900]
    with office.services.sessions() as s:
        assert s.get(InterviewWeCom, 1).schedule_id == e["schedule_id"]


def test_calendar_switch_off_means_no_event(office):
    assert "calendar = off" in office.say(HR, "设置 全局 日历 关")
    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    assert office.events() == []
    assert "calendar = on" in office.say(HR, "设置 全局 日历 开")


def test_reschedule_panel_changes_and_cancel_follow(office):
    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    sid = office.event()["schedule_id"]
    office.say(HR, "改期 #1 明天下午4点")
    assert office.event()["schedule_id"] == sid
    assert office.event()["start_time"] == int(datetime(2026, 11, 26, 8, 0, tzinfo=UTC).timestamp())
    office.say(HR, "加面试官 #1 王五")
    assert sorted(a["userid"] for a in office.event()["attendees"]) == [LISI, WANGWU]
    office.confirm(HR, office.say(HR, "移除面试官 #1 李四"))
    assert [a["userid"] for a in office.event()["attendees"]] == [WANGWU]
    reply = office.confirm(HR, office.say(HR, "取消 #1"))
    assert "企业微信日程、会议和会议室预订将一并取消" in reply
    assert office.events() == []
    assert office.fake.schedules[sid]["status"] == 1


def test_description_is_clipped_to_wecom_limit_on_a_character(office):
    # Each field within its own limit (issue 17), together past the description's 1,000.
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 地点:" + "三楼东侧" * 60
               + " 岗位:" + "后端工程师" * 25 + " 链接:https://example.com/" + "x" * 200
               + " 备注:" + "很长的备注" * 99)
    d = office.event()["description"]
    assert len(d) == 1000 and d.endswith("…")


def test_decline_in_the_calendar_counts_as_decline_in_chat(office):
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 王五")
    e = office.event()
    office.news(LISI)
    office.fake.respond(e["schedule_id"], LISI, 4)
    for user, fields in office.fake.take_callbacks():
        assert office.wecom.event(user, fields.pop("Event"), **fields).status_code == 200
    office.deliver()
    hr = office.news(HR)
    assert "拒绝了 #1" in hr and "在企业微信日历中拒绝" in hr
    assert "来自企业微信日历" in office.news(LISI)
    with office.services.sessions() as s:
        lisi = s.scalars(select(User).where(User.wecom_userid == LISI)).one()
        assert s.get(Panelist, (1, lisi.id)).rsvp == "declined"
    # Accepting in the calendar, and the chat's RSVP shows in the event's kit.
    office.fake.respond(e["schedule_id"], WANGWU, 2)
    for user, fields in office.fake.take_callbacks():
        office.wecom.event(user, fields.pop("Event"), **fields)
    office.deliver()
    assert "王五✓" in office.event()["description"] or "wangwu✓" in office.event()["description"]
    assert "李四✗" in office.event()["description"] or "lisi✗" in office.event()["description"]


def test_a_change_made_outside_the_bot_is_reported_and_put_back(office):
    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    e = office.event()
    office.news(HR)
    office.fake.edit_schedule(e["schedule_id"], by="someone", start_time=e["start_time"] + 3600,
                              end_time=e["end_time"] + 3600)
    for user, fields in office.fake.take_callbacks():
        office.wecom.event(user, fields.pop("Event"), **fields)
    office.deliver()
    told = office.news(HR)
    assert "在机器人之外被修改" in told and "16:00" in told and "15:00" in told
    assert office.event()["start_time"] == e["start_time"]      # the bot's record won


def test_a_deleted_event_is_reported_and_recreated(office):
    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    e = office.event()
    office.news(HR)
    office.fake.edit_schedule(e["schedule_id"], by="someone", deleted=True)
    for user, fields in office.fake.take_callbacks():
        office.wecom.event(user, fields.pop("Event"), **fields)
    office.deliver()
    assert "被删除" in office.news(HR)
    assert office.event()["schedule_id"] != e["schedule_id"]


def test_an_answer_in_chat_shows_in_the_event(office):
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 王五")
    assert "李四?" in office.event()["description"]
    office.say(LISI, "接受 #1")
    office.say(WANGWU, "拒绝 #1 当天出差")
    d = office.event()["description"]
    assert "李四✓" in d and "王五✗" in d
    # WeCom has no API to set an attendee's answer: the event keeps its attendees.
    assert sorted(a["userid"] for a in office.event()["attendees"]) == [LISI, WANGWU]
