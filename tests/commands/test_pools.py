"""Interviewer pools: HR create, add, remove and list; nothing half-written on a bad name."""
from __future__ import annotations

from sqlalchemy import select

from store.hiring import AuditLog, InterviewerPool, PoolMember
from store.models import User
from tests.commands.conftest import HR, LISI


def pool_members(desk, name: str) -> set[str]:
    users = {u.id: u.wecom_userid for u in desk.users().values()}
    pool = desk.get(InterviewerPool, InterviewerPool.name == name)
    with desk.sessions() as s:
        ids = s.scalars(select(PoolMember.user_id).where(PoolMember.pool_id == pool.id))
        return {users[i] for i in ids}


def test_chinese_create_lists_members_and_echoes(desk):
    reply = desk.ask(HR, "面试官池 后端 李四 王五 赵六")
    assert "已新建面试官池「后端」" in reply and "李四、王五、赵六" in reply
    assert pool_members(desk, "后端") == {"lisi", "wangwu", "zhaoliu"}
    assert "（3 人）" in desk.ask(HR, "面试官池")


def test_english_add_remove_and_case_and_suffix_fold(desk):
    assert "Created pool “backend”" in desk.ask(HR, "pool Backend add @lisi @wangwu")
    assert "Added 赵六" in desk.ask(HR, "pool backend add @zhaoliu @lisi")
    assert "nothing changed" in desk.ask(HR, "pool backendpool add @lisi")
    assert "Removed 李四" in desk.ask(HR, "pool backend remove @lisi")
    assert pool_members(desk, "backend") == {"wangwu", "zhaoliu"}
    assert "Pool “backend” (2)" in desk.ask(HR, "pool backend")
    actions = [a.action for a in _audit(desk)]
    assert actions == ["pool_create", "pool_add", "pool_add", "pool_remove"]


def _audit(desk) -> list[AuditLog]:
    with desk.sessions() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.entity == "pool")
                              .order_by(AuditLog.id)))


def test_unknown_person_writes_nothing(desk):
    reply = desk.ask(HR, "面试官池 后端 李四 无名氏")
    assert "无名氏" in reply
    assert desk.count(InterviewerPool) == 0 and desk.count(PoolMember) == 0


def test_removing_someone_not_in_the_pool_changes_nothing(desk):
    desk.ask(HR, "pool backend add @lisi @wangwu")
    assert "not in pool" in desk.ask(HR, "pool backend remove @lisi @zhaoliu")
    assert pool_members(desk, "backend") == {"lisi", "wangwu"}


def test_unknown_pool_and_bad_name_are_refused(desk):
    assert "没有名为「前端」" in desk.ask(HR, "面试官池 前端")
    assert "can't be a pool name" in desk.ask(HR, "pool a/b add @lisi")
    assert desk.count(InterviewerPool) == 0


def test_interviewers_may_not_manage_pools(desk):
    desk.ask(LISI, "面试官池 后端 李四")
    assert desk.count(InterviewerPool) == 0


def test_rename_keeps_members_and_refuses_a_taken_name(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    desk.ask(HR, "面试官池 前端 赵六")
    assert "已有名为「前端」" in desk.ask(HR, "面试官池 后端 改名 前端池")
    reply = desk.ask(HR, "面试官池 后端 改名 服务端")
    assert "已将面试官池「后端」改名为「服务端」" in reply and "李四、王五" in reply
    assert pool_members(desk, "服务端") == {"lisi", "wangwu"}
    assert "Renamed pool “服务端” to “server”" in desk.ask(HR, "pool 服务端 rename server")
    assert desk.count(InterviewerPool, InterviewerPool.name == "后端") == 0
    assert [a.action for a in _audit(desk)][-2:] == ["pool_rename", "pool_rename"]


def test_delete_waits_for_confirmation(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    question = desk.ask(HR, "面试官池 后端 删除")
    assert "删除面试官池「后端」（2 人）？" in question and "确认" in question
    assert desk.count(InterviewerPool) == 1
    assert "已删除面试官池「后端」" in desk.confirm(HR, question)
    assert desk.count(InterviewerPool) == 0 and desk.count(PoolMember) == 0
    assert desk.count(User) >= 2
    assert "没有名为「后端」" in desk.ask(HR, "面试官池 后端 删除")


def test_delete_with_people_still_removes_members(desk):
    desk.ask(HR, "面试官池 后端 李四 王五")
    assert "已移除 李四" in desk.ask(HR, "面试官池 后端 删除 李四")
    assert pool_members(desk, "后端") == {"wangwu"}
    assert "Delete pool “后端” (1 member)?" in desk.ask(HR, "pool 后端 delete")
