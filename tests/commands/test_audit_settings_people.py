"""The audit log, settings (API and command), roles and names, and how people are named."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from commands import people
from commands.router import CommandError
from commands.settings_store import (
    ORG_DEFAULTS,
    org_setting,
    org_settings,
    set_org_setting,
    set_user_setting,
    user_setting,
)
from store.hiring import AuditLog
from store.models import User
from tests.commands.conftest import HR, LISI, WANGWU, ZHAOLIU

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)


def audit_rows(desk) -> list[AuditLog]:
    with desk.sessions() as s:
        return list(s.scalars(select(AuditLog).order_by(AuditLog.id)))


def test_every_write_is_audited_with_actor_before_after_and_source(desk, clock):
    desk.user("boss", "admin", "老板")
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 王五")
    desk.ask(LISI, "接受 #1")
    desk.ask(WANGWU, "拒绝 #1 出差")
    desk.ask(HR, "加面试官 #1 赵六")
    desk.confirm(HR, desk.ask(HR, "移除面试官 #1 王五"))
    desk.ask(HR, "改期 #1 后天下午3点 原因:候选人冲突")
    clock.advance(days=2, hours=6, minutes=5)
    desk.ask(LISI, "评价 #1 结论:推荐 评分:4")
    desk.ask(HR, "催评价 #1")
    desk.ask(HR, "完成 #1")
    desk.confirm(HR, desk.ask(HR, "爽约 #1"))
    desk.ask(HR, "新建候选人 赵敏")
    desk.confirm("boss", desk.ask("boss", "角色 李四 HR"))
    desk.ask(HR, "姓名 @zhaoliu 赵六六")
    desk.ask("boss", "设置 全局 工作时间 10:00-18:00")
    desk.ask(LISI, "设置 提醒 30")
    rows = audit_rows(desk)
    assert [r.action for r in rows] == [
        "create", "accept", "decline", "add_interviewer", "remove_interviewer", "reschedule",
        "feedback", "nudge", "complete", "no_show", "create", "role_change", "rename",
        "setting", "setting"]
    assert all(r.actor_id and r.source_key and r.source_key.startswith("test:") for r in rows)
    assert len({r.source_key for r in rows}) == len(rows)
    moved = rows[5]
    assert moved.reason == "候选人冲突"
    assert moved.before["start"].startswith("2026-11-26T07:00") and \
        moved.after["start"].startswith("2026-11-27T07:00")
    assert rows[11].before == {"role": "interviewer"} and rows[11].after == {"role": "hr"}
    assert rows[13].before == {"work_hours": "09:00-19:00"}


def test_audit_command_shows_the_history_in_the_readers_clock(desk):
    desk.user("boss", "admin", "老板")
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    desk.ask(HR, "改期 #1 后天下午4点 原因:候选人冲突")
    text = desk.ask("boss", "审计 #1")
    lines = text.splitlines()
    assert lines[0] == "#1 操作记录（2 条）："
    assert lines[1].startswith("11-25 10:00 王芳 创建 · msg test:")
    assert "王芳 改期（候选人冲突）" in lines[2] and "start: 11-26 15:00→11-27 16:00" in lines[2]
    assert "No audit entries for #7" in desk.ask("boss", "audit #7")


def test_org_settings_have_the_agreed_defaults_and_can_be_set(desk):
    assert ORG_DEFAULTS == {
        "remind_offsets_min": [60, 15], "digest_time": "09:00", "feedback_first_after_min": 60,
        "feedback_every_min": 1440, "feedback_max": 10, "quiet_hours": "22:00-08:00",
        "work_hours": "09:00-19:00", "completed_grace_min": 15, "language": "zh",
        "work_days": [1, 2, 3, 4, 5], "lunch": "12:00-13:30",
        # WeCom office features (issue 15): off until an admin switches them on.
        "calendar": False, "calendar_id": None, "meetings": False, "rooms": False,
        "interview_hours": None, "interview_caps": None,
        "invite_wording": None}   # the self-scheduling page's words (issue 16): ours
    with desk.sessions.begin() as s:
        assert org_settings(s) == ORG_DEFAULTS
        assert set_org_setting(s, "remind_offsets_min", [30], by=None, now=NOW) == [60, 15]
        assert org_setting(s, "remind_offsets_min") == [30]
        with pytest.raises(KeyError):
            org_setting(s, "nope")
        lisi = s.scalars(select(User).where(User.wecom_userid == LISI)).one()
        assert user_setting(s, lisi.id, "remind_offsets_min") == [30]     # falls back to org
        set_user_setting(s, lisi.id, "remind_offsets_min", [5], NOW)
        assert user_setting(s, lisi.id, "remind_offsets_min") == [5]
        set_user_setting(s, lisi.id, "remind_offsets_min", None, NOW)      # cleared
        assert user_setting(s, lisi.id, "remind_offsets_min") == [30]
        assert user_setting(s, lisi.id, "digest_enabled") is True


@pytest.mark.parametrize("command, stored", [
    ("设置 全局 工作时间 9:30-18:00", ("work_hours", "09:30-18:00")),
    ("settings org reminders 1h, 10", ("remind_offsets_min", [60, 10])),
    ("settings org digest off", ("digest_time", "off")),
    ("设置 全局 免打扰 23:00-07:30", ("quiet_hours", "23:00-07:30")),
    ("设置 全局 评价提醒间隔 1d", ("feedback_every_min", 1440)),
    ("settings org feedback_max 3", ("feedback_max", 3)),
    ("settings org grace 30", ("completed_grace_min", 30)),
])
def test_admins_set_org_settings(desk, command, stored):
    desk.user("boss", "admin", "老板")
    text = desk.ask("boss", command)
    assert "(was" in text or "原为" in text
    with desk.sessions() as s:
        assert org_setting(s, stored[0]) == stored[1]


@pytest.mark.parametrize("command", ["设置 全局 工作时间 19:00-09:00", "settings org reminders 0",
                                     "settings org digest 25:00", "settings org feedback_max x",
                                     "settings org colour blue", "设置 时区 Mars/Base",
                                     "settings reminders soon", "设置 日报 也许", "设置 颜色 红"])
def test_bad_settings_are_refused_with_an_example(desk, command):
    desk.user("boss", "admin", "老板")
    text = desk.ask("boss", command)
    assert "例如" in text or "Example" in text
    with desk.sessions() as s:
        assert org_settings(s) == ORG_DEFAULTS
        assert user_setting(s, 1, "remind_offsets_min") == [60, 15]


def test_org_settings_are_for_admins_and_work_hours_shape_suggestions(desk):
    assert "管理员" in desk.ask(HR, "设置 全局 工作时间 13:00-18:00")
    desk.user("boss", "admin", "老板")
    desk.ask("boss", "设置 全局 工作时间 13:00-18:00")
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四")
    clash = desk.ask(HR, "安排 赵敏 明天下午3点 面试官 李四")
    assert "① 2026-11-26 (周四) 13:00–14:00" in clash
    assert "09:00" not in clash
    assert "13:00–15:00、16:00–18:00" in desk.ask(HR, "空闲 李四 明天")


def test_personal_settings(desk):
    assert "remind_offsets_min = 30,10" in desk.ask(LISI, "settings reminders 10,30")
    desk.ask(LISI, "设置 时区 Asia/Tokyo")
    desk.ask(LISI, "设置 日报 关")
    desk.ask(LISI, "设置 姓名 李小四")
    text = desk.ask(LISI, "设置")
    assert "姓名：李小四" in text and "Asia/Tokyo" in text and "30,10" in text and "日报：off" in text
    u = desk.users()[LISI]
    assert u.name_synced is True
    assert "reminders (minutes before): 60,15" in desk.ask(WANGWU, "settings")


def test_role_change_is_confirmed_notified_and_guarded(desk):
    desk.user("boss", "admin", "老板")
    ask = desk.ask("boss", "角色 李四 HR")
    assert desk.users()[LISI].role == "interviewer"
    assert "已将 李四 的角色设为 HR" in desk.confirm("boss", ask)
    assert desk.users()[LISI].role == "hr"
    assert "角色设为 HR" in desk.notices(LISI)[0].text
    assert "已经是HR" in desk.ask("boss", "角色 李四 HR")
    assert "最后一位管理员" in desk.ask("boss", "角色 老板 面试官")
    assert "缺少角色" in desk.ask("boss", "角色 李四")


def test_hr_names_a_member_so_they_can_be_found_by_name(desk):
    desk.ask(HR, "姓名 @qianqi 钱七")
    u = desk.users()["qianqi"]
    assert (u.name, u.name_synced, u.role) == ("钱七", True, "interviewer")
    assert "已安排 #1" in desk.ask(HR, "安排 张三 明天下午3点 面试官 钱七")


def test_people_are_found_by_userid_name_and_mention(desk):
    desk.user("lisi_en", "interviewer", "Li Si")
    with desk.sessions() as s:
        assert people.resolve(s, "LISI").wecom_userid == LISI          # userids ignore case
        assert people.resolve(s, "@李四").wecom_userid == LISI         # a mention by name
        assert people.resolve(s, "＠lisi").wecom_userid == LISI         # full-width @
        assert people.resolve(s, "li si").wecom_userid == "lisi_en"
        assert people.resolve(s, "LI  SI").wecom_userid == "lisi_en"    # spacing doesn't matter
        assert people.resolve(s, "LiSi").wecom_userid == LISI           # an exact userid wins
        assert [u.wecom_userid for u in people.resolve_many(s, "李四, @wangwu 赵六 Li Si")] == \
            [LISI, WANGWU, ZHAOLIU, "lisi_en"]
        with pytest.raises(CommandError) as err:
            people.resolve(s, "钱七")
        assert "找不到「钱七」" in err.value.zh and "@lisi" in err.value.zh
        with pytest.raises(CommandError) as err:
            people.resolve_many(s, "李四 钱七 孙八")
        assert "钱七" in err.value.zh and "孙八" in err.value.zh
        with pytest.raises(CommandError) as err:   # never met: looked up first (issue 17)
            people.resolve(s, "@New.Hire")
        assert "还没见过 @New.Hire" in err.value.zh
        fresh = people.resolve(s, "@New.Hire", accept_unmet=True)
        assert fresh.id is None and fresh.wecom_userid == "new.hire"


def test_the_name_sync_hook_for_the_worker(desk):
    assert "正在企业微信通讯录中核实" in desk.ask(HR, "安排 张三 明天下午3点 面试官 @newbie @ghost")
    with desk.sessions.begin() as s:
        assert [u.wecom_userid for u in people.unsynced(s)] == ["newbie", "ghost"]
        people.directory_name(s, "NEWBIE", "牛新")
        people.directory_name(s, "ghost", None)        # not visible to the app: stop asking
        people.directory_name(s, LISI, "别的名字")        # a name set by a person stays
    with desk.sessions() as s:
        assert people.unsynced(s) == []
    users = desk.users()
    assert (users["newbie"].name, users["ghost"].name, users[LISI].name) == ("牛新", "ghost", "李四")
    assert "已安排 #1" in desk.ask(HR, "安排 赵敏 后天下午3点 面试官 牛新")
