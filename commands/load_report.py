"""`load` / `负载`: per interviewer, interviews done and upcoming, declines, no-shows and median
hours to feedback in a period; HR see everyone, an interviewer only themself."""
from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import select

from commands import people
from commands.conflicts import work_hours
from commands.context import Context, Reply, role_allows
from commands.registry import router
from commands.router import CommandError, Param
from commands.sanitize import inert
from store.hiring import LIVE, Feedback, Interview, Panelist
from store.models import User

_PERIODS = {"本月": "month", "this month": "month", "month": "month", "本周": "week",
            "this week": "week", "week": "week", "上月": "last month", "last month": "last month"}


def _bounds(ctx: Context, period: str) -> tuple[datetime, datetime]:
    _, tz = work_hours(ctx)
    today = ctx.now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=7)
    first = today.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    if period == "last month":
        return (first - timedelta(days=1)).replace(day=1), first
    return first, nxt


@router.command(
    "load", zh=("负载",), role="interviewer",
    params=(Param("text", kind="text", required=False),),
    summary=("面试负载：完成、待进行、拒绝、缺席、评价用时", "interview load per interviewer"),
    usage=("负载 [本月|本周|上月]", "load [this month|this week|last month]"),
    example=("负载 本月", "load this month"))
def load(ctx: Context, text: str | None = None) -> list[Reply]:
    """The load report for the period; interviewers see only their own line."""
    key = (text or "本月").strip().lower()
    if key not in _PERIODS:
        raise CommandError(f"看不懂时段「{inert(key[:40])}」：请用 本月、本周 或 上月",
                           f"can't read the period “{inert(key[:40])}”: use this month, this "
                           "week or last month")
    start, end = _bounds(ctx, _PERIODS[key])
    q = (select(User, Panelist, Interview, Feedback.submitted_at)
         .join(Panelist, Panelist.user_id == User.id)
         .join(Interview, Interview.id == Panelist.interview_id)
         .outerjoin(Feedback, (Feedback.interview_id == Panelist.interview_id)
                    & (Feedback.user_id == Panelist.user_id))
         .where(Panelist.start_at >= start, Panelist.start_at < end,
                Panelist.feedback_status != "shadow"))   # shadowing (见习) is training, not load
    if not role_allows(ctx.sender.role, "hr"):
        q = q.where(User.id == ctx.sender.id)
    stats: dict[int, dict[str, Any]] = {}
    for user, p, iv, submitted in ctx.session.execute(q):
        st = stats.setdefault(user.id, {"user": user, "done": 0, "upcoming": 0, "declined": 0,
                                        "no_show": 0, "hours": []})
        if p.rsvp == "declined":
            st["declined"] += 1
        elif p.rsvp in ("pending", "accepted"):
            if iv.status == "no_show":
                st["no_show"] += 1
            elif iv.status == "completed" or (iv.status in LIVE and iv.end_at <= ctx.now):
                st["done"] += 1
            elif iv.status in LIVE:
                st["upcoming"] += 1
        if submitted is not None:
            st["hours"].append((submitted - iv.end_at).total_seconds() / 3600)
    head = ctx.t(f"面试负载 {start:%Y-%m-%d} 至 {end - timedelta(days=1):%Y-%m-%d}：",
                 f"Interview load {start:%Y-%m-%d} to {end - timedelta(days=1):%Y-%m-%d}:")
    if not stats:
        return [Reply(head + ctx.t("无面试。", " no interviews."))]
    lines = [head]
    for st in sorted(stats.values(), key=lambda s: (-(s["done"] + s["upcoming"]),
                                                    s["user"].id)):
        med = f"{median(st['hours']):.1f}h" if st["hours"] else "—"
        lines.append(ctx.t(
            f"• {people.display(st['user'])}：已完成 {st['done']}，待进行 {st['upcoming']}，"
            f"拒绝 {st['declined']}，候选人缺席 {st['no_show']}，评价用时中位数 {med}",
            f"• {people.display(st['user'])}: done {st['done']}, upcoming {st['upcoming']}, "
            f"declined {st['declined']}, no-shows {st['no_show']}, median to feedback {med}"))
    return [Reply("\n".join(lines))]
