"""`reschedule #id <time>` / `改期 #编号 <时间>`: move an interview, keep its length, reset RSVPs.

Locks the interview row, then its interviewers' rows (the order every writer uses), checks
for clashes, and tells every interviewer old -> new in the same transaction.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import commands.kinds  # noqa: F401  (registers the parameter kinds used below)
from commands import audit, calendar_jobs, group, notify, states
from commands import interviews_repo as repo
from commands.confirm import ask, confirmable
from commands.conflicts import chosen_slot, refuse
from commands.context import Context, Reply
from commands.lookup import named_interview
from commands.people import display
from commands.registry import router
from commands.render import STATUS, pick, understood
from commands.router import CommandError, Option, Param
from commands.schedule import off_hours, off_hours_question, too_long
from commands.timeparse import format_when
from store.hiring import LIVE


@router.command(
    "reschedule", zh=("改期",), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
            Param("when", kind="time", label=("新时间", "new time"))),
    options=(Option("reason", ("reason", "原因"), "text"),
             Option("duration", ("dur", "duration", "时长"), "minutes")),
    summary=("改期并通知面试官重新确认", "move an interview; interviewers confirm again"),
    usage=("改期 #编号 新时间 [原因:…] [时长:分钟]", "reschedule #id <new time> [reason:…] [dur:min]"),
    example=("改期 #12 下周三 10:30 原因:候选人冲突", "reschedule #12 next wed 10:30 reason:candidate busy"))
def reschedule(ctx: Context, interview: int, when: tuple[datetime, datetime | None],
               reason: str | None = None, duration: int | None = None) -> list[Reply]:
    """Move interview #id to a new time (or refuse a clash with three free slots)."""
    start, end = when
    return move(ctx, interview, start, end, reason, duration)


@confirmable("reschedule_slot", role="hr")
def _take_slot(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    slot = chosen_slot(payload, choice)
    return move(ctx, payload["interview"], slot[0], slot[1], payload.get("reason"), None)


@confirmable("reschedule_off_hours", role="hr")
def _off_hours_anyway(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    return move(ctx, payload["interview"], datetime.fromisoformat(payload["start"]),
                datetime.fromisoformat(payload["end"]), payload.get("reason"), None,
                off_hours_ok=True)


def move(ctx: Context, iid: int, start: datetime, end: datetime | None, reason: str | None,
         minutes: int | None, *, off_hours_ok: bool = False) -> list[Reply]:
    """Check and apply a new time for interview #iid."""
    s = ctx.session
    v = named_interview(s, iid, lock=True)
    iv = v.iv
    if iv.status not in LIVE:
        raise CommandError(f"#{iid} 状态为{_status(iv.status, 'zh')}，不能改期。",
                           f"#{iid} is {_status(iv.status, 'en')}; it cannot be rescheduled.")
    if end is None or minutes:
        end = start + (timedelta(minutes=minutes) if minutes else iv.end_at - iv.start_at)
    too_long(end - start)
    if start == iv.start_at and end == iv.end_at:
        raise CommandError(f"#{iid} 已经是这个时间，没有改动。", f"#{iid} is already at that time.")
    # Everyone but the removed is asked about the new time, those who declined the old one too.
    asked = [(p, u) for p, u in v.panel if states.allowed("reschedule", p)]
    ids = [u.id for _, u in asked]
    repo.lock_users(s, ids)
    clashes = repo.conflicts(s, ids, start, end, exclude=iid)
    if clashes:
        return refuse(ctx, clashes, user_ids=ids, start=start, end=end, exclude=iid,
                      action="reschedule_slot", payload={"interview": iid, "reason": reason})
    why = [] if off_hours_ok else off_hours(ctx, [u for _, u in asked], start, end)
    if why:
        return [ask(ctx, "reschedule_off_hours", {"interview": iid, "start": start.isoformat(),
                                                  "end": end.isoformat(), "reason": reason},
                    *off_hours_question(ctx, why, start, end, f"将 #{iid} 改到这个时间",
                                         f"move #{iid} there"))]
    before = repo.snapshot(v)
    old = (iv.start_at, iv.end_at)
    states.advance("reschedule", iv)
    iv.start_at, iv.end_at = start, end
    iv.reschedule_count += 1
    iv.sequence += 1
    iv.needs_attention, iv.updated_at = False, ctx.now
    repo.void_queued(s, iid, ("remind", "hrwarn"))   # they name the old time
    for p, _ in asked:                 # the new time needs everyone's answer again
        states.move("reschedule", p, iid=iid)
        p.rsvp_at, p.rsvp_note = ctx.now, None   # asked again now (the HR warnings wait)
    s.flush()
    for p, _ in v.panel:               # the database moved their start_at (ON UPDATE CASCADE)
        s.expire(p, ["start_at"])
    entry = audit.record(ctx, "reschedule", "interview", iid, before=before,
                         after=repo.snapshot(v), reason=reason)
    names = ctx.t("、", ", ").join(display(u) for _, u in asked)
    old_text = format_when(old[0].astimezone(ctx.tz), None, ctx.lang)
    new_text = format_when(start.astimezone(ctx.tz), end.astimezone(ctx.tz), ctx.lang)
    read = "".join(f"\n{line}" for line in understood(ctx, start))
    out: list[Reply] = [Reply(ctx.t(
        f"已改期 #{iid}（第 {iv.reschedule_count} 次）：{old_text} → {new_text}。{read}\n"
        f"已通知 {names} 重新确认。",
        f"Rescheduled #{iid} (change {iv.reschedule_count}): {old_text} → {new_text}.{read}\n"
        f"{names} have been asked to confirm again."))]
    for _, u in asked:
        out += notify.rescheduled(ctx, v, u, old, reason, entry.id)
    return out + group.announce(ctx, v, "已改期，新时间", "rescheduled, new time", entry.id) + \
        calendar_jobs.after_change(ctx, v, "reschedule")


def _status(status: str, lang: str) -> str:
    return pick(lang, STATUS[status])
