"""Feedback: `feedback #id rec: score: notes:` / `评价 #编号 结论: 评分: 备注:` by an interviewer,
`pending feedback` / `待评价` and `nudge #id` / `催评价 #编号` for HR.

Feedback is written once by its author, who may amend it (`修改评价 #编号 …`) until HR records
a decision; the earlier version stays in the audit log. Only interviewers on the panel may
give it (commands.states); it is visible to HR, admins and its author only (commands.privacy).
"""
from __future__ import annotations

from datetime import datetime

import commands.kinds  # noqa: F401  (registers the parameter kinds used below)
from commands import audit, notify, states
from commands import interviews_repo as repo
from commands.context import Context, Reply
from commands.lookup import named_interview
from commands.people import display
from commands.registry import router
from commands.render import REC, pick
from commands.router import CommandError, Option, Param
from commands.usage import usage_error
from store.hiring import Feedback, Panelist
from store.models import User

FEEDBACK_OPTIONS = (Option("rec", ("rec", "recommendation", "结论"), "rec"),
                    Option("score", ("score", "评分"), "score"),
                    Option("notes", ("notes", "note", "备注"), "text"))


def _own_row(ctx: Context, interview: int, verb: tuple[str, str]) -> tuple[repo.View, Panelist]:
    """The interview and the sender's panel row, once HR has not yet closed it by a decision."""
    v = repo.view(ctx.session, interview, lock=True)
    row = v.member(ctx.sender.id) if v else None
    if v is None or row is None:
        raise CommandError(f"你不在面试 #{interview} 的面试官中，不能{verb[0]}。",
                           f"You are not on interview #{interview}, so you cannot {verb[1]}.")
    if v.iv.decision is not None:
        raise CommandError(f"HR 已对 #{interview} 作出决定，评价已关闭。",
                           f"HR has decided on #{interview}; its feedback is closed.")
    return v, row


@router.command(
    "feedback", zh=("评价", "反馈"), group=False,
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    options=FEEDBACK_OPTIONS,
    summary=("提交面试评价（结论、1–5 分、备注）", "submit your feedback (verdict, 1–5 score, notes)"),
    usage=("评价 #编号 结论:强烈推荐|推荐|不推荐|强烈不推荐 评分:1-5 [备注:…]",
           "feedback #id rec:strong yes|yes|no|strong no score:1-5 [notes:…]"),
    example=("评价 #12 结论:推荐 评分:4 备注:算法扎实，系统设计偏弱",
             "feedback #12 rec:yes score:4 notes:solid algorithms, weaker on design"))
def feedback(ctx: Context, interview: int, rec: str | None = None, score: int | None = None,
             notes: str | None = None) -> list[Reply]:
    """Store the sender's feedback on an interview they sat on, once (then `amend`)."""
    missing = [p for p, v in ((("缺少结论", "missing rec"), rec),
                              (("缺少评分", "missing score"), score)) if v is None]
    if missing or rec is None:
        raise usage_error("feedback", missing)
    v, row = _own_row(ctx, interview, ("评价", "review it"))
    if row.feedback_status == "submitted":
        raise CommandError(f"你已提交过 #{interview} 的评价；要修改请用「修改评价 #{interview} …」。",
                           f"You already gave feedback on #{interview}; to change it use "
                           f"“amend feedback #{interview} …”.")
    if v.iv.status in ("cancelled", "no_show") or v.iv.start_at > ctx.now:
        raise CommandError(f"#{interview} 尚未开始或已取消，现在不能评价。",
                           f"#{interview} has not happened (or was called off); no feedback yet.")
    states.move("feedback", row, iid=interview)        # refuses declined, removed, absent
    fb = Feedback(interview_id=interview, user_id=ctx.sender.id, recommendation=rec,
                  score=score, notes=notes, submitted_at=ctx.now)
    ctx.session.add(fb)
    ctx.session.flush()
    entry = audit.record(ctx, "feedback", "interview", interview,
                         after={"author": ctx.sender.wecom_userid, "recommendation": rec,
                                "score": score, "notes": notes})
    label = pick(ctx.lang, REC[rec])
    return [Reply(ctx.t(f"已提交 #{interview} 的评价（{label}，{score}/5）。"
                        f"HR 作出决定前可用「修改评价 #{interview} …」修改。",
                        f"Feedback on #{interview} submitted ({label}, {score}/5). Until HR "
                        f"decides you can change it with “amend feedback #{interview} …”."),
                  private=True),
            *notify.feedback_in(ctx, v, fb, entry.id)]


@router.command(
    "amend feedback", en=("amend",), zh=("修改评价",), group=False,
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    options=FEEDBACK_OPTIONS,
    summary=("修改自己的评价（HR 作出决定前）", "change your own feedback (until HR decides)"),
    usage=("修改评价 #编号 [结论:…] [评分:1-5] [备注:…]",
           "amend feedback #id [rec:…] [score:1-5] [notes:…]"),
    example=("修改评价 #12 评分:3 备注:系统设计偏弱", "amend feedback #12 score:3"))
def amend(ctx: Context, interview: int, rec: str | None = None, score: int | None = None,
          notes: str | None = None) -> list[Reply]:
    """Change the sender's own feedback; the old version stays in the audit log."""
    if rec is None and score is None and notes is None:
        raise usage_error("amend feedback", [("没有要修改的内容", "nothing to change")])
    v, row = _own_row(ctx, interview, ("修改评价", "amend feedback on it"))
    states.move("amend", row, iid=interview)
    fb = ctx.session.get(Feedback, (interview, ctx.sender.id), with_for_update=True)
    assert fb is not None, "a submitted panel row always has its feedback"
    before = {"author": ctx.sender.wecom_userid, "recommendation": fb.recommendation,
              "score": fb.score, "notes": fb.notes}
    fb.recommendation = rec or fb.recommendation
    fb.score = score if score is not None else fb.score
    fb.notes = notes if notes is not None else fb.notes
    fb.amended_at = ctx.now
    ctx.session.flush()
    entry = audit.record(ctx, "amend_feedback", "interview", interview, before=before,
                         after={**before, "recommendation": fb.recommendation,
                                "score": fb.score, "notes": fb.notes})
    label = pick(ctx.lang, REC[fb.recommendation])
    note = ctx.t(f"，备注：{fb.notes}" if fb.notes else "", f", notes: {fb.notes}" if fb.notes else "")
    return [Reply(ctx.t(f"已修改 #{interview} 的评价：{label}，{fb.score}/5{note}。原评价保留在操作记录中。",
                        f"Feedback on #{interview} amended: {label}, {fb.score}/5{note}. "
                        "The earlier version stays in the audit log."), private=True),
            *notify.feedback_in(ctx, v, fb, entry.id, amended=True)]


def _ago(ctx: Context, end: datetime) -> str:
    hours = int((ctx.now - end).total_seconds() // 3600)
    if hours >= 48:
        return ctx.t(f"已过 {hours // 24} 天", f"{hours // 24} days ago")
    return ctx.t(f"已过 {hours} 小时", f"{hours} h ago")


@router.command(
    "pending feedback", en=("pending",), zh=("待评价", "逾期评价"), role="hr",
    summary=("查看未交的评价", "feedback not yet submitted"),
    usage=("待评价", "pending feedback"), example=("待评价", "pending feedback"))
def pending_feedback(ctx: Context) -> list[Reply]:
    """List every interviewer whose feedback on an ended interview is missing."""
    rows = repo.feedback_overdue(ctx.session, ctx.now)
    if not rows:
        return [Reply(ctx.t("没有待交的评价。", "No feedback is outstanding."))]
    items = [f"#{r.id} {r.candidate} {display(r.User)}（{_ago(ctx, r.end_at)}）" if ctx.lang == "zh"
             else f"#{r.id} {r.candidate} {display(r.User)} ({_ago(ctx, r.end_at)})" for r in rows]
    return [Reply(ctx.t(f"待交评价 {len(rows)}：\n" + "\n".join(items)
                        + f"\n回复「催评价 #{rows[0].id}」提醒。",
                        f"Feedback outstanding ({len(rows)}):\n" + "\n".join(items) +
                        f"\nReply “nudge #{rows[0].id}” to remind them."))]


@router.command(
    "nudge", zh=("催评价", "提醒评价", "催确认"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("提醒面试官：开始前催确认，结束后催评价",
             "remind interviewers: to answer before it, to give feedback after it"),
    usage=("催评价 #编号", "nudge #id"), example=("催评价 #8", "nudge #8"))
def nudge(ctx: Context, interview: int) -> list[Reply]:
    """Before the end, remind those who have not answered; after it, those owing feedback."""
    v = named_interview(ctx.session, interview, lock=True)
    if v.iv.status in ("cancelled", "no_show"):
        raise CommandError(f"#{interview} 已取消或候选人未到场，无需提醒。",
                           f"#{interview} was called off; nothing to chase.")
    if v.iv.end_at > ctx.now:
        return _chase_answers(ctx, v)
    if v.iv.decision is not None:
        raise CommandError(f"#{interview} 已作出决定，评价已关闭。",
                           f"#{interview} has a decision; its feedback is closed.")
    due = [(p, u) for p, u in v.panel if states.owes_feedback(p)]
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


def _chase_answers(ctx: Context, v: repo.View) -> list[Reply]:
    """Ask everyone on the panel who has not answered yet to accept or decline."""
    iid = v.iv.id
    waiting = [u for p, u in v.attending if p.rsvp == "pending"]
    if not waiting:
        return [Reply(ctx.t(f"#{iid} 的面试官都已回复。", f"Everyone on #{iid} has answered."))]
    entry = audit.record(ctx, "nudge", "interview", iid,
                         after={"asked_to_answer": [u.wecom_userid for u in waiting]})
    out: list[Reply] = []
    for u in waiting:
        out += notify.answer_please(ctx, v, u, entry.id)
    names = ctx.t("、", ", ").join(display(u) for u in waiting)
    return [Reply(ctx.t(f"已提醒 {names} 确认 #{iid}。", f"Asked {names} to answer #{iid}.")),
            *out]


@router.command(
    "absent", zh=("缺席",), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
            Param("person", kind="person", label=("面试官", "interviewer"))),
    summary=("标记面试官缺席（免交评价）", "mark an interviewer absent (no feedback owed)"),
    usage=("缺席 #编号 人", "absent #id <person>"), example=("缺席 #12 李四", "absent #12 @lisi"))
def absent(ctx: Context, interview: int, person: User) -> list[Reply]:
    """After the start, excuse an interviewer who did not take part from feedback."""
    v = named_interview(ctx.session, interview, lock=True)
    if v.iv.status in ("cancelled", "no_show") or v.iv.start_at > ctx.now:
        raise CommandError(f"#{interview} 还没开始或已取消，不能标记缺席。",
                           f"#{interview} has not taken place; nobody can be absent from it.")
    row = v.member(person.id) if person.id is not None else None
    if row is None:
        raise CommandError(f"{display(person)} 不在 #{interview} 的面试官中。",
                           f"{display(person)} is not on #{interview}.")
    before = repo.snapshot(v)
    states.move("absent", row, iid=interview, who=display(person))
    repo.void_queued(ctx.session, interview, ("autonudge",), user_id=person.id)
    ctx.session.flush()
    audit.record(ctx, "absent", "interview", interview, before=before, after=repo.snapshot(v))
    return [Reply(ctx.t(f"已记录 {display(person)} 缺席 #{interview}（{v.candidate.name}），不再需要其评价。",
                        f"Recorded {display(person)} as absent from #{interview} "
                        f"({v.candidate.name}); no feedback is owed."))]
