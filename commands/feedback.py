"""Feedback: `feedback #id rec: score: notes:` / `评价 #编号 结论: 评分: 备注:` by an interviewer,
`pending feedback` / `待评价` and `nudge #id` / `催评价 #编号` for HR.

Feedback is written once by its author and is final (corrections go through HR); it is
visible to HR, admins and its author only (commands.privacy).
"""
from __future__ import annotations

from datetime import datetime

import commands.kinds  # noqa: F401  (registers the parameter kinds used below)
from commands import audit, notify
from commands import interviews_repo as repo
from commands.context import Context, Reply
from commands.people import display
from commands.registry import router
from commands.render import REC, pick
from commands.router import CommandError, Option, Param
from commands.usage import usage_error
from store.hiring import Feedback


@router.command(
    "feedback", zh=("评价", "反馈"), group=False,
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    options=(Option("rec", ("rec", "recommendation", "结论"), "rec"),
             Option("score", ("score", "评分"), "score"),
             Option("notes", ("notes", "note", "备注"), "text")),
    summary=("提交面试评价（结论、1–5 分、备注）", "submit your feedback (verdict, 1–5 score, notes)"),
    usage=("评价 #编号 结论:强烈推荐|推荐|不推荐|强烈不推荐 评分:1-5 [备注:…]",
           "feedback #id rec:strong yes|yes|no|strong no score:1-5 [notes:…]"),
    example=("评价 #12 结论:推荐 评分:4 备注:算法扎实，系统设计偏弱",
             "feedback #12 rec:yes score:4 notes:solid algorithms, weaker on design"))
def feedback(ctx: Context, interview: int, rec: str | None = None, score: int | None = None,
             notes: str | None = None) -> list[Reply]:
    """Store the sender's feedback on an interview they sat on, once."""
    missing = [p for p, v in ((("缺少结论", "missing rec"), rec),
                              (("缺少评分", "missing score"), score)) if v is None]
    if missing:
        raise usage_error("feedback", missing)
    v = repo.view(ctx.session, interview, lock=True)
    row = v.member(ctx.sender.id) if v else None
    if v is None or row is None:
        raise CommandError(f"你不在面试 #{interview} 的面试官中，不能评价。",
                           f"You are not on interview #{interview}, so you cannot review it.")
    if row.feedback_status == "submitted":
        raise CommandError(f"你已提交过 #{interview} 的评价，提交后不可修改；如需更正请联系 HR。",
                           f"You already submitted feedback on #{interview}; it is final. "
                           "Ask HR to correct it.")
    if v.iv.status in ("cancelled", "no_show") or v.iv.start_at > ctx.now:
        raise CommandError(f"#{interview} 尚未开始或已取消，现在不能评价。",
                           f"#{interview} has not happened (or was called off); no feedback yet.")
    fb = Feedback(interview_id=interview, user_id=ctx.sender.id, recommendation=rec,
                  score=score, notes=notes, submitted_at=ctx.now)
    ctx.session.add(fb)
    row.feedback_status = "submitted"
    ctx.session.flush()
    entry = audit.record(ctx, "feedback", "interview", interview,
                         after={"author": ctx.sender.wecom_userid, "recommendation": rec,
                                "score": score, "notes": notes})
    label = pick(ctx.lang, REC[rec])
    return [Reply(ctx.t(f"已提交 #{interview} 的评价（{label}，{score}/5）。提交后不可修改，如需更正请联系 HR。",
                        f"Feedback on #{interview} submitted ({label}, {score}/5). It is final; "
                        "ask HR to correct it."), private=True),
            *notify.feedback_in(ctx, v, fb, entry.id)]


def _ago(ctx: Context, end: datetime) -> str:
    hours = int((ctx.now - end).total_seconds() // 3600)
    if hours >= 48:
        return ctx.t(f"已过 {hours // 24} 天", f"{hours // 24} days ago")
    return ctx.t(f"已过 {hours} 小时", f"{hours} h ago")


@router.command(
    "pending feedback", en=("pending",), zh=("待评价", "逾期评价"), role="hr",
    summary=("查看未交的评价", "feedback not yet submitted"),
    usage=("待评价", "pending feedback"), example=("待评价", "pending feedback"))
def pending_feedback(ctx: Context) -> str:
    """List every interviewer whose feedback on an ended interview is missing."""
    rows = repo.feedback_overdue(ctx.session, ctx.now)
    if not rows:
        return ctx.t("没有待交的评价。", "No feedback is outstanding.")
    items = [f"#{r.id} {r.candidate} {display(r.User)}（{_ago(ctx, r.end_at)}）" if ctx.lang == "zh"
             else f"#{r.id} {r.candidate} {display(r.User)} ({_ago(ctx, r.end_at)})" for r in rows]
    return ctx.t(f"待交评价 {len(rows)}：\n" + "\n".join(items) + f"\n回复「催评价 #{rows[0].id}」提醒。",
                 f"Feedback outstanding ({len(rows)}):\n" + "\n".join(items) +
                 f"\nReply “nudge #{rows[0].id}” to remind them.")


@router.command(
    "nudge", zh=("催评价", "提醒评价"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("提醒面试官提交评价", "remind interviewers to submit feedback"),
    usage=("催评价 #编号", "nudge #id"), example=("催评价 #8", "nudge #8"))
def nudge(ctx: Context, interview: int) -> list[Reply]:
    """Remind every interviewer of #id whose feedback is missing."""
    v = repo.view(ctx.session, interview, lock=True)
    if v is None:
        raise CommandError(f"没有面试 #{interview}。", f"There is no interview #{interview}.")
    if v.iv.status in ("cancelled", "no_show") or v.iv.end_at > ctx.now:
        raise CommandError(f"#{interview} 还没结束或已取消，无需催评价。",
                           f"#{interview} has not ended (or was called off); nothing to chase.")
    due = [(p, u) for p, u in v.panel if p.feedback_status == "pending"]
    if not due:
        return [Reply(ctx.t(f"#{interview} 的评价已全部提交。", f"All feedback on #{interview} is in."))]
    out: list[Reply] = []
    for p, u in due:
        p.nudges += 1
        p.last_nudged_at = ctx.now
        out += notify.nudge(ctx, v, u, p.nudges)
    audit.record(ctx, "nudge", "interview", interview,
                 after={"nudged": [u.wecom_userid for _, u in due]})
    names = ctx.t("、", ", ").join(display(u) for _, u in due)
    return [Reply(ctx.t(f"已提醒 {names} 提交 #{interview} 的评价。",
                        f"Reminded {names} to submit feedback on #{interview}.")), *out]
