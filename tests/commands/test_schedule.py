"""`schedule` / `安排`: the echo, notifications, bad input, clashes and free slots, rounds."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from commands import people
from store.hiring import Candidate, Interview, Panelist, PendingConfirmation
from store.models import User
from tests.commands.conftest import HR, LISI, WANGWU

ZH = "安排 张三 明天下午3点 面试官 李四 王五 时长:60 轮次:二面 形式:视频"


def test_schedule_echoes_the_exact_time_and_notifies_each_interviewer(desk):
    replies = desk.say(HR, ZH)
    mine = [r for r in replies if r.to is None]
    assert len(mine) == 1
    assert "已安排 #1 张三｜二面" in mine[0].text
    assert "2026-11-26 (周四) 15:00–16:00 CST" in mine[0].text
    notices = {r.to: r for r in replies if r.to}
    assert set(notices) == {LISI, WANGWU}
    for r in notices.values():
        assert "2026-11-26 (周四) 15:00–16:00 CST" in r.text and "接受 #1" in r.text
        assert r.dedupe_key.startswith("assigned:1:")
    assert len({r.dedupe_key for r in notices.values()}) == 2
    iv = desk.get(Interview, Interview.id == 1)
    assert (iv.status, iv.round, iv.mode) == ("scheduled", 2, "video")
    assert iv.start_at == datetime(2026, 11, 26, 7, tzinfo=UTC)
    assert desk.count(Panelist, Panelist.interview_id == 1, Panelist.rsvp == "pending") == 2


def test_english_schedule_answers_in_english_and_takes_the_duration(desk):
    text = desk.ask(HR, "schedule Alice Wang tomorrow 3pm with @lisi dur:45 round:1")
    assert text.startswith("Scheduled #1 Alice Wang · Round 1")
    assert "2026-11-26 (Thu) 15:00–15:45 CST" in text


def test_a_time_range_sets_the_end(desk):
    assert "15:00–16:30 CST" in desk.ask(HR, "安排 张三 明天下午3点到4点半 面试官 李四")


def test_everything_missing_is_named_in_one_reply_with_an_example(desk):
    text = desk.ask(HR, "安排 张三")
    assert "缺少时间；缺少面试官" in text
    assert "例如：安排 张三 明天下午3点 面试官 李四 王五" in text
    assert desk.count(Candidate) == 0 and desk.count(Interview) == 0


def test_an_ambiguous_hour_is_asked_back_never_guessed(desk):
    text = desk.ask(HR, "安排 张三 3点 面试官 李四")
    assert "「3点」是 03:00 还是 15:00？" in text
    assert desk.count(Interview) == 0 and desk.count(Candidate) == 0


def test_a_past_time_is_refused(desk):
    text = desk.ask(HR, "schedule Bob yesterday 3pm with @lisi")
    assert "past" in text or "already" in text
    assert desk.count(Interview) == 0


def test_several_problems_come_back_together(desk):
    text = desk.ask(HR, "安排 张三 3点 面试官 钱七 时长:abc")
    assert "03:00 还是 15:00" in text and "找不到「钱七」" in text and "时长「abc」" in text
    assert desk.count(Interview) == 0


def test_a_name_shared_by_two_people_gets_the_choices(desk):
    desk.user("lisi2", "interviewer", "李四")
    text = desk.ask(HR, ZH)
    assert "「李四」有 2 位" in text and "@lisi" in text and "@lisi2" in text
    assert desk.count(Interview) == 0


def test_an_unknown_account_is_looked_up_in_the_directory_before_any_assignment(desk):
    text = desk.ask(HR, "安排 张三 明天下午3点 面试官 @newbie")   # never met: not assigned
    assert "还没见过 @newbie" in text and desk.count(Interview) == 0
    newbie = desk.users()["newbie"]   # put down for the worker's user/get lookup
    assert (newbie.role, newbie.name, newbie.name_synced) == ("interviewer", "newbie", False)
    assert desk.notices("newbie") == []
    with desk.sessions.begin() as s:
        people.directory_name(s, "newbie", "牛新")              # what the lookup found
    text = desk.ask(HR, "安排 张三 明天下午3点 面试官 @newbie")
    assert "已安排 #1" in text and "面试官：牛新（newbie）" in text
    assert [r.to for r in desk.notices("newbie")] == ["newbie"]


def test_a_clash_is_refused_with_three_free_slots_and_one_can_be_taken(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    desk.user("hr2", "hr", "刘洋")
    text = desk.ask("hr2", "安排 赵敏 明天下午3点半 面试官 李四 王五")
    assert "李四 在 2026-11-26 (周四) 15:00–16:00 CST 已有 #1" in text
    slots = re.findall(r"[①②③] (\d{4}-\d\d-\d\d) \(..\) (\d\d:\d\d)–(\d\d:\d\d) CST", text)
    assert len(slots) == 3
    for day, start, end in slots:
        assert "09:00" <= start and end <= "19:00"
        assert not (day == "2026-11-26" and start < "16:00" and end > "15:00")   # not in the clash
    assert desk.count(Interview) == 1
    assert "请选择 1–3" in desk.confirm("hr2", text)                     # which one?
    done = desk.confirm("hr2", text, " 2")
    day, start, end = slots[1]
    assert "已安排 #2 赵敏" in done and f"{day} " in done and f"{start}–{end} CST" in done
    assert "没有再做任何操作" in desk.confirm("hr2", text, " 3")            # used once only
    assert desk.count(Interview) == 2


def test_an_interviewer_who_declined_is_not_busy(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 王五")
    desk.ask(LISI, "拒绝 #1 当天出差")
    assert "已安排 #2" in desk.ask(HR, "安排 赵敏 明天下午3点 面试官 李四")
    assert "已有 #1" in desk.ask(HR, "安排 孙丽 明天下午3点 面试官 王五")


def test_rounds_follow_on_and_a_live_round_is_not_doubled(desk):
    desk.ask(HR, "安排 张三 明天上午10点 面试官 李四")
    assert "张三｜二面" in desk.ask(HR, "安排 张三 后天上午10点 面试官 王五")
    text = desk.ask(HR, "安排 张三 下周一上午10点 面试官 王五 轮次:一面")
    assert "已有 #1" in text and "改期 #1" in text
    assert desk.count(Interview) == 2


def test_outside_working_hours_is_asked_first_with_the_reason(desk):
    asked = desk.ask(HR, "安排 张三 明天晚上8点 面试官 李四")
    assert "不在工作时间：下班后（19:00 下班）。" in asked and "仍要安排 张三？" in asked
    assert desk.count(Interview) == 0                          # nothing written before the yes
    done = desk.confirm(HR, asked)
    assert "已安排 #1 张三" in done and "注意：不在工作时间（下班后" in done
    assert "不在工作时间" not in desk.ask(HR, "安排 赵敏 明天上午10点 面试官 李四")


def test_an_existing_candidate_is_reused_and_a_clash_payload_keeps_new_members(desk):
    desk.ask(HR, "新建候选人 张三 岗位:后端工程师")
    desk.ask(HR, "安排 C1 明天下午3点 面试官 李四")
    desk.user("newbie", "interviewer", "牛新")
    text = desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 @newbie 轮次:二面")
    assert "已有 #1" in text
    assert "已安排 #2 张三｜后端工程师｜二面" in desk.confirm(HR, text, " 1")
    assert desk.count(Candidate) == 1
    assert desk.count(PendingConfirmation, PendingConfirmation.outcome == "done") == 1


def test_interviewers_named_with_commas_and_he(desk):
    text = desk.ask(HR, "安排 张三 明天下午3点 面试官 李四和王五、赵六")
    assert "面试官：李四（lisi）、王五（wangwu）、赵六（zhaoliu）" in text
    desk.user("lisi_en", "interviewer", "Li Si")
    assert "Li Si" in desk.ask(HR, "schedule Bob tomorrow 10am with @Li Si, 王五")


def test_new_members_are_interviewers_with_their_userid_as_name(desk):
    assert "还没见过" in desk.ask(HR, "安排 张三 明天下午3点 面试官 @Zhou.Q")
    u: User = desk.users()["zhou.q"]
    assert u.name == "zhou.q" and u.name_synced is False


def test_overlong_values_are_refused_before_the_database(desk):
    text = desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 地点:" + "三" * 300)
    assert "地点太长" in text and desk.count(Interview) == 0
    text = desk.ask(HR, "新建候选人 " + "张" * 200 + " 邮箱:" + "a" * 300 + "@example.com")
    assert "姓名太长" in text and "邮箱" in text and len(text) < 400
    assert desk.count(Candidate) == 0
