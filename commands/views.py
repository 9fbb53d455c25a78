"""Read-only views for everyone: `my interviews`, `today`, `interview #id`."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from commands import interviews_repo as repo
from commands.context import Context, Reply, role_allows
from commands.kinds import local_day_bounds
from commands.privacy import replies
from commands.registry import router
from commands.render import detail, row_line
from commands.router import CommandError, Param
from commands.sanitize import inert
from store.hiring import ATTENDING, Feedback
from store.models import User

SPANS = {"today": "today", "今天": "today", "今日": "today", "tomorrow": "tomorrow",
         "明天": "tomorrow", "week": "week", "this week": "week", "本周": "week", "这周": "week",
         "all": "all", "全部": "all"}
SPAN_LABEL = {"today": ("今天", "today"), "tomorrow": ("明天", "tomorrow"),
              "week": ("本周", "this week"), "all": ("近两周", "in the next two weeks")}


@router.kind("span")
def span_kind(ctx: Context, text: str) -> tuple[Any, str, tuple[str, str] | None]:
    """today / tomorrow / week (今天 / 明天 / 本周)."""
    key = " ".join(text.lower().split())
    if not key:
        return None, "", None
    if key not in SPANS:
        return None, "", (f"看不懂「{inert(text)}」，可选：今天、明天、本周",
                          f"unknown range “{inert(text)}”; use today, tomorrow or week")
    return SPANS[key], "", None


def span_bounds(ctx: Context, span: str) -> tuple[datetime, datetime]:
    """The [start, end) of a named range in the sender's zone; 'all' is two weeks from today."""
    today = ctx.now.astimezone(ctx.tz).date()
    start, _ = local_day_bounds(ctx, today)
    if span == "tomorrow":
        return local_day_bounds(ctx, today + timedelta(days=1))
    if span == "week":
        return start, local_day_bounds(ctx, today + timedelta(days=6 - today.weekday()))[1]
    days = 1 if span == "today" else 14
    return start, local_day_bounds(ctx, today + timedelta(days=days - 1))[1]


@router.command(
    "my interviews", en=("my", "mine"), zh=("我的面试", "我的"),
    params=(Param("span", kind="span", required=False),),
    summary=("查看我的面试", "your interviews"),
    usage=("我的面试 [今天|明天|本周]", "my interviews [today|tomorrow|week]"),
    example=("我的面试 本周", "my interviews week"))
def my_interviews(ctx: Context, span: str | None = None) -> list[Reply]:
    """The sender's interviews in a range (two weeks by default) and feedback they owe."""
    span = span or "all"
    start, end = span_bounds(ctx, span)
    everything = repo.mine(ctx.session, ctx.sender.id, start, end)
    rows = [r for r in everything if r.rsvp in ATTENDING]
    off = [r for r in everything if r.rsvp not in ATTENDING]   # declined or taken off
    label = SPAN_LABEL[span]
    if rows:
        lines = [ctx.t(f"你{label[0]}的面试（{len(rows)}）：", f"Your interviews {label[1]} "
                                                            f"({len(rows)}):")]
        lines += [row_line(r, ctx.tz, ctx.lang) for r in rows]
    else:
        lines = [ctx.t(f"你{label[0]}没有面试。", f"You have no interviews {label[1]}.")]
    if off:
        lines.append(ctx.t("不参加：", "Not attending:"))
        lines += [row_line(r, ctx.tz, ctx.lang) for r in off]
    due = repo.my_feedback_due(ctx.session, ctx.sender.id, ctx.now)
    if due:
        ids = " ".join(f"#{r.id}" for r in due)
        lines.append(ctx.t(f"待你评价：{ids}（「评价 #{due[0].id} 结论:推荐 评分:4」）",
                           f"Feedback you owe: {ids} (“feedback #{due[0].id} rec:yes score:4”)"))
    return [Reply("\n".join(lines))]


@router.command(
    "today", zh=("今日", "今日面试", "今天"),
    summary=("今天的面试，外加明天的预告", "today's interviews, and a look at tomorrow"),
    usage=("今日", "today"), example=("今日", "today"))
def today(ctx: Context) -> list[Reply]:
    """The sender's interviews today, and how many tomorrow."""
    day: date = ctx.now.astimezone(ctx.tz).date()
    # Only what the sender attends: a declined or removed interview is not on their day.
    rows = [r for r in repo.mine(ctx.session, ctx.sender.id, *local_day_bounds(ctx, day))
            if r.rsvp in ATTENDING]
    later = [r for r in repo.mine(ctx.session, ctx.sender.id,
                                  *local_day_bounds(ctx, day + timedelta(days=1)))
             if r.rsvp in ATTENDING]
    head = f"{day:%m-%d}"
    if rows:
        lines = [ctx.t(f"今天（{head}）你有 {len(rows)} 场面试：", f"Today ({head}) you have "
                                                           f"{len(rows)} interview(s):")]
        lines += [row_line(r, ctx.tz, ctx.lang) for r in rows]
    else:
        lines = [ctx.t(f"今天（{head}）你没有面试。", f"You have no interviews today ({head}).")]
    if later:
        first = later[0].start_at.astimezone(ctx.tz)
        lines.append(ctx.t(f"明天 {len(later)} 场，"
                           f"第一场 #{later[0].id} {first:%H:%M} {later[0].candidate}。",
                           f"Tomorrow: {len(later)}, first #{later[0].id} at {first:%H:%M} "
                           f"with {later[0].candidate}."))
    return [Reply("\n".join(lines))]


@router.command(
    "interview", en=("show",), zh=("面试", "查看面试"),
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("查看一场面试的详情", "the details of one interview"),
    usage=("面试 #编号", "interview #id"), example=("面试 #12", "interview #12"))
def interview(ctx: Context, interview: int) -> list[Reply]:
    """One interview in full, for its interviewers, HR and admins."""
    v = repo.view(ctx.session, interview)
    if v is None or not (role_allows(ctx.sender.role, "hr") or v.member(ctx.sender.id)):
        # The same answer whether it does not exist or is not theirs: ids reveal nothing.
        raise CommandError(f"找不到你参与的面试 #{interview}。输入「我的面试」查看你的面试。",
                           f"No interview #{interview} of yours. Send “my interviews” to see "
                           "yours.")
    fb = [(f, u) for f, u in ctx.session.execute(
        select(Feedback, User).join(User, User.id == Feedback.user_id)
        .where(Feedback.interview_id == interview).order_by(Feedback.submitted_at))]
    return replies(ctx, detail(ctx, v, fb))
