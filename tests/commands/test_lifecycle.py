"""Reschedule, cancel, no-show and done; confirmation codes (10 minutes, once, abort)."""
from __future__ import annotations

from store.hiring import Interview, Panelist, PendingConfirmation
from tests.commands.conftest import HR, LISI, WANGWU

PLAN = "安排 张三 明天下午3点 面试官 李四 王五"


def status(desk, iid: int = 1) -> str:
    return desk.get(Interview, Interview.id == iid).status


def test_reschedule_moves_keeps_the_length_resets_rsvps_and_tells_old_and_new(desk):
    desk.ask(HR, PLAN)
    desk.ask(LISI, "接受 #1")
    text = desk.ask(HR, "改期 #1 下周三 10:30 原因:候选人冲突")
    assert "已改期 #1（第 1 次）" in text
    assert "2026-11-26 (周四) 15:00 CST → 2026-12-02 (周三) 10:30–11:30 CST" in text
    iv = desk.get(Interview, Interview.id == 1)
    assert (iv.status, iv.reschedule_count, iv.sequence) == ("rescheduled", 1, 1)
    assert desk.count(Panelist, Panelist.rsvp == "pending") == 2
    for who in (LISI, WANGWU):
        [notice] = [r for r in desk.notices(who) if r.dedupe_key.startswith("rescheduled:")]
        assert "2026-11-26 (周四) 15:00–16:00 CST\n→ 2026-12-02 (周三) 10:30–11:30 CST" \
            in notice.text and "候选人冲突" in notice.text


def test_the_panels_copy_of_the_start_follows_the_interview(desk):
    desk.ask(HR, PLAN)
    desk.ask(HR, "改期 #1 下周三 10:30")
    desk.ask(HR, "加面试官 #1 赵六")
    desk.ask(HR, "改期 #1 下周四 11:00")
    start = desk.get(Interview, Interview.id == 1).start_at
    with desk.sessions() as s:
        from sqlalchemy import select
        assert set(s.scalars(select(Panelist.start_at))) == {start}
    assert "下周四" not in desk.ask(LISI, "我的面试") and "2026-12-03 (周四) 11:00" in \
        desk.ask(LISI, "我的面试")


def test_longer_than_eight_hours_is_refused(desk):
    assert "8 小时之间" in desk.ask(HR, "安排 张三 明天上午9点 面试官 李四 时长:9h")
    assert "最长 8 小时" in desk.ask(HR, "安排 张三 明天上午9点到晚上6点 面试官 李四")
    desk.ask(HR, PLAN)
    assert "at most 8 hours" in desk.ask(HR, "reschedule #1 tomorrow 8am to 5pm")
    assert desk.get(Interview, Interview.id == 1).start_at.hour == 7


def test_reschedule_refuses_no_change_and_clashes_and_finished_interviews(desk):
    desk.ask(HR, PLAN)
    desk.ask(HR, "安排 赵敏 后天上午10点 面试官 李四")
    assert "已经是这个时间" in desk.ask(HR, "改期 #1 明天下午3点")
    clash = desk.ask(HR, "reschedule #1 fri 10:30")
    assert "already has #2" in clash and "confirm" in clash
    assert "Rescheduled #1" in desk.confirm(HR, clash, " 1")
    desk.confirm(HR, desk.ask(HR, "取消 #2"))
    assert "不能改期" in desk.ask(HR, "改期 #2 下周一上午10点")
    assert "没有面试 #9" in desk.ask(HR, "改期 #9 下周一上午10点")


def test_cancel_needs_a_code_and_runs_once(desk):
    desk.ask(HR, PLAN)
    ask = desk.ask(HR, "取消 #1 候选人放弃")
    assert "⚠ 取消 #1（张三，2026-11-26 (周四) 15:00–16:00 CST）" in ask and "确认" in ask
    assert status(desk) == "scheduled" and not desk.notices(LISI)[1:]
    assert "已取消 #1。原因：候选人放弃。" in desk.confirm(HR, ask)
    assert status(desk) == "cancelled"
    cancels = [r for r in desk.notices(LISI) if r.dedupe_key.startswith("cancelled:")]
    assert len(cancels) == 1 and "候选人放弃" in cancels[0].text
    again = desk.confirm(HR, ask)
    assert "已经执行过" in again and "没有再做任何操作" in again
    assert len([r for r in desk.notices(LISI) if r.dedupe_key.startswith("cancelled:")]) == 1
    assert desk.count(Panelist, Panelist.feedback_status == "waived") == 2


def test_a_code_expires_after_ten_minutes(desk, clock):
    desk.ask(HR, PLAN)
    ask = desk.ask(HR, "cancel #1")
    clock.advance(minutes=10, seconds=1)
    assert "expired" in desk.confirm(HR, ask)
    assert status(desk) == "scheduled"


def test_a_code_works_just_before_ten_minutes(desk, clock):
    desk.ask(HR, PLAN)
    ask = desk.ask(HR, "cancel #1")
    clock.advance(minutes=9, seconds=59)
    assert "Cancelled #1" in desk.confirm(HR, ask)


def test_abort_drops_pending_actions_and_the_code_then_does_nothing(desk):
    desk.ask(HR, PLAN)
    ask = desk.ask(HR, "取消 #1")
    assert "已放弃待确认的操作" in desk.ask(HR, "取消操作")
    assert "已经放弃" in desk.confirm(HR, ask)
    assert status(desk) == "scheduled"
    assert "Nothing is waiting" in desk.ask(HR, "abort")


def test_cancel_without_an_id_drops_the_pending_confirmation(desk):
    desk.ask(HR, PLAN)
    desk.ask(HR, "取消 #1")
    assert "已放弃" in desk.ask(HR, "取消")
    assert "缺少面试编号" in desk.ask(HR, "取消")   # nothing pending any more: usage


def test_cancel_of_an_interview_is_never_read_as_dropping_what_is_pending(desk):
    desk.ask(HR, PLAN)
    desk.ask(HR, "安排 李雷 明天下午5点 面试官 王五")
    desk.ask(HR, "取消 #1")                           # a confirmation now waits
    second = desk.ask(HR, "取消#2吧")                  # a particle after the number
    assert "取消 #2" in second and "已放弃" not in second
    unread = desk.ask(HR, "取消 二号那场")             # no number: asked, nothing dropped
    assert "缺少面试编号" in unread and "已放弃" not in unread
    with desk.sessions() as s:
        assert s.query(PendingConfirmation).filter(
            PendingConfirmation.outcome.is_(None)).count() == 2


def test_someone_elses_code_is_not_yours(desk):
    desk.ask(HR, PLAN)
    ask = desk.ask(HR, "取消 #1")
    desk.user("hr2", "hr", "刘洋")
    assert "没有待确认的" in desk.confirm("hr2", ask)
    assert status(desk) == "scheduled"


def test_a_refused_confirmation_leaves_the_code_usable(desk):
    desk.ask(HR, PLAN)
    ask = desk.ask(HR, "取消 #1")
    ask2 = desk.ask(HR, "取消 #1")
    desk.confirm(HR, ask2)
    assert "不能取消" in desk.confirm(HR, ask)             # already cancelled: refused
    assert desk.count(PendingConfirmation, PendingConfirmation.consumed_at.is_(None)) == 1


def test_no_show_after_the_start_with_confirmation(desk, clock):
    desk.ask(HR, PLAN)
    assert "还没开始" in desk.ask(HR, "爽约 #1")
    clock.advance(days=1, hours=5, minutes=30)         # Thu 15:30
    ask = desk.ask(HR, "爽约 #1")
    assert "确认" in ask and status(desk) == "scheduled"
    assert "未到场" in desk.confirm(HR, ask)
    assert status(desk) == "no_show"
    assert desk.count(Panelist, Panelist.feedback_status == "waived") == 2


def test_done_then_no_show_only_within_a_day(desk, clock):
    desk.ask(HR, PLAN)
    assert "还没开始" in desk.ask(HR, "完成 #1")
    clock.advance(days=1, hours=6, minutes=5)          # Thu 16:05
    assert "已标记完成；待评价：李四、王五" in desk.ask(HR, "完成 #1")
    assert status(desk) == "completed"
    assert "不能标记完成" in desk.ask(HR, "完成 #1")
    clock.advance(hours=25)
    assert "超过 24 小时" in desk.ask(HR, "爽约 #1")
