"""Issue 12: one state model for each interviewer, honoured by every command, view and clock
message; amendments, absence, the decision and the next round; HR warnings; languages."""
from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.pipeline.clock import ReminderClock
from commands import states
from store.hiring import ATTENDING, STATUSES, AuditLog, Candidate, Feedback, Interview, Panelist
from store.models import OutboxMessage
from tests.commands.conftest import HR, LISI, WANGWU, ZHAOLIU

SH = ZoneInfo("Asia/Shanghai")
PLAN = "安排 张三 明天下午3点 面试官 李四 王五"          # Thu 2026-11-26 15:00–16:00


def at(desk, *args: int) -> None:
    desk.clock.now = datetime(*args, tzinfo=SH).astimezone(UTC)


def tick(desk) -> None:
    ReminderClock(desk.sessions, "Asia/Shanghai")(desk.clock())


def outbox(desk, prefix: str = "") -> list[OutboxMessage]:
    with desk.sessions() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [r for r in rows if (r.dedupe_key or "").startswith(prefix)]


# --- the table itself -------------------------------------------------------------------------

@pytest.mark.parametrize("event", sorted(states.PANELIST))
def test_every_move_lands_in_a_state_the_schema_allows(event):
    m = states.PANELIST[event]
    for answer in m.answers:
        for fb in m.feedback:
            p = Panelist(rsvp=answer, feedback_status=fb)
            states.move(event, p)
            assert p.rsvp in ("pending", "accepted", "declined", "removed")
            assert p.feedback_status in ("pending", "submitted", "waived", "excused")
            # Off the panel never owes or gives feedback.
            if p.rsvp not in ATTENDING:
                assert p.feedback_status != "pending" and not states.owes_feedback(p)


def test_moves_outside_the_table_are_refused_with_the_state_named():
    p = Panelist(rsvp="declined", feedback_status="excused")
    with pytest.raises(states.CommandError) as err:
        states.move("feedback", p, iid=8)
    assert "已拒绝" in err.value.zh and "declined" in err.value.en
    assert (p.rsvp, p.feedback_status) == ("declined", "excused")   # unchanged
    assert "decline" in states.table_text() and "reschedule" in states.table_text()


@pytest.mark.parametrize("event", sorted(states.INTERVIEW))
def test_every_interview_event_lands_in_a_status_the_schema_allows(event):
    froms, to = states.INTERVIEW[event]
    for status in froms:
        iv = Interview(id=3, status=status)
        states.advance(event, iv)
        assert iv.status == to and to in STATUSES


def test_interview_events_outside_the_table_are_refused_with_the_status_named():
    iv = Interview(id=3, status="cancelled")
    for event in ("reschedule", "complete", "decide", "confirm", "cancel", "schedule"):
        with pytest.raises(states.CommandError) as err:
            states.advance(event, iv)
        assert "#3" in err.value.zh and "已取消" in err.value.zh and "cancelled" in err.value.en
    assert iv.status == "cancelled"
    text = states.table_text()
    assert "INTERVIEW" in text and "no_show" in text.split("INTERVIEW")[1]


def test_settle_confirms_on_the_last_acceptance_and_steps_back_on_a_withdrawal():
    iv = Interview(id=3, status="rescheduled")
    states.settle(iv, ["accepted", "pending"])
    assert iv.status == "rescheduled"
    states.settle(iv, ["accepted", "accepted"])
    assert iv.status == "confirmed"
    states.settle(iv, ["accepted", "pending"])     # someone added, or an answer withdrawn
    assert iv.status == "scheduled"
    done = Interview(id=4, status="completed")
    states.settle(done, ["accepted"])               # an answer after the end changes nothing
    assert done.status == "completed"


# Assignments to `.status` that are not an interview's: the claim loops of the outbox and of the
# WeCom office jobs set their own rows' status; the fake WeCom and the simulator their own.
OTHER_TABLES = {("bot/pipeline/outbox.py", "row.status"), ("bot/pipeline/oa_jobs.py", "r.status"),
                ("devkit/simulator/wecom_side.py", "self.status"),
                ("devkit/fakewecom/errors.py", "self.status"),
                # a self-scheduling link's own status (used, revoked), and an HTTP refusal's code
                ("commands/selfsched.py", "inv.status"), ("bot/web/selfsched.py", "self.status")}
ROOT = Path(__file__).resolve().parents[2]


def status_writers(source: str) -> list[tuple[int, str]]:
    """Every place in `source` that may write an interview's status outside commands.states."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            found += [(node.lineno, ast.unparse(e)) for e in ast.walk(t)
                      if isinstance(e, ast.Attribute) and e.attr == "status"
                      and isinstance(e.ctx, ast.Store)]
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            keywords = {k.arg for k in node.keywords}
            if name == "Interview" and "status" in keywords:
                found.append((node.lineno, "Interview(status=…)"))
            if name.endswith(".values") and "status" in keywords and "Interview" in name:
                found.append((node.lineno, "update(Interview).values(status=…)"))
            if name == "setattr" and len(node.args) > 1 and \
                    isinstance(node.args[1], ast.Constant) and node.args[1].value == "status":
                found.append((node.lineno, "setattr(…, 'status', …)"))
    return found


def test_status_writer_scan_sees_every_form_of_write():
    src = ("iv.status = 'x'\nv.iv.status, v.iv.updated_at = 'x', now\n"
           "Interview(status='x')\nsetattr(iv, 'status', 'x')\n"
           "s.execute(update(Interview).where(Interview.id == 1).values(status='x'))\n"
           "if iv.status == 'x': pass\n")
    assert [line for line, _ in status_writers(src)] == [1, 2, 3, 4, 5]


def test_only_the_state_table_sets_an_interviews_status():
    # A new handler that sets Interview.status itself would skip INTERVIEW's checks; go
    # through states.advance instead.
    offenders = []
    for package in ("commands", "bot", "store", "devkit"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "commands/states.py":
                continue
            offenders += [f"{rel}:{line} {what}" for line, what in
                          status_writers(path.read_text(encoding="utf-8"))
                          if (rel, what) not in OTHER_TABLES]
    assert offenders == []


# --- declined and removed, everywhere ---------------------------------------------------------

def test_a_declined_interviewer_is_off_every_view_and_cannot_give_feedback(desk):
    desk.ask(HR, PLAN)
    desk.ask(LISI, "拒绝 #1 当天出差")
    mine = desk.ask(LISI, "我的面试")
    assert mine.startswith("你近两周没有面试。") and "不参加：" in mine and "你已拒绝" in mine
    detail = desk.ask(HR, "面试 #1")
    assert "面试官：王五（未回复）" in detail and "不参加：李四（已拒绝）" in detail
    listed = desk.ask(HR, "面试列表 明天")
    assert "· 王五(未回复)；不参加 李四(已拒绝) ·" in listed
    assert "#1" not in desk.ask(HR, "面试列表 明天 李四")           # not listed as attending
    at(desk, 2026, 11, 26, 9, 0)                                     # Thu morning
    assert "今天（11-26）你没有面试" in desk.ask(LISI, "今日")
    tick(desk)
    [summary] = outbox(desk, "agenda-hr:")
    assert "(王五)" in summary.content and "李四" not in summary.content
    assert [r.touser for r in outbox(desk, "agenda:")] == [WANGWU]
    at(desk, 2026, 11, 26, 17, 30)                                   # after the end
    refused = desk.ask(LISI, "评价 #1 结论:推荐 评分:4")
    assert "你没有参加 #1（已拒绝），不能评价" in refused
    assert desk.count(Feedback) == 0
    due = desk.ask(HR, "待评价")
    assert "王五" in due and "李四" not in due
    tick(desk)
    assert [r.touser for r in outbox(desk, "autonudge:")] == [WANGWU]
    past = desk.ask(LISI, "我的面试 今天")
    assert "你已拒绝" in past and "已完成" not in past


def test_a_removed_interviewer_keeps_a_row_that_says_so(desk):
    desk.ask(HR, PLAN)
    desk.confirm(HR, desk.ask(HR, "移除面试官 #1 王五"))
    assert "你已被移除" in desk.ask(WANGWU, "我的面试")
    assert "不参加：王五（已移除）" in desk.ask(HR, "面试 #1")
    assert "不在 #1" in desk.ask(HR, "移除面试官 #1 王五")
    assert "已将 王五（wangwu） 加入 #1" in desk.ask(HR, "加面试官 #1 王五")   # invited again
    row = desk.get(Panelist, Panelist.user_id == desk.users()[WANGWU].id)
    assert (row.rsvp, row.feedback_status) == ("pending", "pending")


def test_the_last_decline_flags_the_empty_panel_to_hr_at_once(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    desk.ask(LISI, "拒绝 #1 出差")
    [told] = [r for r in desk.notices(HR) if r.dedupe_key.startswith("declined:")]
    assert told.text.startswith("⚠ #1 的面试官已全部拒绝") and "改期 #1" in told.text
    assert desk.get(Interview, Interview.id == 1).needs_attention
    assert "面试官：（无）" in desk.ask(HR, "面试 #1")


# --- feedback: amend, absent, decide ----------------------------------------------------------

def test_feedback_is_amended_by_its_author_until_the_decision(desk):
    desk.ask(HR, PLAN)
    at(desk, 2026, 11, 26, 16, 30)
    desk.ask(LISI, "评价 #1 结论:推荐 评分:4 备注:基础扎实")
    assert "不在面试 #1" in desk.ask(ZHAOLIU, "修改评价 #1 评分:2")
    text = desk.ask(LISI, "修改评价 #1 评分:3 备注:系统设计偏弱")
    assert "已修改 #1 的评价：推荐，3/5，备注：系统设计偏弱" in text
    fb = desk.get(Feedback, Feedback.interview_id == 1)
    assert (fb.recommendation, fb.score, fb.amended_at) == ("yes", 3, desk.clock())
    entry = desk.get(AuditLog, AuditLog.action == "amend_feedback")
    assert entry.before["score"] == 4 and entry.before["notes"] == "基础扎实"
    assert entry.after["score"] == 3
    assert "没有要修改的内容" in desk.ask(LISI, "修改评价 #1")
    assert "还没有提交" in desk.ask(WANGWU, "修改评价 #1 评分:3")
    assert "决定：通过" in desk.ask(HR, "决定 #1 通过 进入二面")
    assert "评价已关闭" in desk.ask(LISI, "修改评价 #1 评分:5")
    assert "评价已关闭" in desk.ask(WANGWU, "评价 #1 结论:推荐 评分:4")
    assert desk.get(Feedback, Feedback.interview_id == 1).score == 3


def test_absent_excuses_feedback_and_unconfirmed_still_get_nudged(desk):
    desk.ask(HR, PLAN)                                   # nobody answers
    assert "还没开始" in desk.ask(HR, "缺席 #1 李四")
    at(desk, 2026, 11, 26, 16, 30)
    assert "已记录 李四 缺席 #1" in desk.ask(HR, "缺席 #1 李四")
    assert "不能标记缺席" in desk.ask(HR, "缺席 #1 李四")
    assert "缺席" in desk.ask(LISI, "我的面试 今天")
    assert "不能评价" in desk.ask(LISI, "评价 #1 结论:推荐 评分:4")
    at(desk, 2026, 11, 26, 17, 30)
    tick(desk)
    assert [r.touser for r in outbox(desk, "autonudge:")] == [WANGWU]   # unconfirmed: nudged


def test_the_decision_closes_the_loop_and_shows_in_the_candidates_history(desk):
    desk.ask(HR, PLAN)
    at(desk, 2026, 11, 26, 15, 30)
    assert "还没结束" in desk.ask(HR, "决定 #1 通过")
    at(desk, 2026, 11, 26, 16, 30)
    assert "还没有任何评价" in desk.ask(HR, "决定 #1 通过")
    desk.ask(LISI, "评价 #1 结论:推荐 评分:4")
    assert "Unknown decision “maybe”" in desk.ask(HR, "decide #1 maybe")
    assert "只有「通过」后" in desk.ask(HR, "安排下一轮 #1 下周一上午10点 面试官 赵六")
    text = desk.ask(HR, "决定 #1 不通过 沟通一般")
    assert "决定：不通过" in text and "王五 未交评价，不再提醒" in text
    assert desk.get(Interview, Interview.id == 1).decision == "fail"
    text = desk.ask(HR, "decide #1 hire strong on systems")
    assert "hire (was no-hire)" in text
    row = desk.get(Panelist, Panelist.user_id == desk.users()[WANGWU].id)
    assert row.feedback_status == "waived"
    assert desk.get(Candidate, Candidate.id == 1).decision == "pass"
    at(desk, 2026, 11, 27, 17, 30)
    tick(desk)
    assert outbox(desk, "autonudge:") == []                 # the loop is closed
    assert "没有待交的评价" in desk.ask(HR, "待评价")
    history = desk.ask(HR, "候选人 张三")
    assert "决定：通过（strong on systems）" in history
    with desk.sessions() as s:               # closed here: an open one would block the next TRUNCATE
        actions = [a.action for a in s.scalars(select(AuditLog).where(AuditLog.action == "decide"))]
    assert actions == ["decide", "decide"]
    text = desk.ask(HR, "安排下一轮 #1 下周一上午10点 面试官 赵六")
    assert "已安排 #2 张三｜二面" in text
    assert desk.get(Interview, Interview.id == 2).round == 2


# --- HR warnings ------------------------------------------------------------------------------

def test_hr_is_warned_24h_and_2h_before_and_at_the_start_once_each(desk):
    at(desk, 2026, 11, 25, 9, 0)
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 王五")
    desk.ask(LISI, "接受 #1")
    at(desk, 2026, 11, 25, 14, 59)
    tick(desk)
    assert outbox(desk, "hrwarn:") == []
    at(desk, 2026, 11, 25, 15, 0)
    tick(desk)
    tick(desk)
    [day] = outbox(desk, "hrwarn:")
    assert day.touser == HR and "王五 还没有确认参加" in day.content and "李四" not in day.content
    assert "催确认 #1" in day.content and "加面试官 #1" in day.content and "改期 #1" in day.content
    card = json.loads(day.content)             # one tap each, not commands to retype
    assert day.msgtype == "template_card" and card["card_type"] == "button_interaction"
    assert [b["key"] for b in card["button_list"]] == ["催确认 #1", "加面试官 #1", "改期 #1"]
    at(desk, 2026, 11, 26, 13, 0)
    tick(desk)
    assert [r.dedupe_key.split(":")[2] for r in outbox(desk, "hrwarn:")] == ["24h", "2h"]
    at(desk, 2026, 11, 26, 15, 1)
    tick(desk)
    start = outbox(desk, "hrwarn:")[-1]
    assert start.dedupe_key.split(":")[2] == "start" and "仍未确认参加" in start.content
    assert "缺席 #1" in start.content


def test_no_warning_when_everyone_answered_and_none_after_a_cancellation(desk):
    desk.ask(HR, PLAN)
    desk.ask(HR, "安排 赵敏 明天下午5点 面试官 赵六")
    desk.ask(LISI, "接受 #1")
    desk.ask(WANGWU, "接受 #1")
    at(desk, 2026, 11, 25, 17, 0)
    tick(desk)
    assert [r.dedupe_key.split(":")[1] for r in outbox(desk, "hrwarn:")] == ["2"]
    desk.confirm(HR, desk.ask(HR, "取消 #2"))
    assert [r.status for r in outbox(desk, "hrwarn:")] == ["void"]   # queued, never sent
    at(desk, 2026, 11, 26, 15, 30)
    tick(desk)
    assert len(outbox(desk, "hrwarn:")) == 1


# --- languages --------------------------------------------------------------------------------

def test_pushes_follow_the_stored_preference_and_replies_the_message(desk):
    assert "You're on" not in desk.ask(HR, PLAN)
    assert "You're on for #1" in desk.ask(LISI, "accept #1")      # reply: the message's language
    desk.ask(HR, "改期 #1 明天下午4点")
    [moved] = [r for r in desk.notices(LISI) if r.dedupe_key.startswith("rescheduled:")]
    assert "已改期" in moved.text                                 # push: still Chinese
    assert "英文" in desk.ask(LISI, "设置 语言 English")          # replied in Chinese
    desk.ask(HR, "改期 #1 明天下午5点")
    moved = [r for r in desk.notices(LISI) if r.dedupe_key.startswith("rescheduled:")][-1]
    assert "was rescheduled" in moved.text
    desk.ask(LISI, "接受 #1")                                     # Chinese reply, no switch
    assert desk.users()[LISI].lang == "en"
    assert "语言（通知）：en" in desk.ask(LISI, "设置")
    assert "不是有效的值" in desk.ask(LISI, "设置 语言 Klingon")


def test_the_org_default_language_applies_to_people_who_have_not_chosen(desk):
    desk.user("admin1", "admin", "管理员")
    assert "language = en" in desk.ask("admin1", "设置 全局 语言 English")
    desk.ask(HR, PLAN)
    [assigned] = [r for r in desk.notices(LISI) if r.dedupe_key.startswith("assigned:")]
    assert "has put you on an interview" in assigned.text


def test_the_warnings_add_someone_button_asks_for_the_name_and_one_answer_adds_them(desk):
    desk.ask(HR, PLAN)
    asked = desk.ask(HR, "加面试官 #1")        # what the card's button sends
    assert "直接回复" in asked and desk.count(Panelist) == 2
    done = desk.ask(HR, "赵六")
    assert "赵六" in done and "加入 #1" in done and desk.count(Panelist) == 3
