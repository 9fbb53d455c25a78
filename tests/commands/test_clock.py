"""The clock: reminders, agendas, nudges and auto-complete, driven by a fixed clock."""
from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.pipeline.clock import ReminderClock
from commands.reminders import in_quiet_hours
from commands.settings_store import set_org_setting, set_user_setting
from store.hiring import AuditLog, Interview
from store.models import OutboxMessage, User
from tests.commands.conftest import HR, LISI, WANGWU

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHEDULE = "安排 张三 明天下午3点 面试官 李四 王五 形式:视频 链接:https://meeting.example/abc"


def tick(desk) -> None:
    ReminderClock(desk.sessions, "Asia/Shanghai")(desk.clock())


def outbox(desk, prefix: str = "") -> list[OutboxMessage]:
    with desk.sessions() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [r for r in rows if (r.dedupe_key or "").startswith(prefix)]


def at(desk, *args: int) -> None:
    """Set the clock to a Shanghai wall time."""
    desk.clock.now = datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)


def test_reminders_at_60_and_15_minutes_once_each(desk):
    desk.say(HR, SCHEDULE)                       # Thu 2026-11-26 15:00 CST
    at(desk, 2026, 11, 26, 13, 59)
    tick(desk)
    assert outbox(desk, "remind:") == []
    at(desk, 2026, 11, 26, 14, 0)
    tick(desk)
    tick(desk)                                   # a second tick adds nothing
    first = outbox(desk, "remind:")
    assert sorted(r.touser for r in first) == [LISI, WANGWU]
    text = first[0].content
    assert "60 分钟后有面试" in text and "#1 张三" in text
    assert "2026-11-26 (周四) 15:00–16:00 CST" in text and "视频" in text
    assert "https://meeting.example/abc" in text and "接受 #1" in text
    at(desk, 2026, 11, 26, 14, 45)
    tick(desk)
    assert len(outbox(desk, "remind:")) == 4
    assert {r.dedupe_key.split(":")[3] for r in outbox(desk, "remind:")} == {"60", "15"}


def test_a_users_own_offsets(desk):
    desk.say(HR, SCHEDULE)
    with desk.sessions.begin() as s:
        lisi = s.scalars(select(User).where(User.wecom_userid == LISI)).one()
        set_user_setting(s, lisi.id, "remind_offsets_min", [120], desk.clock())
    at(desk, 2026, 11, 26, 13, 0)
    tick(desk)
    assert [r.touser for r in outbox(desk, "remind:")] == [LISI]


def test_after_downtime_only_the_latest_reminder_and_none_once_started(desk):
    desk.say(HR, SCHEDULE)
    at(desk, 2026, 11, 26, 14, 50)               # worker was down from before 14:00
    tick(desk)
    assert {r.dedupe_key.split(":")[3] for r in outbox(desk, "remind:")} == {"15"}
    desk.say(HR, "安排 赵敏 今天下午4点 面试官 李四")
    at(desk, 2026, 11, 26, 16, 5)                # down again past the start of #2
    tick(desk)
    assert all(r.dedupe_key.split(":")[1] != "2" for r in outbox(desk, "remind:"))


def test_reschedule_voids_queued_reminders_and_plans_new_ones(desk):
    desk.say(HR, SCHEDULE)
    at(desk, 2026, 11, 26, 14, 0)
    tick(desk)                                   # queued, not yet sent
    asked = desk.ask(HR, "改期 #1 后天下午3点")   # a Saturday: asked first, and why
    assert "不在工作时间：周六" in asked
    assert "已改期" in desk.confirm(HR, asked)
    tick(desk)
    old = outbox(desk, "remind:1:")
    assert old and all(r.status == "void" for r in old)
    seq = desk.get(Interview, Interview.id == 1).sequence
    assert seq > 0
    at(desk, 2026, 11, 28, 14, 0)                # 后天 = Sat 11-28, 15:00
    tick(desk)
    new = [r for r in outbox(desk, "remind:1:") if r.status == "pending"]
    assert len(new) == 2 and all(r.dedupe_key.endswith(f":s{seq}") for r in new)


def test_cancelled_and_declined_get_no_reminders(desk):
    desk.say(HR, SCHEDULE)
    desk.say(HR, "安排 赵敏 明天下午5点 面试官 李四 王五")
    desk.confirm(HR, desk.ask(HR, "取消 #1 候选人放弃"))
    desk.say(WANGWU, "拒绝 #2 那天出差")
    at(desk, 2026, 11, 26, 16, 0)
    tick(desk)
    assert [(r.touser, r.dedupe_key.split(":")[1]) for r in outbox(desk, "remind:")] == \
        [(LISI, "2")]


def test_two_clocks_at_once_send_nothing_twice(desk):
    for i, name in enumerate(["甲", "乙", "丙", "丁"]):
        desk.say(HR, f"安排 {name} 明天下午{2 + i}点 面试官 李四 王五")
    at(desk, 2026, 11, 26, 16, 50)
    clocks = [ReminderClock(desk.sessions, "Asia/Shanghai") for _ in range(2)]
    barrier = threading.Barrier(2)

    def run(c):
        barrier.wait()
        c(desk.clock())

    threads = [threading.Thread(target=run, args=(c,)) for c in clocks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    keys = [r.dedupe_key for r in outbox(desk)]
    assert len(keys) == len(set(keys)) and outbox(desk, "remind:")


def test_daily_agenda_on_working_days_and_hr_summary(desk):
    desk.say(HR, SCHEDULE)
    desk.say(HR, "安排 赵敏 明天上午11点 面试官 李四")
    at(desk, 2026, 11, 26, 8, 59)
    tick(desk)
    assert outbox(desk, "agenda") == []
    at(desk, 2026, 11, 26, 9, 0)
    tick(desk)
    tick(desk)
    agenda = {r.touser: r.content for r in outbox(desk, "agenda:")}
    assert set(agenda) == {LISI, WANGWU}
    assert "2 场面试" in agenda[LISI]
    assert agenda[LISI].index("11:00") < agenda[LISI].index("15:00")   # in time order
    [summary] = outbox(desk, "agenda-hr:")
    assert summary.touser == HR and "共 2 场" in summary.content
    desk.say(HR, "安排 周末 周六下午3点 面试官 李四")
    at(desk, 2026, 11, 28, 9, 30)                # Saturday: no agenda
    tick(desk)
    assert not [r for r in outbox(desk, "agenda:") if "2026-11-28" in r.dedupe_key]


def test_agenda_follows_each_persons_zone_across_dst(desk):
    desk.user("nyc", "interviewer", "Ann", lang="en", tz="America/New_York")
    at(desk, 2026, 10, 30, 10, 0)                # Fri; New York is on EDT until Sun Nov 1
    asked = desk.ask(HR, "schedule Bob 2026-11-02 23:30 with nyc")   # CST, past midnight
    assert "outside working time" in asked
    assert "Scheduled" in desk.confirm(HR, asked)
    # 2026-11-02 23:30 CST = 10:30 EST. EST is UTC-5 after the change, so 09:00 = 14:00 UTC.
    desk.clock.now = datetime(2026, 11, 2, 13, 59, tzinfo=UTC)
    tick(desk)
    assert outbox(desk, "agenda:") == []
    desk.clock.now = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    tick(desk)
    [agenda] = outbox(desk, "agenda:")
    assert agenda.touser == "nyc" and "10:30" in agenda.content
    desk.clock.now = datetime(2026, 11, 2, 14, 30, tzinfo=UTC)   # 60 min before, in EST
    tick(desk)
    [reminder] = outbox(desk, "remind:")
    assert "Interview in 60 min" in reminder.content and "10:30" in reminder.content


def test_auto_complete_then_nudges_until_feedback(desk):
    desk.say(HR, SCHEDULE)                       # ends 16:00
    at(desk, 2026, 11, 26, 16, 14)
    tick(desk)
    assert desk.get(Interview, Interview.id == 1).status == "scheduled"
    at(desk, 2026, 11, 26, 16, 15)
    tick(desk)
    assert desk.get(Interview, Interview.id == 1).status == "completed"
    assert desk.count(AuditLog, AuditLog.action == "auto_complete") == 1
    at(desk, 2026, 11, 26, 16, 59)
    tick(desk)
    assert outbox(desk, "autonudge:") == []
    at(desk, 2026, 11, 26, 17, 0)
    tick(desk)
    tick(desk)
    assert sorted(r.touser for r in outbox(desk, "autonudge:")) == [LISI, WANGWU]
    assert "评价 #1" in outbox(desk, "autonudge:")[0].content
    desk.say(LISI, "评价 #1 结论:推荐 评分:4 备注:基础扎实")
    at(desk, 2026, 11, 27, 17, 0)                # a day later: only wangwu is still due
    tick(desk)
    assert [r.touser for r in outbox(desk, "autonudge:")][2:] == [WANGWU]


def test_nudges_wait_out_quiet_hours_and_overdue_ones_go_once(desk):
    desk.confirm(HR, desk.ask(HR, "安排 张三 明天晚上8点 面试官 李四"))  # ends 21:00; nudge 22:00
    at(desk, 2026, 11, 26, 22, 30)
    tick(desk)
    assert outbox(desk, "autonudge:") == []       # quiet hours 22:00-08:00
    at(desk, 2026, 11, 30, 9, 0)                 # worker down for days: 4 nudges overdue
    tick(desk)
    tick(desk)
    [nudge] = outbox(desk, "autonudge:")
    assert nudge.dedupe_key.endswith(":4")


def test_nudges_stop_at_the_maximum(desk):
    with desk.sessions.begin() as s:
        set_org_setting(s, "feedback_max", 2, by=None, now=desk.clock())
    desk.say(HR, SCHEDULE)
    for day in range(27, 32):
        desk.clock.now = datetime(2026, 11, day, 3, tzinfo=UTC) if day <= 30 else \
            datetime(2026, 12, day - 30, 3, tzinfo=UTC)
        tick(desk)
    assert len(outbox(desk, "autonudge:1:")) == 2 * 2


def test_cancelled_interviews_get_no_nudges(desk):
    desk.say(HR, SCHEDULE)
    desk.confirm(HR, desk.ask(HR, "取消 #1"))
    at(desk, 2026, 11, 27, 10, 0)
    tick(desk)
    assert outbox(desk, "autonudge:") == []


def test_quiet_hours_window():
    late = datetime(2026, 1, 1, 23, 0)
    assert in_quiet_hours(late, "22:00-08:00") and not in_quiet_hours(late, "off")
    assert not in_quiet_hours(datetime(2026, 1, 1, 8, 0), "22:00-08:00")
    assert in_quiet_hours(datetime(2026, 1, 1, 12, 30), "12:00-13:00")
