"""The earliest common free slots of a panel: named people plus people picked from pools.

A slot is offered when it lies inside everyone's working time (the org calendar, lunch and
holidays included), no named interviewer is busy, outside their declared interview hours or
at a cap (picking.blockers), and every pool named can supply its people (picking.pick).
Slots start on the hour or half hour and do not overlap one another.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from commands import picking, pools, workcal
from commands.context import Context
from commands.router import CommandError
from commands.slots import STEP, round_up
from store.models import User

MAX_OFFERS = 5          # the buttons of one card
MAX_DAYS = 14           # the furthest a search looks


@dataclass
class Offer:
    """One slot and the panel that can take it."""

    start: datetime
    end: datetime
    panel: list[User]

    def as_json(self) -> list[object]:
        """[start, end, [userid…]] as stored in the pending confirmation."""
        return [self.start.isoformat(), self.end.isoformat(),
                [u.wecom_userid for u in self.panel]]


def _pool_members(ctx: Context, refs: list[tuple[str, int]]) -> list[tuple[str, int, list[User]]]:
    out = []
    for name, n in refs:
        pool = pools.find(ctx, name)
        if pool is None:
            raise pools.no_pool(name)
        out.append((pool.name, n, pools.members(ctx, pool, pickable=True)))
    return out


def _panel_at(ctx: Context, named: list[User], groups: list[tuple[str, int, list[User]]],
              start: datetime, end: datetime, tz: ZoneInfo,
              candidate_id: int | None) -> list[User] | None:
    """The whole panel for [start, end), or None when someone named or some pool cannot."""
    if picking.blockers(ctx.session, named, start, end, tz):
        return None
    panel = list(named)
    for name, n, members in groups:
        p = picking.pick(ctx.session, name, members, n, start, end, tz,
                         candidate_id=candidate_id,
                         skip={u.id for u in panel if u.id is not None})
        if len(p.chosen) < n:
            return None
        panel += p.chosen
    return panel


def earliest(ctx: Context, named: list[User], refs: list[tuple[str, int]], lo: datetime,
             hi: datetime, length: timedelta, tz: ZoneInfo, *, candidate_id: int | None = None,
             count: int = MAX_OFFERS) -> list[Offer]:
    """Up to `count` earliest non-overlapping slots of `length` in [lo, hi) for this panel."""
    if named and len({u.wecom_userid for u in named}) < len(named):
        raise CommandError("同一个人写了两次。", "The same person is named twice.")
    groups = _pool_members(ctx, refs)
    lo = max(lo, ctx.now + timedelta(minutes=1))   # a slot starting now is already late
    day, last = lo.astimezone(tz).date(), (hi - timedelta(microseconds=1)).astimezone(tz).date()
    last = min(last, day + timedelta(days=MAX_DAYS))
    out: list[Offer] = []
    while day <= last and len(out) < count:
        for w_start, w_end in workcal.shared_windows(ctx.session, named, day, tz):
            slot = round_up(max(w_start, lo.astimezone(tz)))
            while slot + length <= min(w_end, hi) and len(out) < count:
                panel = _panel_at(ctx, named, groups, slot, slot + length, tz, candidate_id)
                if panel is None:
                    slot += STEP
                    continue
                out.append(Offer(slot, slot + length, panel))
                slot = round_up(slot + length)
        day += timedelta(days=1)
    return out
