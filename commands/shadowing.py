"""Trainees (见习): a pool member marked as trainee shadows the next N interviews scheduled
from that pool, then graduates to a full member.

A shadow sits on the panel with the feedback state "shadow" (commands.states): reminded and
on the agenda like everyone, never nudged and never owing feedback. A trainee busy at the
time is simply not added; a trainee is never picked as one of the pool's N.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from commands import interviews_repo as repo
from commands import people, pools
from commands.context import Context
from store.hiring import InterviewerPool, PoolMember
from store.models import User


def join(ctx: Context, pool_names: list[str], panel: list[User], start: datetime,
         end: datetime) -> list[tuple[User, str]]:
    """The trainees of these pools who are free for [start, end) and not on the panel yet."""
    out: list[tuple[User, str]] = []
    taken = {u.id for u in panel if u.id is not None}
    for name in pool_names:
        pool = pools.find(ctx, name)
        if pool is None:
            continue
        for uid, left in sorted(pools.trainees(ctx, pool).items()):
            if uid in taken or left <= 0 or repo.conflicts(ctx.session, [uid], start, end):
                continue
            out.append((ctx.session.get_one(User, uid), pool.name))
            taken.add(uid)
    return out


def count_down(ctx: Context, shadows: list[tuple[User, str]]) -> list[str]:
    """One shadowed interview less for each; say who graduated."""
    lines = []
    for user, pool_name in shadows:
        row = ctx.session.scalars(
            select(PoolMember).join(InterviewerPool, InterviewerPool.id == PoolMember.pool_id)
            .where(InterviewerPool.name == pool_name, PoolMember.user_id == user.id)
            .with_for_update(of=PoolMember)).one_or_none()
        if row is None or row.shadow_left is None:
            continue
        row.shadow_left -= 1
        if row.shadow_left <= 0:
            row.shadow_left = None
            lines.append(ctx.t(f"{people.display(user)} 已完成见习，转为「{pool_name}」池正式成员。",
                               f"{people.display(user)} has finished shadowing and is now a "
                               f"full member of pool “{pool_name}”."))
    return lines
