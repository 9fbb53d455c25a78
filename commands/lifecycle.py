"""The end of an interview's life: cancel and no-show (both confirmed first), and done."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from commands import audit, calendar_jobs, group, notify, states
from commands import interviews_repo as repo
from commands.confirm import ask, confirmable, drop_pending
from commands.context import Context, Reply
from commands.lookup import named_interview
from commands.people import display
from commands.registry import router
from commands.render import STATUS, when
from commands.router import CommandError, Param
from commands.usage import usage_error
from store.hiring import LIVE, PendingConfirmation

NO_SHOW_WINDOW = timedelta(hours=24)   # a completed interview may still be corrected to no-show


def _load(ctx: Context, iid: int, allowed: tuple[str, ...], verb: tuple[str, str],
          lock: bool = False) -> repo.View:
    v = named_interview(ctx.session, iid, lock=lock)
    if v.iv.status not in allowed:
        st = STATUS[v.iv.status]
        raise CommandError(f"#{iid} 状态为{st[0]}，不能{verb[0]}。",
                           f"#{iid} is {st[1]}; it cannot be {verb[1]}.")
    return v


def _not_started(ctx: Context, v: repo.View) -> None:
    # Once it has begun, what happened is a fact to record (done / no-show), not a plan to drop.
    if v.iv.start_at <= ctx.now:
        raise CommandError(f"#{v.iv.id} 已经开始，不能取消；请用「完成 #{v.iv.id}」或「爽约 #{v.iv.id}」。",
                           f"#{v.iv.id} has already started; use “done #{v.iv.id}” or "
                           f"“noshow #{v.iv.id}” instead.")


@router.command(
    "cancel", zh=("取消",), role="hr",
    params=(Param("interview", kind="id", required=False, label=("面试编号", "interview #id")),
            Param("reason", kind="text", required=False)),
    summary=("取消面试（需确认），通知面试官", "cancel an interview (confirmed first); tells interviewers"),
    usage=("取消 #编号 [原因]", "cancel #id [reason]"),
    example=("取消 #12 候选人放弃", "cancel #12 candidate withdrew"))
def cancel(ctx: Context, interview: int | None, reason: str | None = None) -> list[Reply]:
    """Ask to confirm cancelling interview #id; with no #id, drop pending confirmations."""
    if interview is None and reason is None:   # a bare 取消: drop what awaits confirmation
        live = ctx.session.scalars(select(PendingConfirmation.id).where(
            PendingConfirmation.actor_id == ctx.sender.id,
            PendingConfirmation.consumed_at.is_(None),
            PendingConfirmation.expires_at > ctx.now)).first()
        if live is not None:
            return [Reply(drop_pending(ctx))]
    if interview is None:
        raise usage_error("cancel", [("缺少面试编号", "missing interview #id")])
    v = _load(ctx, interview, LIVE, ("取消", "cancelled"))
    _not_started(ctx, v)
    names = ctx.t("、", ", ").join(display(u) for _, u in v.attending)
    at = when(v.iv.start_at, v.iv.end_at, ctx.tz, ctx.lang)
    return [ask(ctx, "cancel", {"interview": interview, "reason": reason},
                f"⚠ 取消 #{interview}（{v.candidate.name}，{at}）？将通知 {names}，且无法撤销。",
                f"⚠ Cancel #{interview} ({v.candidate.name}, {at})? {names} will be told. "
                "This cannot be undone.")]


@confirmable("cancel", role="hr")
def _cancel(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    iid, reason = payload["interview"], payload.get("reason")
    v = _load(ctx, iid, LIVE, ("取消", "cancelled"), lock=True)
    _not_started(ctx, v)
    before = repo.snapshot(v)
    states.advance("cancel", v.iv)
    v.iv.cancel_reason, v.iv.updated_at = reason, ctx.now
    v.iv.sequence += 1
    told = v.attending                  # declined and removed people are not on it any more
    states.move_all("cancel", v.panel)
    repo.void_queued(ctx.session, iid)
    ctx.session.flush()
    entry = audit.record(ctx, "cancel", "interview", iid, before=before, after=repo.snapshot(v),
                         reason=reason)
    why = ctx.t(f"原因：{reason}。" if reason else "", f" Reason: {reason}." if reason else "")
    out = [Reply(ctx.t(f"已取消 #{iid}。{why}已通知面试官。", f"Cancelled #{iid}.{why} "
                                                        "Interviewers have been told."))]
    for _, u in told:
        out += notify.cancelled(ctx, v, u, reason, entry.id)
    return out + group.announce(ctx, v, "面试已取消", "cancelled", entry.id) + \
        calendar_jobs.after_change(ctx, v, "cancel")


@router.command(
    "noshow", en=("no-show", "no show"), zh=("爽约", "未到场"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("标记候选人未到场（需确认）", "mark a candidate no-show (confirmed first)"),
    usage=("爽约 #编号", "noshow #id"), example=("爽约 #12", "noshow #12"))
def noshow(ctx: Context, interview: int) -> list[Reply]:
    """Ask to confirm marking interview #id as a candidate no-show."""
    v = _noshow_check(ctx, interview)
    return [ask(ctx, "no_show", {"interview": interview},
                f"将 #{interview}（{v.candidate.name}）标记为候选人未到场？评价提醒将停止。",
                f"Mark #{interview} ({v.candidate.name}) as a candidate no-show? "
                "Feedback reminders will stop.")]


def _noshow_check(ctx: Context, iid: int, lock: bool = False) -> repo.View:
    v = _load(ctx, iid, (*LIVE, "completed"), ("标记未到场", "marked no-show"), lock)
    if v.iv.start_at > ctx.now:
        raise CommandError(f"#{iid} 还没开始，不能标记未到场。", f"#{iid} has not started yet.")
    if v.iv.status == "completed" and ctx.now - v.iv.end_at > NO_SHOW_WINDOW:
        raise CommandError(f"#{iid} 已完成超过 24 小时，不能再改为未到场。",
                           f"#{iid} was completed over 24 hours ago; it can no longer change.")
    return v


@confirmable("no_show", role="hr")
def _noshow(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    iid = payload["interview"]
    v = _noshow_check(ctx, iid, lock=True)
    before = repo.snapshot(v)
    states.advance("no_show", v.iv)
    v.iv.updated_at = ctx.now
    states.move_all("no_show", v.panel)
    repo.void_queued(ctx.session, iid)
    ctx.session.flush()
    audit.record(ctx, "no_show", "interview", iid, before=before, after=repo.snapshot(v))
    return [Reply(ctx.t(f"#{iid} 已标记为候选人未到场，评价提醒已停止。",
                        f"#{iid} is marked as a candidate no-show; feedback reminders have stopped."))]


@router.command(
    "done", en=("complete",), zh=("完成",), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("标记面试已完成", "mark an interview as done"),
    usage=("完成 #编号", "done #id"), example=("完成 #12", "done #12"))
def done(ctx: Context, interview: int) -> list[Reply]:
    """Mark interview #id completed; say whose feedback is still missing."""
    v = _load(ctx, interview, LIVE, ("标记完成", "marked done"), lock=True)
    if v.iv.start_at > ctx.now:
        raise CommandError(f"#{interview} 还没开始，不能标记完成。",
                           f"#{interview} has not started yet.")
    before = repo.snapshot(v)
    states.advance("complete", v.iv)
    v.iv.updated_at = ctx.now
    ctx.session.flush()
    audit.record(ctx, "complete", "interview", interview, before=before, after=repo.snapshot(v))
    waiting = [display(u) for p, u in v.panel if states.owes_feedback(p)]
    if not waiting:
        return [Reply(ctx.t(f"#{interview} 已标记完成，评价已全部提交。",
                            f"#{interview} is done; all feedback is in."))]
    return [Reply(ctx.t(f"#{interview} 已标记完成；待评价：{'、'.join(waiting)}。",
                        f"#{interview} is done; feedback still due from {', '.join(waiting)}."))]
