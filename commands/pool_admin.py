"""Renaming, deleting and trainees of an interviewer pool (`面试官池 后端 改名 服务端`,
`面试官池 后端 删除`, `面试官池 后端 见习 赵六 3`).

Deleting waits for `确认 CODE`: the pool and its member list go, the people and their
interviews stay.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from commands import audit, people, pools
from commands.confirm import ask, confirmable
from commands.context import Context, Reply
from commands.router import CommandError
from commands.sanitize import inert
from store.hiring import InterviewerPool, PoolMember
from store.sql import insert_ignore

MAX_SHADOWS = 20


def rename(ctx: Context, pool: InterviewerPool, new: str) -> Reply:
    """Give the pool a new name; refused when the name is taken or not a pool name."""
    if not new.strip() or len(new.split()) > 1:
        raise CommandError("请写一个新池名，例如：面试官池 后端 改名 服务端",
                           "Give one new name, e.g. pool backend rename server")
    key = pools.check_name(ctx, new.strip())
    if key == pool.name:
        return Reply(ctx.t(f"面试官池已叫「{key}」，未作改动。",
                           f"The pool is already called “{key}”; nothing changed."))
    if pools.find(ctx, key) is not None:
        raise CommandError(f"已有名为「{inert(key)}」的面试官池，未改名。",
                           f"There is already a pool “{inert(key)}”; not renamed.")
    old = pool.name
    pool.name = key
    ctx.session.flush()
    audit.record(ctx, "pool_rename", "pool", key, before={"name": old}, after={"name": key})
    return Reply(ctx.t(f"已将面试官池「{old}」改名为「{key}」。", f"Renamed pool “{old}” to “{key}”.")
                 + "\n" + pools.show(ctx, pool))


def ask_delete(ctx: Context, pool: InterviewerPool) -> Reply:
    """Ask before deleting: say who is in it and that their interviews stay."""
    n = len(pools.members(ctx, pool))
    return ask(ctx, "pool_delete", {"pool_id": pool.id, "name": pool.name},
               f"删除面试官池「{pool.name}」（{n} 人）？成员和已安排的面试不受影响。",
               f"Delete pool “{pool.name}” ({n} member{'' if n == 1 else 's'})? "
               "The people and their interviews stay.")


@confirmable("pool_delete", role="hr")
def _delete(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    pool = ctx.session.get(InterviewerPool, payload["pool_id"], with_for_update=True)
    if pool is None:
        raise CommandError(f"面试官池「{payload['name']}」已不存在。",
                           f"Pool “{payload['name']}” no longer exists.")
    who = [u.wecom_userid for u in pools.members(ctx, pool)]
    ctx.session.execute(delete(PoolMember).where(PoolMember.pool_id == pool.id))
    ctx.session.delete(pool)
    audit.record(ctx, "pool_delete", "pool", pool.name, before={"members": who})
    return [Reply(ctx.t(f"已删除面试官池「{pool.name}」。", f"Deleted pool “{pool.name}”."))]


def shadow(ctx: Context, pool: InterviewerPool, text: str) -> Reply:
    """Mark one person as trainee for the next n interviews of the pool (0 graduates now)."""
    words = text.split()
    if len(words) < 2 or not words[-1].isdigit() or not 0 <= int(words[-1]) <= MAX_SHADOWS:
        raise CommandError(f"请写出见习的人和场数（0–{MAX_SHADOWS}），例如：面试官池 后端 见习 赵六 3",
                           f"Name the trainee and how many interviews (0–{MAX_SHADOWS}), e.g. "
                           "pool backend shadow @zhaoliu 3")
    n = int(words[-1])
    user = people.persist(ctx, [people.resolve(ctx.session, " ".join(words[:-1]), ctx.now)])[0]
    insert_ignore(ctx.session, PoolMember, dict(pool_id=pool.id, user_id=user.id,
                                                added_at=ctx.now), ("pool_id", "user_id"))
    row = ctx.session.scalars(select(PoolMember).where(
        PoolMember.pool_id == pool.id, PoolMember.user_id == user.id).with_for_update()).one()
    before = row.shadow_left
    row.shadow_left = n or None
    ctx.session.flush()
    audit.record(ctx, "pool_shadow", "pool", pool.name,
                 before={"user": user.wecom_userid, "shadow_left": before},
                 after={"user": user.wecom_userid, "shadow_left": row.shadow_left})
    who = people.display(user)
    head = ctx.t(f"{who} 在「{pool.name}」池见习：将作为见习面试官旁听接下来从该池安排的 {n} 场面试"
                 "（收到提醒和日程，不需要评价），之后自动转为正式成员。",
                 f"{who} will shadow the next {n} interviews scheduled from pool “{pool.name}” "
                 "(reminders and agenda, no feedback), then become a full member.") if n else \
        ctx.t(f"{who} 已转为「{pool.name}」池正式成员。",
              f"{who} is now a full member of pool “{pool.name}”.")
    return Reply(head + "\n" + pools.show(ctx, pool))
