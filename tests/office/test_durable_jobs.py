"""Point 5: never twice, never lost. Answers lost to timeouts are reconciled before a retry;
a cancellation made while WeCom is down is released when it comes back."""
from __future__ import annotations

from sqlalchemy import select

from store.wecom_oa import InterviewWeCom, WeComJob
from tests.office.conftest import HR


def jobs(office, status=None):
    with office.services.sessions() as s:
        q = select(WeComJob)
        if status:
            q = q.where(WeComJob.status == status)
        return list(s.scalars(q))


def test_lost_event_create_is_found_not_made_twice(office):
    office.fake.fail_next("oa/schedule/add", lose_answer=True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    assert len(office.events()) == 1           # WeCom made it, we never heard back
    with office.services.sessions() as s:
        row = s.get(InterviewWeCom, 1)
        assert row.schedule_id is None and row.schedule_pending
    assert [j.status for j in jobs(office)] == ["pending"]
    office.later(minutes=30)
    (e,) = office.events()
    with office.services.sessions() as s:
        assert s.get(InterviewWeCom, 1).schedule_id == e["schedule_id"]
    assert sum(r.path.endswith("oa/schedule/add") for r in office.fake.requests) == 1
    assert any("get_by_calendar" in r.path for r in office.fake.requests)
    assert [j.status for j in jobs(office)] == ["done"]


def test_lost_meeting_create_is_found_not_made_twice(office):
    office.setting("meetings", True)
    office.fake.fail_next("meeting/create", lose_answer=True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:视频")
    office.later(minutes=30)
    assert len(office.fake.meetings) == 1
    assert any("get_user_meetingid" in r.path for r in office.fake.requests)
    (m,) = office.fake.meetings.values()
    assert m["meeting_link"] in office.event()["description"]


def test_lost_room_booking_is_found_not_booked_twice(office):
    office.setting("rooms", True)
    office.fake.fail_next("oa/meetingroom/book", lose_answer=True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:现场 会议室:大会议室")
    office.later(minutes=30)
    assert len(office.fake.bookings) == 1
    with office.services.sessions() as s:
        assert s.get(InterviewWeCom, 1).booking_id == next(iter(office.fake.bookings))


def test_a_failed_create_that_made_nothing_is_retried_once(office):
    office.fake.fail_next("oa/schedule/add", timeout=True)     # refused before it took effect
    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    assert office.events() == []
    office.later(minutes=30)
    assert len(office.events()) == 1


def test_cancel_while_wecom_is_down_releases_everything_later(office):
    office.setting("meetings", True)
    office.setting("rooms", True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:视频 会议室:大会议室")
    assert office.events() and office.fake.meetings and office.fake.bookings
    for api in ("meeting/cancel", "oa/meetingroom/cancel_book", "oa/schedule/del"):
        office.fake.fail_next(api, times=3, status=503)
    office.fake.fail_next("meeting/cancel", times=2, timeout=True)
    office.confirm(HR, office.say(HR, "取消 #1"))
    assert [j.status for j in jobs(office) if j.payload.get("what") == "cancel"] == ["pending"]
    for _ in range(12):
        office.later(minutes=40)
    assert office.events() == []
    assert all(m["status"] == 5 for m in office.fake.meetings.values())
    assert all(b["status"] == 1 for b in office.fake.bookings.values())
    assert {j.status for j in jobs(office)} == {"done"}


def test_jobs_of_one_interview_run_in_order(office):
    office.fake.fail_next("oa/schedule/add", timeout=True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    office.confirm(HR, office.say(HR, "取消 #1"))
    # The cancel's job waits behind the create's; nothing is created after the cancel.
    office.later(minutes=30)
    office.later(minutes=30)
    assert office.events() == []
    assert sum(r.path.endswith("oa/schedule/add") for r in office.fake.requests) == 1


def test_a_found_event_is_brought_up_to_date_with_changes_made_meanwhile(office):
    office.fake.fail_next("oa/schedule/add", lose_answer=True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    office.say(HR, "改期 #1 明天下午4点")
    office.say(HR, "加面试官 #1 王五")
    office.later(minutes=30)
    (e,) = office.events()
    assert sorted(a["userid"] for a in e["attendees"]) == ["lisi", "wangwu"]
    assert "16:00" in e["description"]
    assert sum(r.path.endswith("oa/schedule/add") for r in office.fake.requests) == 1


def test_a_found_meeting_is_brought_up_to_date(office):
    office.setting("meetings", True)
    office.fake.fail_next("meeting/create", lose_answer=True)
    office.say(HR, "安排 张三 明天下午3点 面试官 李四 形式:视频")
    office.say(HR, "改期 #1 明天下午4点")
    office.later(minutes=30)
    (m,) = office.fake.meetings.values()
    assert m["meeting_start"] == office.event()["start_time"]


def test_a_job_delayed_past_the_interview_leaves_its_event_alone(office):
    from commands.calendar_jobs import enqueue

    office.say(HR, "安排 张三 明天下午3点 面试官 李四")
    office.clock.advance(days=2)
    with office.services.sessions.begin() as s:
        enqueue(s, key="late", kind="sync", now=office.clock(), interview_id=1)
    office.deliver()
    assert len(office.events()) == 1 and [j.status for j in jobs(office)][-1] == "done"
