"""`candidate <name|C12>` / `候选人` (history; contacts for HR, never in groups) and
`add candidate` / `新建候选人` (HR)."""
from __future__ import annotations

import re

from sqlalchemy import select

import commands.kinds  # noqa: F401  (registers the parameter kinds used below)
from commands import audit
from commands.candidates_repo import (
    CandidateRef,
    cid,
    create_candidate,
    duplicate_of,
    not_visible,
    position_named,
    snapshot,
)
from commands.context import Context, Reply, role_allows
from commands.people import display
from commands.privacy import Doc, may_see_contact, may_see_feedback, replies
from commands.registry import router
from commands.render import DECISION, REC, STATUS, pick, round_text
from commands.router import Option, Param
from commands.sanitize import inert
from commands.usage import usage_error
from store.hiring import Feedback, Interview, Panelist, Position
from store.models import User

_PHONE = re.compile(r"\+?[\d\- ]{6,20}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@router.command(
    "candidate", zh=("候选人",),
    params=(Param("who", kind="candidate", label=("候选人姓名或编号", "candidate name or C-number")),),
    summary=("查看候选人及面试历史", "a candidate and their interviews"),
    usage=("候选人 姓名|C编号", "candidate <name|C12>"), example=("候选人 张三", "candidate C12"))
def candidate(ctx: Context, who: CandidateRef) -> list[Reply]:
    """A candidate's position, stage and interview history, as far as the sender may see."""
    c = who.candidate
    s = ctx.session
    hr = role_allows(ctx.sender.role, "hr")
    history = list(s.scalars(select(Interview).where(Interview.candidate_id == c.id)
                             .order_by(Interview.start_at))) if c else []
    mine = {i for i in s.scalars(select(Panelist.interview_id).where(
        Panelist.user_id == ctx.sender.id, Panelist.interview_id.in_([iv.id for iv in history])))}
    if c is None or not (hr or mine):
        raise not_visible(who.name)
    pos = s.get(Position, c.position_id) if c.position_id else None
    # In a group only the name and the interview times show; the rest goes one-to-one.
    doc = Doc().add(f"{c.name}（{cid(c)}）" if ctx.lang == "zh" else f"{c.name} ({cid(c)})")
    doc.add(ctx.t("应聘：", "Position: ") + (pos.title if pos else ctx.t("未定", "not set")),
            private=True)
    if c.resume_url:
        doc.add(ctx.t("简历：", "Resume: ") + c.resume_url, private=True)
    if may_see_contact(ctx.sender):
        contact = " ".join(x for x in (c.phone, c.email) if x)
        if contact:
            doc.add(ctx.t("联系方式：", "Contact: ") + contact, private=True)
    fb = {(f.interview_id, f.user_id): (f, u) for f, u in s.execute(
        select(Feedback, User).join(User, User.id == Feedback.user_id)
        .where(Feedback.interview_id.in_([iv.id for iv in history])))}
    doc.add(ctx.t("面试记录：", "Interviews:"))
    for iv in history:
        at = iv.start_at.astimezone(ctx.tz)
        line = (f"#{iv.id} {at:%m-%d %H:%M} {round_text(iv.round, iv.round_label, ctx.lang)} "
                f"{pick(ctx.lang, STATUS[iv.status])}")
        if iv.decision:
            line += ctx.t(f" · 决定：{pick('zh', DECISION[iv.decision])}",
                          f" · decision: {pick('en', DECISION[iv.decision])}")
            if iv.decision_note and hr:
                line += ctx.t(f"（{iv.decision_note}）", f" ({iv.decision_note})")
        doc.add(line, private=True, public=f"#{iv.id} {at:%m-%d %H:%M}")
        for (iid, uid), (f, u) in fb.items():
            if iid == iv.id and may_see_feedback(ctx.sender, uid):
                doc.add(f"  {display(u)}: {pick(ctx.lang, REC[f.recommendation])} {f.score}/5",
                        private=True)
    return replies(ctx, doc)


@router.command(
    "add candidate", en=("new candidate",), zh=("新建候选人", "添加候选人"), role="hr",
    params=(Param("name", kind="text", label=("姓名", "name"), limit=128),),
    options=(Option("position", ("position", "岗位", "职位"), "text", limit=128),
             Option("phone", ("phone", "手机", "电话"), "text"),
             Option("email", ("email", "邮箱"), "text"),
             Option("resume", ("resume", "简历"), "text"),
             Option("source", ("source", "来源"), "text")),
    summary=("新建候选人", "add a candidate"),
    usage=("新建候选人 姓名 [岗位:…] [手机:…] [邮箱:…] [简历:链接] [来源:…]",
           "add candidate <name> [position:…] [phone:…] [email:…] [resume:url] [source:…]"),
    example=("新建候选人 张三 岗位:后端工程师 简历:https://example.com/cv.pdf",
             "add candidate Alice Wang position:QA email:alice@example.com"))
def add_candidate(ctx: Context, name: str, position: str | None = None, phone: str | None = None,
                  email: str | None = None, resume: str | None = None,
                  source: str | None = None) -> list[Reply]:
    """Create a candidate; a known phone or e-mail shows the existing record instead."""
    problems = []
    if len(name) > 128:
        problems.append(("姓名太长（最多 128 字）", "the name is too long (128 at most)"))
    if phone and not _PHONE.fullmatch(phone):
        problems.append((f"手机号「{inert(phone)}」格式不对", f"phone “{inert(phone)}” is not a number"))
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        problems.append((f"邮箱「{inert(email)}」格式不对",
                         f"e-mail “{inert(email)}” is not an address"))
    if source and len(source) > 64:
        problems.append(("来源太长（最多 64 字）", "the source is too long (64 at most)"))
    if problems:
        raise usage_error("add candidate", problems)
    phone = re.sub(r"[\s\-]", "", phone) if phone else None
    email = email.lower() if email else None
    existing = duplicate_of(ctx.session, phone, email)
    if existing is not None:
        return [Reply(ctx.t(f"已有候选人 {existing.name}（{cid(existing)}）使用相同的手机或邮箱，未新建。"
                            f"查看：「候选人 {cid(existing)}」",
                            f"{existing.name} ({cid(existing)}) already has that phone or e-mail; "
                            f"nothing created. See “candidate {cid(existing)}”."))]
    pos = position_named(ctx.session, position, ctx.now) if position else None
    c = create_candidate(ctx.session, name, by=ctx.sender.id, now=ctx.now, position=pos,
                         phone=phone, email=email, resume_url=resume, source=source)
    audit.record(ctx, "create", "candidate", c.id, after=snapshot(c))
    return [Reply(ctx.t(f"已创建候选人 {c.name}（{cid(c)}）。"
                        f"安排面试：「安排 {cid(c)} 明天下午3点 面试官 …」",
                        f"Created candidate {c.name} ({cid(c)}). To schedule: "
                        f"“schedule {cid(c)} tomorrow 3pm with …”."))]
