"""People administration: `role <person> <role>` / `角色` (admin, confirmed first) and
`name <person> <display name>` / `姓名` (HR), until names come from the WeCom directory."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

import commands.kinds  # noqa: F401  (registers the parameter kinds used below)
from commands import audit, notify, people
from commands.confirm import ask, confirmable
from commands.context import Context, Reply
from commands.registry import router
from commands.router import ROLE_NAMES, CommandError, Param
from commands.sanitize import inert
from store.models import User


@router.command(
    "role", zh=("角色",), role="admin",
    params=(Param("role", kind="role", label=("角色（管理员/HR/面试官）", "role (admin/hr/interviewer)")),
            Param("person", kind="person", label=("人", "person"))),
    summary=("设置某人的角色（需确认）", "set someone's role (confirmed first)"),
    usage=("角色 人 管理员|HR|面试官", "role <person> admin|hr|interviewer"),
    example=("角色 李四 HR", "role @lisi hr"))
def role(ctx: Context, role: str, person: User) -> list[Reply]:
    """Ask to confirm giving `person` the role."""
    if person.id is not None and person.role == role:
        return [Reply(ctx.t(f"{people.display(person)} 已经是{ROLE_NAMES[role][0]}。",
                            f"{people.display(person)} is already {ROLE_NAMES[role][1]}."))]
    _last_admin_guard(ctx, person, role)
    zh, en = ROLE_NAMES[role]
    return [ask(ctx, "role", {"userid": person.wecom_userid, "role": role},
                f"将 {people.display(person)}（@{person.wecom_userid}）的角色设为 {zh}？",
                f"Make {people.display(person)} (@{person.wecom_userid}) {en}?")]


def _last_admin_guard(ctx: Context, person: User, role: str) -> None:
    if person.role != "admin" or role == "admin" or person.id is None:
        return
    admins = ctx.session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin")) or 0
    if admins <= 1:
        raise CommandError("这是最后一位管理员，不能降级。请先任命另一位管理员。",
                           "That is the last admin; appoint another admin first.")


@confirmable("role", role="admin")
def _set_role(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    [person] = people.persist(ctx, [people.resolve(ctx.session, "@" + payload["userid"])])
    role = payload["role"]
    _last_admin_guard(ctx, person, role)
    before = {"role": person.role}
    person.role = role
    entry = audit.record(ctx, "role_change", "user", person.wecom_userid, before=before,
                         after={"role": role})
    zh, en = ROLE_NAMES[role]
    return [Reply(ctx.t(f"已将 {people.display(person)} 的角色设为 {zh}。",
                        f"{people.display(person)} is now {en}.")),
            *notify.role_changed(ctx, person, (zh, en), entry.id)]


@router.command(
    "name", zh=("姓名",), role="hr",
    params=(Param("person", kind="account", label=("人（@账号）", "person (@account)")),
            Param("display", kind="text", label=("显示名", "display name"), limit=64)),
    summary=("设置成员的显示名（用于按姓名找人）", "set a member's display name (used to find them by name)"),
    usage=("姓名 @账号 显示名", "name @account <display name>"),
    example=("姓名 @lisi 李四", "name @lisi Li Si"))
def name(ctx: Context, person: User, display: str) -> list[Reply]:
    """Give a member a display name (marks it as real, so directory sync keeps it in step)."""
    [person] = people.persist(ctx, [person])
    other = people.name_taken(ctx.session, person, display)
    if other is not None:
        raise CommandError(f"「{inert(display)}」已是 @{other.wecom_userid} 的名字。",
                           f"“{inert(display)}” is already @{other.wecom_userid}'s name.")
    before = {"name": person.name, "name_synced": person.name_synced}
    # HR vouches for it: members may name this one by it, as by a directory name.
    person.name = person.directory_name = display
    person.name_synced = True
    audit.record(ctx, "rename", "user", person.wecom_userid, before=before,
                 after={"name": person.name, "name_synced": True})
    return [Reply(ctx.t(f"已将 @{person.wecom_userid} 的显示名设为「{person.name}」。",
                        f"@{person.wecom_userid} is now shown as “{person.name}”."))]
