"""`邀约` / `invite` and `改约链接` / `reschedule link`: the link, what was understood, the
slots as fair picking finds them, and the booking through the schedule path (one savepoint:
a slot taken meanwhile writes nothing)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from commands import invite_token, selfsched
from store.hiring import AuditLog, Interview, Panelist, PendingConfirmation
from store.invitations import Invitation
from tests.commands.conftest import HR, LISI, WANGWU

SH = ZoneInfo("Asia/Shanghai")


def token_of(reply: str) -> str:
    return re.search(r"/book/(\S+)", reply).group(1)


def open_slots(desk, iid: int) -> list[tuple[datetime, datetime]]:
    with desk.sessions() as s:
        return selfsched.slots(s, s.get(Invitation, iid), desk.clock(), SH)


def book(desk, iid: int, start: datetime) -> selfsched.Booked:
    with desk.sessions.begin() as s:
        inv = s.get(Invitation, iid, with_for_update=True)
        return selfsched.book(s, desk.settings, inv, start, desk.clock())


def test_invite_makes_a_signed_link_and_says_what_it_understood(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    reply = desk.ask(HR, "邀约 张三 后端池 本周 60分钟")
    assert "/book/" in reply and "72 小时内有效，仅可使用一次" in reply, reply
    assert "理解为：候选人 张三（新候选人，预约时建档）；从「后端」池选 1 人" in reply
    assert "本周（2026-11-25 (周三) 至 2026-11-29 (周日)）；时长 60 分钟" in reply
    key = invite_token.derive_key(desk.settings.secret)
    iid, nonce = invite_token.read(key, token_of(reply))
    row = desk.get(Invitation, Invitation.id == iid)
    assert (row.nonce, row.status, row.pool_name, row.minutes) == (nonce, "open", "后端", 60)
    assert row.expires_at == desk.clock() + timedelta(hours=72)
    # Wed 10:00 now: two hours' notice, lunch and the weekend left out, three working days.
    slots = open_slots(desk, iid)
    assert slots[0][0] == datetime(2026, 11, 25, 13, 30, tzinfo=SH)
    assert all(s.astimezone(SH).weekday() < 5 for s, _ in slots)
    assert not any(s.astimezone(SH).hour == 12 for s, _ in slots)
    english = desk.ask(HR, "invite Alice Wang 后端 x2 next week 45min")
    assert "Understood: candidate Alice Wang (new; saved when they book); 2 from pool “后端”" \
        in english and "45 minutes" in english, english


@pytest.mark.parametrize("text, why", [
    ("邀约 张三 本周 60分钟", "请写出面试官池"),
    ("邀约 张三 后端池 60分钟", "请写出时段"),
    ("邀约 后端池 本周", "请写出候选人"),
    ("邀约 张三 前端池 本周", "没有名为「前端」的面试官池"),
    ("邀约 张三 后端池 本周 500分钟", "时长应在 15–240 分钟之间"),
    ("邀约 张三 后端池 本周 下周", "时段写了两次"),
    ("邀约 张三 90 后端池 本周", "时长请写成 60分钟"),
])
def test_bad_invites_write_nothing(desk, text, why):
    desk.ask(HR, "面试官池 后端 李四 王五")
    assert why in desk.ask(HR, text)
    assert desk.count(Invitation) == 0


def test_only_hr_may_invite_and_a_busy_pool_gives_no_link(desk):
    desk.ask(HR, "面试官池 后端 李四")
    assert "/book/" not in desk.ask(LISI, "邀约 张三 后端池 本周")
    desk.ask(LISI, "设置 面试时段 周六 10:00-12:00")        # never inside working time
    assert "没有 1 人同时空闲的时段，未生成链接" in desk.ask(HR, "邀约 张三 后端池 本周")
    assert desk.count(Invitation) == 0


def test_booking_picks_fairly_notifies_and_uses_the_link_up(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    desk.ask(HR, "安排 甲 下周一上午10点 面试官 李四")        # lisi has the load
    iid = invite_token.read(invite_token.derive_key(desk.settings.secret),
                            token_of(desk.ask(HR, "邀约 张三 后端池 明天 60分钟")))[0]
    start = open_slots(desk, iid)[2][0]
    booked = book(desk, iid, start)
    texts = [r.text for r in booked.replies if r.to is None]
    assert texts[0].startswith("候选人 张三 通过自助链接选了这个时间。"), texts
    assert "从「后端」池选了 王五" in texts[0] and "已安排 #2 张三" in texts[0]
    assert any(r.to == WANGWU for r in booked.replies)       # the interviewer is told
    iv = desk.get(Interview, Interview.id == 2)
    assert iv.start_at == start and iv.end_at == start + timedelta(hours=1)
    inv = desk.get(Invitation, Invitation.id == iid)
    assert (inv.status, inv.interview_id, inv.booked_start) == ("used", 2, start)
    assert desk.count(AuditLog, AuditLog.action == "invite_booked") == 1


def test_a_slot_taken_meanwhile_is_refused_and_nothing_is_written(desk):
    desk.ask(HR, "面试官池 后端 李四")
    iid = invite_token.read(invite_token.derive_key(desk.settings.secret),
                            token_of(desk.ask(HR, "邀约 张三 后端池 明天")))[0]
    start = open_slots(desk, iid)[0][0]
    local = start.astimezone(SH)
    desk.ask(HR, f"安排 乙 明天{local:%H:%M} 面试官 李四")      # HR took lisi meanwhile
    assert start not in [s for s, _ in open_slots(desk, iid)]
    with pytest.raises(selfsched.SlotGone):
        book(desk, iid, start)
    assert desk.count(Interview) == 1 and desk.count(PendingConfirmation) == 0
    assert desk.get(Invitation, Invitation.id == iid).status == "open"
    for bad in (start + timedelta(minutes=10), datetime(2026, 11, 28, 2, 0, tzinfo=UTC),
                datetime(2026, 11, 20, 2, 0, tzinfo=UTC)):     # off grid, Saturday, past
        with pytest.raises(selfsched.SlotGone):
            book(desk, iid, bad)
    assert desk.count(Interview) == 1


def test_reschedule_link_moves_the_interview_to_a_slot_the_whole_panel_has(desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 王五")
    desk.ask(HR, "安排 乙 后天上午10点 面试官 王五")
    reply = desk.ask(HR, "改约链接 #1")
    assert "已生成 #1 张三 的改约链接" in reply and "/book/" in reply, reply
    iid = invite_token.read(invite_token.derive_key(desk.settings.secret), token_of(reply))[0]
    slots = [s for s, _ in open_slots(desk, iid)]
    busy = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
    assert busy not in slots and datetime(2026, 11, 26, 15, 0, tzinfo=SH) not in slots
    booked = book(desk, iid, slots[0])
    assert "已改期 #1" in booked.replies[0].text and "候选人 张三 通过自助链接" in \
        booked.replies[0].text
    assert {r.to for r in booked.replies if r.to} >= {LISI, WANGWU}
    assert desk.get(Interview, Interview.id == 1).start_at == slots[0]
    assert "There is no interview #9" in desk.ask(HR, "reschedule link #9")
    assert desk.count(Invitation) == 1
    with desk.sessions() as s:
        assert s.scalar(select(Panelist.start_at).where(Panelist.interview_id == 1)) == slots[0]


def test_with_the_calendar_on_a_booking_makes_the_event_as_schedule_does(desk):
    from commands.settings_store import set_org_setting
    from store.wecom_oa import WeComJob
    with desk.sessions.begin() as s:
        set_org_setting(s, "calendar", True, by=None, now=desk.clock())
        set_org_setting(s, "calendar_id", "wcCALENDAR", by=None, now=desk.clock())
    desk.ask(HR, "面试官池 后端 李四")
    iid = invite_token.read(invite_token.derive_key(desk.settings.secret),
                            token_of(desk.ask(HR, "邀约 张三 后端池 明天")))[0]
    booked = book(desk, iid, open_slots(desk, iid)[0][0])
    assert any("写入面试官的企业微信日历" in r.text for r in booked.replies if r.to is None)
    job = desk.get(WeComJob, WeComJob.interview_id == 1)
    assert (job.kind, job.payload) == ("sync", {"what": "create"})


def test_admin_sets_the_company_wording(desk):
    desk.user("boss", "admin", "老板")
    reply = desk.ask("boss", "设置 全局 邀约文案 感谢关注星河科技，请选择面试时间")
    assert "invite_wording = 感谢关注星河科技，请选择面试时间" in reply, reply
    with desk.sessions() as s:
        assert selfsched.wording(s, "zh") == "感谢关注星河科技，请选择面试时间"
    desk.ask("boss", "设置 全局 邀约文案 默认")
    with desk.sessions() as s:
        assert selfsched.wording(s, "en") == selfsched.WORDING[1]
    assert "不是 invite_wording 的有效值" in desk.ask("boss", "设置 全局 邀约文案 " + "长" * 301)


def test_the_link_uses_the_public_url_or_says_it_is_missing(desk):
    from dataclasses import replace
    desk.ask(HR, "面试官池 后端 李四")
    assert "尚未设置 BOT_PUBLIC_URL" in desk.ask(HR, "邀约 张三 后端池 明天")
    desk.settings = replace(desk.settings, public_url="https://bot.example.com")
    reply = desk.ask(HR, "邀约 李雷 后端池 明天")
    assert re.search(r"^https://bot\.example\.com/book/\d+\.\S+$", reply, re.M), reply
    assert "BOT_PUBLIC_URL" not in reply


def test_period_words_must_stand_alone_and_two_links_make_one_candidate(desk):
    from store.hiring import Candidate
    desk.ask(HR, "面试官池 后端 李四 王五")
    assert "请写出时段" in desk.ask(HR, "邀约 张三 后端池 本周五")     # a day, not 本周
    key = invite_token.derive_key(desk.settings.secret)
    first = invite_token.read(key, token_of(desk.ask(HR, "邀约 张三 后端池 明天")))[0]
    again = invite_token.read(key, token_of(desk.ask(HR, "邀约 张三 后端池 后天")))[0]
    book(desk, first, open_slots(desk, first)[0][0])
    book(desk, again, open_slots(desk, again)[0][0])
    assert desk.count(Candidate) == 1 and desk.count(Interview) == 2
    assert {iv.round for iv in _all(desk, Interview)} == {1, 2}


def _all(desk, model):
    with desk.sessions() as s:
        return list(s.scalars(select(model)))
