"""Views for HR: `interviews [day] [status] [person]` / `面试列表` and `free <people> <day>` / `空闲`."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from commands import interviews_repo as repo
from commands import states
from commands.conflicts import work_hours
from commands.context import Context, Reply
from commands.kinds import local_day_bounds
from commands.people import display
from commands.registry import router
from commands.render import RSVP, STATUS, pick, round_text, when
from commands.router import Param
from commands.slots import gaps
from commands.workcal import day_off, shared_windows
from store.models import User

STATUS_WORDS = {"scheduled": "scheduled", "已安排": "scheduled", "confirmed": "confirmed",
                "已确认": "confirmed", "rescheduled": "rescheduled", "已改期": "rescheduled",
                "cancelled": "cancelled", "canceled": "cancelled", "已取消": "cancelled",
                "completed": "completed", "done": "completed", "已完成": "completed",
                "no_show": "no_show", "noshow": "no_show", "爽约": "no_show", "未到场": "no_show"}


@router.kind("status")
def status_kind(ctx: Context, text: str) -> tuple[Any, str, tuple[str, str] | None]:
    """An interview status word anywhere in the text (已取消, cancelled …)."""
    words = text.split()
    for i, w in enumerate(words):
        if w.lower() in STATUS_WORDS:
            return STATUS_WORDS[w.lower()], " ".join(words[:i] + words[i + 1:]), None
    return None, text, None


@router.command(
    "interviews", en=("list",), zh=("面试列表", "全部面试"), role="hr",
    params=(Param("day", kind="day", required=False), Param("status", kind="status", required=False),
            Param("person", kind="person", required=False)),
    summary=("按日期、状态、人查看面试", "interviews by day, status or person"),
    usage=("面试列表 [日期] [状态] [人]", "interviews [day] [status] [person]"),
    example=("面试列表 明天", "interviews tomorrow"))
def interviews(ctx: Context, day: date | None = None, status: str | None = None,
               person: User | None = None) -> list[Reply]:
    """Interviews on a day (default: the next 7 days), optionally filtered."""
    today = ctx.now.astimezone(ctx.tz).date()
    first, last = (day, day) if day else (today, today + timedelta(days=6))
    start, end = local_day_bounds(ctx, first)[0], local_day_bounds(ctx, last)[1]
    if person is not None and person.id is None:
        rows = []
    else:
        rows = repo.listing(ctx.session, start, end, status=status,
                            user_id=person.id if person else None)
    span = f"{first:%m-%d}" if day else f"{first:%m-%d}–{last:%m-%d}"
    if not rows:
        return [Reply(ctx.t(f"{span} 没有符合条件的面试。", f"No matching interviews {span}."))]
    panels = repo.panels(ctx.session, [iv.id for iv, _ in rows])
    lines = [ctx.t(f"{span} 共 {len(rows)} 场：", f"{span}: {len(rows)} interview(s):")]
    for iv, cand in rows:
        sep = ctx.t("、", ", ")
        on = [(p, u) for p, u in panels[iv.id] if states.attending(p)]
        names = sep.join(display(u) + ("" if p.rsvp == "accepted"
                                       else f"({pick(ctx.lang, RSVP[p.rsvp])})") for p, u in on)
        names = names or ctx.t("无面试官", "no interviewer")
        off = [f"{display(u)}({states.label(p, ctx.lang)})" for p, u in panels[iv.id]
               if not states.attending(p)]
        if off:
            names += ctx.t("；不参加 ", "; not attending ") + sep.join(off)
        lines.append(f"#{iv.id} {when(iv.start_at, iv.end_at, ctx.tz, ctx.lang)} · {cand} · "
                     f"{round_text(iv.round, iv.round_label, ctx.lang)} · {names} · "
                     f"{pick(ctx.lang, STATUS[iv.status])}" + (" ⚠" if iv.needs_attention else ""))
    return [Reply("\n".join(lines))]


@router.command(
    "free", en=("availability",), zh=("空闲",), role="hr",
    params=(Param("day", kind="day", required=False),
            Param("people", kind="people", label=("人", "people"))),
    summary=("查看几个人某天的共同空闲时段", "when several people are all free on a day"),
    usage=("空闲 人… [日期]", "free <people> [day]"),
    example=("空闲 李四 王五 明天", "free @lisi @wangwu tomorrow"))
def free(ctx: Context, people: list[User], day: date | None = None) -> list[Reply]:
    """Common free windows of these people within their work calendar on a day (default today)."""
    day = day or ctx.now.astimezone(ctx.tz).date()
    _, org_tz = work_hours(ctx)
    start, end = local_day_bounds(ctx, day)
    known = [u for u in people if u.id is not None]
    busy = repo.busy(ctx.session, [u.id for u in known], start - timedelta(days=1),
                     end + timedelta(days=1))
    work = shared_windows(ctx.session, known, day, org_tz)
    windows = gaps(busy, work, ctx.now)
    names = ctx.t("、", ", ").join(display(u) for u in people)
    hours = ctx.t("、", ", ").join(f"{a:%H:%M}–{b:%H:%M}" for a, b in work)
    label = when(start, None, ctx.tz, ctx.lang).rsplit(" ", 2)[0]
    off = day_off(ctx.session, None, day)
    if off is not None or not work:
        why = off or ("不上班", "not a working day")
        return [Reply(ctx.t(f"{label} 不是工作日（{why[0]}），没有空闲时段可排。",
                            f"{label} is not a working day ({why[1]}); no free time to offer."))]
    if not windows:
        return [Reply(ctx.t(f"{label} {names} 在工作时间（{hours}）内没有共同空闲时段。",
                            f"{label}: {names} have no common free time within working hours ({hours})."))]
    parts = [f"{s.astimezone(ctx.tz):%H:%M}–{e.astimezone(ctx.tz):%H:%M}" for s, e in windows]
    return [Reply(ctx.t(f"{label} {names} 共同空闲（工作时间 {hours}）：{'、'.join(parts)}。",
                        f"{label}: {names} are all free (working hours {hours}): {', '.join(parts)}."))]
