"""Renaming and deleting an interviewer pool (`面试官池 后端 改名 服务端`, `面试官池 后端 删除`).

Deleting waits for `确认 CODE`: the pool and its member list go, the people and their
interviews stay.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from commands import audit, pools
from commands.confirm import ask, confirmable
from commands.context import Context, Reply
from commands.router import CommandError
from commands.sanitize import inert
from store.hiring import InterviewerPool, PoolMember


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
def _delete(ctx: Context, payload: dict[str, Any], choice: int | None) -> Reply:
    pool = ctx.session.get(InterviewerPool, payload["pool_id"], with_for_update=True)
    if pool is None:
        raise CommandError(f"面试官池「{payload['name']}」已不存在。",
                           f"Pool “{payload['name']}” no longer exists.")
    who = [u.wecom_userid for u in pools.members(ctx, pool)]
    ctx.session.execute(delete(PoolMember).where(PoolMember.pool_id == pool.id))
    ctx.session.delete(pool)
    audit.record(ctx, "pool_delete", "pool", pool.name, before={"members": who})
    return Reply(ctx.t(f"已删除面试官池「{pool.name}」。", f"Deleted pool “{pool.name}”."))
