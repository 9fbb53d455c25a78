"""Fair picking from a pool: the N free members with the least recent and upcoming load.

A member is eligible for [start, end) when they have no overlapping booking, the time is inside
their declared interview hours and their own work calendar (beyond the organisation's, which
`schedule` itself asks about), and they are under their daily and weekly caps. Eligible
members are ranked by load (interviews in the four weeks either side of the slot), then by who
interviewed this candidate least recently, then by who interviewed anyone least recently.

The members' user rows are locked (in id order) before anything is counted, so two HR picking
from one pool at once are serialised and the second sees the first's booking.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands import availability, people, workcal
from commands import interviews_repo as repo
from store.hiring import ATTENDING, LIVE, Interview, Panelist
from store.models import User

WINDOW = timedelta(days=28)            # load counts interviews this far either side of the slot
COUNTED = (*LIVE, "completed", "no_show")   # the interviewer's time was taken
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Pick:
    """The outcome of one pick: who, their loads, who is next, who was left out and why."""

    pool: str
    chosen: list[User]
    load: dict[int, int]
    next_in_line: User | None
    excluded: list[tuple[User, tuple[str, str]]]


def counts(session: Session, user_ids: list[int], start: datetime,
           end: datetime) -> dict[int, int]:
    """Interviews (live or held, attending) per person starting in [start, end)."""
    rows = session.execute(
        select(Panelist.user_id, func.count()).join(Interview, Interview.id ==
                                                    Panelist.interview_id)
        .where(Panelist.user_id.in_(user_ids), Panelist.rsvp.in_(ATTENDING),
               Panelist.feedback_status != "shadow",   # sitting in as a trainee is not load
               Interview.status.in_(COUNTED), Panelist.start_at >= start,
               Panelist.start_at < end)
        .group_by(Panelist.user_id))
    return {uid: n for uid, n in rows}


def _last(session: Session, user_ids: list[int], before: datetime,
          candidate_id: int | None = None) -> dict[int, datetime]:
    q = (select(Panelist.user_id, func.max(Panelist.start_at))
         .join(Interview, Interview.id == Panelist.interview_id)
         .where(Panelist.user_id.in_(user_ids), Panelist.rsvp.in_(ATTENDING),
                Panelist.feedback_status != "shadow",
                Interview.status.in_(COUNTED), Panelist.start_at < before)
         .group_by(Panelist.user_id))
    if candidate_id is not None:
        q = q.where(Interview.candidate_id == candidate_id)
    return {uid: at for uid, at in session.execute(q)}


def _why_not(session: Session, user: User, start: datetime, end: datetime, tz: ZoneInfo,
             org_off: set[tuple[str, str]], day: dict[int, int],
             week: dict[int, int]) -> tuple[str, str] | None:
    if repo.conflicts(session, [user.id], start, end):
        return ("时间冲突", "busy then")
    if not availability.within_hours(session, user.id, start, end, tz):
        return ("不在其面试时段", "outside their interview hours")
    if set(workcal.outside_reasons(session, user, start, end, tz)) - org_off:
        return ("不在其工作时间", "outside their working time")
    caps = availability.caps_of(session, user.id)
    if (cap := caps.get("day")) and day.get(user.id, 0) >= cap:
        return (f"已达每日上限 {cap}", f"at their daily cap of {cap}")
    if (cap := caps.get("week")) and week.get(user.id, 0) >= cap:
        return (f"已达每周上限 {cap}", f"at their weekly cap of {cap}")
    return None


def _day_week(session: Session, ids: list[int], start: datetime,
              tz: ZoneInfo) -> tuple[dict[int, int], dict[int, int]]:
    local = start.astimezone(tz)
    day0 = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (counts(session, ids, day0, day0 + timedelta(days=1)),
            counts(session, ids, *availability.week_bounds(start, tz)))


def blockers(session: Session, users: list[User], start: datetime, end: datetime,
             tz: ZoneInfo) -> list[tuple[User, tuple[str, str]]]:
    """Who of these people cannot take [start, end) right now, and why (busy, outside their
    interview hours or working time, at a cap); checked again at the moment of every write."""
    known = [u for u in users if u.id is not None]   # someone never met has no limits yet
    if not known:
        return []
    day, week = _day_week(session, [u.id for u in known], start, tz)
    org_off = set(workcal.outside_reasons(session, None, start, end, tz))
    out = []
    for user in known:
        why = _why_not(session, user, start, end, tz, org_off, day, week)
        if why is not None:
            out.append((user, why))
    return out


def pick(session: Session, pool: str, members: list[User], n: int, start: datetime,
         end: datetime, tz: ZoneInfo, *, candidate_id: int | None,
         skip: set[int], lock: bool = True) -> Pick:
    """Choose n of `members` (not in `skip`) for [start, end); fewer when fewer are eligible.

    lock=False only to look (the self-scheduling page listing slots); a booking locks.
    """
    ids = [u.id for u in members if u.id not in skip]
    if lock:
        repo.lock_users(session, ids)
    day, week = _day_week(session, ids, start, tz)
    load = counts(session, ids, start - WINDOW, start + WINDOW)
    with_cand = _last(session, ids, start, candidate_id) if candidate_id else {}
    last_any = _last(session, ids, start)
    org_off = set(workcal.outside_reasons(session, None, start, end, tz))
    eligible, excluded = [], []
    for user in members:
        if user.id in skip:
            continue
        why = _why_not(session, user, start, end, tz, org_off, day, week)
        if why is None:
            eligible.append(user)
        else:
            excluded.append((user, why))
    eligible.sort(key=lambda u: (load.get(u.id, 0), with_cand.get(u.id, _NEVER),
                                 last_any.get(u.id, _NEVER), u.id))
    return Pick(pool, eligible[:n], {u: load.get(u, 0) for u in ids},
                eligible[n] if len(eligible) > n else None, excluded)


def explain(p: Pick, lang: str) -> str:
    """One line: who was picked from which pool, why, and who is next in line."""
    def loads(users: list[User], zh: bool) -> str:
        sep = "、" if zh else ", "
        return sep.join(f"{people.display(u)} {p.load.get(u.id, 0)}" for u in users)
    nxt = p.next_in_line
    if lang == "zh":
        line = (f"从「{p.pool}」池选了 {'、'.join(people.display(u) for u in p.chosen)}："
                f"空闲、在其时段内、未超上限，且前后四周面试最少（{loads(p.chosen, True)} 场）")
        line += f"；下一位：{people.display(nxt)}（{p.load.get(nxt.id, 0)} 场）" if nxt else \
            "；池中没有其他可选的人"
        return line + "。"
    line = (f"Picked {', '.join(people.display(u) for u in p.chosen)} from pool “{p.pool}”: "
            f"free, inside their hours, under their caps, and the fewest interviews in the four "
            f"weeks either side ({loads(p.chosen, False)})")
    line += f"; next in line: {people.display(nxt)} ({p.load.get(nxt.id, 0)})" if nxt else \
        "; nobody else in the pool is available"
    return line + "."


def shortfall(p: Pick, n: int) -> tuple[str, str]:
    """(zh, en) why the pool could not supply n people at that time."""
    zh = "、".join(f"{people.display(u)} {w[0]}" for u, w in p.excluded) or "池中人数不足"
    en = "; ".join(f"{people.display(u)} {w[1]}" for u, w in p.excluded) or "too few members"
    return (f"「{p.pool}」池此时只有 {len(p.chosen)} 人可选，需要 {n} 人，未安排。原因：{zh}。",
            f"Pool “{p.pool}” has only {len(p.chosen)} available then, {n} needed; nothing "
            f"scheduled. Why: {en}.")
