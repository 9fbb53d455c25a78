"""Points 3 and 4: one-command video interviews and meeting rooms, against the fake."""
from __future__ import annotations

from tests.office.conftest import HR, LISI, WANGWU


def test_video_interview_gets_a_meeting_its_link_everywhere_and_a_candidate_link(office):
    office.setting("meetings", True)
    reply = office.say(HR, "安排 欧阳娜娜丽莎 明天下午3点 面试官 李四 王五 形式:视频 轮次:二面")
    assert "视频会议链接稍后私信发送" in reply
    (m,) = office.fake.meetings.values()
    assert m["admin_userid"] == HR and sorted(m["invitees"]) == [LISI, WANGWU]
    assert len(m["title"]) <= 20 and len(m["title"].encode()) <= 40
    assert m["meeting_duration"] == 3600
    link = m["meeting_link"]
    assert link in office.news(LISI) and link in office.news(WANGWU)
    assert link in reply and "链接 #1" in reply       # HR's own message, after the echo
    assert link in office.event()["description"]
    # Later notifications carry it too (the interview's link is now the meeting's).
    office.say(HR, "改期 #1 明天下午4点")
    assert link in office.news(LISI)
    assert office.fake.meetings[m["meetingid"]]["meeting_start"] == office.event()["start_time"]
    reply = office.say(HR, "链接 #1")
    assert "生成 #1 的入会链接" in reply
    (short,) = office.fake.short_urls
    assert short["customer_name"] == "欧阳娜娜丽莎" and short["url"] in reply
    office.confirm(HR, office.say(HR, "取消 #1"))
    assert office.fake.meetings[m["meetingid"]]["status"] == 5


def test_a_link_given_by_hr_is_kept_and_no_meeting_is_made(office):
    office.setting("meetings", True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:视频 链接:https://example.com/room")
    assert office.fake.meetings == {}
    assert "https://example.com/room" in office.event()["description"]
    assert "没有企业微信视频会议" in office.say(HR, "链接 #1")


def test_meeting_cancelled_outside_the_bot_is_reported_and_remade(office):
    office.setting("meetings", True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:视频")
    (m,) = office.fake.meetings.values()
    office.news(HR)
    # The admin cancels it in WeCom, which tells the app.
    office.services.client.call("POST", "meeting/cancel", body={"meetingid": m["meetingid"]})
    office.wecom.event("sys", "meeting_change", ChangeType="cancel_meeting",
                       MeetingId=m["meetingid"])
    office.deliver()
    assert "被取消" in office.news(HR)
    live = [x for x in office.fake.meetings.values() if x["status"] != 5]
    assert len(live) == 1 and live[0]["meetingid"] != m["meetingid"]
    assert live[0]["meeting_link"] in office.event()["description"]


def test_onsite_with_a_room_name_books_it_and_cancel_releases_it(office):
    office.setting("rooms", True)
    reply = office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:现场 地点:大会议室")
    assert "若「大会议室」是企业微信会议室则预订它" in reply
    (b,) = office.fake.bookings.values()
    assert b["meetingroom_id"] == 1 and b["booker"] == HR and b["status"] == 0
    assert "已预订会议室「大会议室」" in reply
    assert office.event()["location"] == "大会议室"
    office.say(HR, "改期 #1 明天下午4点")
    live = [x for x in office.fake.bookings.values() if x["status"] == 0]
    assert len(live) == 1 and live[0]["start_time"] == office.event()["start_time"]
    office.confirm(HR, office.say(HR, "取消 #1"))
    assert all(x["status"] == 1 for x in office.fake.bookings.values())


def test_a_clash_suggests_free_rooms_and_auto_picks_one(office):
    office.setting("rooms", True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:现场 会议室:大会议室")
    told = office.say(HR, "安排 李雷 明天下午3点 面试官 王五 形式:现场 会议室:大会议室")
    assert "已被预订" in told and "小会议室" in told
    office.say(HR, "订会议室 #2 自动")
    live = {x["meetingroom_id"] for x in office.fake.bookings.values() if x["status"] == 0}
    assert live == {1, 2}


def test_free_rooms_are_listed(office):
    office.setting("rooms", True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 会议室:大会议室 形式:现场")
    office.news(HR)
    reply = office.say(HR, "会议室 明天下午")
    assert "空闲的会议室" in reply and "小会议室" in reply and "大会议室" not in reply


def test_a_location_that_is_not_a_room_is_said_plainly(office):
    office.setting("rooms", True)
    reply = office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:现场 地点:3F-301")
    assert "若「3F-301」是企业微信会议室" in reply
    assert "不是企业微信里的会议室" in reply
    assert office.fake.bookings == {}


def test_rooms_off_is_said(office):
    assert "会议室功能未开启" in office.say(HR, "会议室 明天下午")
