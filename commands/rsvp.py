"""`accept #id` / `接受 #编号` and `decline #id reason` / `拒绝 #编号 原因`: an interviewer's answer.

When everyone on the panel has accepted, the interview becomes confirmed. A decline keeps the
interview on (HR decides what to do): it takes the person off the panel (commands.states), flags
the interview (needs_attention), tells its HR (at once and louder when nobody is left), and a
confirmed interview goes back to scheduled, since "confirmed" means everyone has said yes.
"""
from __future__ import annotations

from commands import audit, calendar_jobs, notify, states
from commands import interviews_repo as repo
from commands.context import Context, Reply
from commands.panel import settle_status
from commands.registry import router
from commands.render import when
from commands.router import CommandError, Param
from store.hiring import LIVE, Panelist


def _mine(ctx: Context, iid: int) -> tuple[repo.View, Panelist]:
    v = repo.view(ctx.session, iid, lock=True)
    row = v.member(ctx.sender.id) if v else None
    if v is None or row is None or row.rsvp == "removed":
        raise CommandError(f"你不在面试 #{iid} 的面试官中。输入「我的面试」查看你的面试。",
                           f"You are not on interview #{iid}. Send “my interviews” to see yours.")
    if v.iv.status not in LIVE or v.iv.end_at <= ctx.now:
        raise CommandError(f"#{iid} 已结束或已取消，无需回复。",
                           f"#{iid} is over or cancelled; no answer needed.")
    return v, row


@router.command(
    "accept", zh=("接受", "参加"),
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("确认参加面试", "confirm you will interview"),
    usage=("接受 #编号", "accept #id"), example=("接受 #12", "accept #12"))
def accept(ctx: Context, interview: int) -> list[Reply]:
    """Record the sender's acceptance; confirm the interview when everyone has accepted."""
    v, row = _mine(ctx, interview)
    at = when(v.iv.start_at, v.iv.end_at, ctx.tz, ctx.lang)
    if row.rsvp == "accepted":
        return [Reply(ctx.t(f"你已接受过 #{interview}（{at}）。", f"You already accepted #{interview} "
                                                          f"({at})."))]
    before = repo.snapshot(v)
    states.move("accept", row, iid=interview)
    row.rsvp_at, row.rsvp_note = ctx.now, None
    was = v.iv.status
    settle_status(v)
    v.iv.updated_at = ctx.now
    ctx.session.flush()
    entry = audit.record(ctx, "accept", "interview", interview, before=before,
                         after=repo.snapshot(v))
    out = [Reply(ctx.t(f"已确认参加 #{interview}（{at}）。", f"You're on for #{interview} ({at})."))]
    if v.iv.status == "confirmed" and was != "confirmed":
        out += notify.all_accepted(ctx, v, entry.id)
    return out + calendar_jobs.after_change(ctx, v, "rsvp")


@router.command(
    "decline", zh=("拒绝", "不参加"),
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
            Param("reason", kind="text", label=("原因", "a reason"))),
    summary=("拒绝参加面试并说明原因（通知 HR）", "decline an interview with a reason (HR is told)"),
    usage=("拒绝 #编号 原因", "decline #id <reason>"),
    example=("拒绝 #12 当天值班", "decline #12 on call that day"))
def decline(ctx: Context, interview: int, reason: str) -> list[Reply]:
    """Record the sender's decline and tell the interview's HR."""
    v, row = _mine(ctx, interview)
    if row.rsvp == "declined":
        return [Reply(ctx.t(f"你已拒绝过 #{interview}。", f"You already declined #{interview}."))]
    before = repo.snapshot(v)
    states.move("decline", row, iid=interview)
    repo.void_queued(ctx.session, interview, ("remind",), user_id=ctx.sender.id)
    row.rsvp_at, row.rsvp_note = ctx.now, reason[:500]
    settle_status(v)
    v.iv.updated_at = ctx.now
    ctx.session.flush()
    entry = audit.record(ctx, "decline", "interview", interview, before=before,
                         after=repo.snapshot(v), reason=reason)
    hr = v.creator.name or v.creator.wecom_userid
    return [Reply(ctx.t(f"已拒绝 #{interview}。HR {hr} 已收到通知，会另行安排。",
                        f"Declined #{interview}. HR {hr} has been told and will find a "
                        "replacement.")),
            *notify.declined(ctx, v, reason, entry.id),
            *calendar_jobs.after_change(ctx, v, "rsvp")]
