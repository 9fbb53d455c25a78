"""Interviewers on an interview: add and remove, accept and decline, feedback."""
from __future__ import annotations

from store.hiring import Feedback, Interview, Panelist
from tests.commands.conftest import HR, LISI, WANGWU, ZHAOLIU

PLAN = "安排 张三 明天下午3点 面试官 李四 王五"


def iv(desk, iid: int = 1) -> Interview:
    return desk.get(Interview, Interview.id == iid)


def test_add_interviewer_checks_clashes_and_notifies(desk):
    desk.ask(HR, PLAN)
    desk.ask(HR, "安排 赵敏 明天下午3点半 面试官 赵六 轮次:一面")
    assert "赵六 在 2026-11-26 (周四) 15:30–16:30 CST 已有 #2" in desk.ask(HR, "加面试官 #1 赵六")
    assert "已在 #1" in desk.ask(HR, "加面试官 #1 李四")
    desk.user("sunli", "interviewer", "孙丽")
    assert "已将 孙丽（sunli） 加入 #1" in desk.ask(HR, "加面试官 #1 孙丽")
    [notice] = desk.notices("sunli")
    assert "#1 张三" in notice.text and "接受 #1" in notice.text
    assert iv(desk).sequence == 1


def test_accepting_everyone_confirms_and_tells_hr_once(desk):
    desk.ask(HR, PLAN)
    assert "已确认参加 #1（2026-11-26 (周四) 15:00–16:00 CST）" in desk.ask(LISI, "接受 #1")
    assert iv(desk).status == "scheduled" and not desk.notices(HR)
    desk.ask(WANGWU, "accept #1")
    assert iv(desk).status == "confirmed"
    [told] = desk.notices(HR)
    assert "全部接受" in told.text
    assert "already accepted" in desk.ask(WANGWU, "accept #1")
    assert "不在面试 #1" in desk.ask(ZHAOLIU, "接受 #1")


def test_declining_flags_the_interview_and_tells_hr_with_the_reason(desk):
    desk.ask(HR, PLAN)
    desk.ask(LISI, "接受 #1")
    desk.ask(WANGWU, "接受 #1")
    text = desk.ask(LISI, "拒绝 #1 当天值班")
    assert "已拒绝 #1" in text and "王芳" in text
    notice = [r for r in desk.notices(HR) if r.dedupe_key.startswith("declined:")]
    assert len(notice) == 1 and "李四 拒绝了 #1" in notice[0].text and "当天值班" in notice[0].text
    assert "加面试官 #1" in notice[0].text
    row = iv(desk)
    # 李四 is off the panel; everyone left on it has accepted, and HR's flag stays up.
    assert row.needs_attention and row.status == "confirmed"
    assert "缺少原因" in desk.ask(WANGWU, "拒绝 #1")


def test_remove_interviewer_is_confirmed_and_refused_after_feedback_or_for_the_last(desk, clock):
    desk.ask(HR, PLAN)
    ask = desk.ask(HR, "移除面试官 #1 王五")
    assert desk.count(Panelist) == 2
    assert "已将 王五 从 #1 移除" in desk.confirm(HR, ask)
    assert desk.count(Panelist, Panelist.rsvp.in_(("pending", "accepted"))) == 1
    assert desk.get(Panelist, Panelist.rsvp == "removed").feedback_status == "excused"
    [gone] = [r for r in desk.notices(WANGWU) if r.dedupe_key.startswith("removed:")]
    assert "不再参加 #1" in gone.text
    assert "唯一的面试官" in desk.ask(HR, "移除面试官 #1 李四")
    assert "不在 #1" in desk.ask(HR, "移除面试官 #1 赵六")
    desk.ask(HR, "加面试官 #1 赵六")
    clock.advance(days=1, hours=6, minutes=5)
    desk.ask(LISI, "评价 #1 结论:推荐 评分:4")
    assert "已提交评价，不能移除" in desk.ask(HR, "移除面试官 #1 李四")


def test_feedback_once_by_the_interviewer_after_the_start(desk, clock):
    desk.ask(HR, PLAN)
    assert "尚未开始" in desk.ask(LISI, "评价 #1 结论:推荐 评分:4")
    clock.advance(days=1, hours=6, minutes=5)
    assert "不在面试 #1" in desk.ask(ZHAOLIU, "评价 #1 结论:推荐 评分:4")
    text = desk.ask(LISI, "评价 #1 结论：强烈推荐 评分:5 备注:算法扎实，系统设计偏弱")
    assert "已提交 #1 的评价（强烈推荐，5/5）" in text
    fb = desk.get(Feedback, Feedback.interview_id == 1)
    assert (fb.recommendation, fb.score, fb.notes) == ("strong_yes", 5, "算法扎实，系统设计偏弱")
    [told] = desk.notices(HR)
    assert "李四 提交了 #1 张三 的评价：强烈推荐 5/5" in told.text and told.private
    assert "修改评价 #1" in desk.ask(LISI, "评价 #1 结论:不推荐 评分:2")
    assert desk.get(Feedback, Feedback.interview_id == 1).score == 5


def test_feedback_with_missing_or_bad_parts_names_them_all(desk, clock):
    desk.ask(HR, PLAN)
    clock.advance(days=2)
    text = desk.ask(LISI, "评价 #1 备注:不错")
    assert "缺少结论；缺少评分" in text and "例如：评价 #12 结论:推荐 评分:4" in text
    text = desk.ask(LISI, "feedback #1 rec:maybe score:7")
    assert "Unknown recommendation" in text and "must be 1 to 5" in text
    assert desk.count(Feedback) == 0


def test_feedback_is_refused_in_group_chats_and_for_cancelled_interviews(desk, clock):
    desk.ask(HR, PLAN)
    desk.ask(HR, "安排 赵敏 明天上午10点 面试官 李四")
    desk.confirm(HR, desk.ask(HR, "取消 #2"))
    clock.advance(days=2)
    assert "单聊" in desk.ask(LISI, "评价 #1 结论:推荐 评分:4", chat="group")
    assert "取消" in desk.ask(LISI, "评价 #2 结论:推荐 评分:4")
    assert "已经开始，不能取消" in desk.ask(HR, "取消 #1")
    assert desk.count(Feedback) == 0


def test_pending_feedback_and_nudge(desk, clock):
    desk.ask(HR, PLAN)
    assert "已提醒 李四、王五 确认 #1" in desk.ask(HR, "催评价 #1")   # before: chase answers
    clock.advance(days=2)                                   # Fri 10:00, ended 18 h ago
    desk.ask(LISI, "评价 #1 结论:推荐 评分:4")
    text = desk.ask(HR, "待评价")
    assert "#1 张三 王五（已过 18 小时）" in text and "李四" not in text.split("\n")[1]
    assert "已提醒 王五" in desk.ask(HR, "催评价 #1")
    uid = desk.users()[WANGWU].id
    [nudge] = desk.notices(WANGWU)[2:]
    assert "提醒你提交 #1" in nudge.text and nudge.dedupe_key == f"nudge:1:{uid}:1"
    desk.ask(HR, "催评价 #1")
    assert desk.notices(WANGWU)[-1].dedupe_key == f"nudge:1:{uid}:2"
    assert desk.get(Panelist, Panelist.user_id == uid).nudges == 2
    desk.ask(WANGWU, "评价 #1 结论:不推荐 评分:2")
    assert "没有待交的评价" in desk.ask(HR, "待评价")
    assert "已全部提交" in desk.ask(HR, "催评价 #1")
