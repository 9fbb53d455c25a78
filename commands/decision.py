"""HR's hiring decision on an interview, `decide #id hire|no-hire|hold [note]` /
`决定 #编号 通过|不通过|待定 [备注]`, and `next round #id <time> with <people>` /
`安排下一轮 #编号 <时间> 面试官 <人>`, which schedules the candidate's next round from it.

A decision closes the interview's feedback loop: feedback still due is waived (no more nudges,
no amendments), the decision is audited and shows in the candidate's history.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import commands.kinds  # noqa: F401  (registers the parameter kinds used below)
from commands import audit, notify, pools, states
from commands import interviews_repo as repo
from commands.context import Context, Reply
from commands.lookup import named_interview
from commands.people import display
from commands.registry import router
from commands.render import round_text
from commands.router import CommandError, Option, Param
from commands.sanitize import inert
from commands.schedule import DEFAULT_MINUTES, Spec, create, too_long
from store.hiring import Candidate
from store.models import User

VERDICT = {"pass": ("通过", "hire"), "fail": ("不通过", "no-hire"), "hold": ("待定", "hold")}
# Longest first, so 不通过 is not read as 通过.
_WORDS = (("不通过", "fail"), ("通过", "pass"), ("待定", "hold"), ("no-hire", "fail"),
          ("nohire", "fail"), ("no hire", "fail"), ("reject", "fail"), ("hire", "pass"),
          ("pass", "pass"), ("fail", "fail"), ("hold", "hold"))


@router.kind("verdict")
def verdict_kind(ctx: Context, text: str) -> tuple[Any, str, tuple[str, str] | None]:
    """通过 / 不通过 / 待定, hire / no-hire / hold, at the start of the text."""
    t = text.strip()
    if not t:
        return None, "", None
    for word, value in _WORDS:
        if t.lower().startswith(word):
            after = t[len(word):]
            if after and word.isascii() and after[0].isalnum():
                continue                       # "holder" is not "hold"
            return value, after.strip(), None
    first = t.split()[0]
    return None, t, (f"看不懂决定「{inert(first)}」，可选：通过、不通过、待定",
                     f"unknown decision “{inert(first)}”; use hire, no-hire or hold")


@router.command(
    "decide", en=("decision",), zh=("决定", "录用决定"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
            Param("verdict", kind="verdict", label=("决定（通过|不通过|待定）",
                                                     "decision (hire|no-hire|hold)")),
            Param("note", kind="text", required=False)),
    summary=("面试后的录用决定，关闭评价", "the hiring decision after an interview; closes feedback"),
    usage=("决定 #编号 通过|不通过|待定 [备注]", "decide #id hire|no-hire|hold [note]"),
    example=("决定 #12 通过 进入二面", "decide #12 hire strong on systems"))
def decide(ctx: Context, interview: int, verdict: str, note: str | None = None) -> list[Reply]:
    """Record HR's decision on interview #id; waive feedback still due."""
    v = named_interview(ctx.session, interview, lock=True)
    if not states.interview_allowed("decide", v.iv.status) or v.iv.end_at > ctx.now:
        raise CommandError(f"#{interview} 还没结束或已取消，不能作出决定。",
                           f"#{interview} has not ended (or was called off); no decision yet.")
    given = [u for p, u in v.panel if p.feedback_status == "submitted"]
    if not given:
        raise CommandError(f"#{interview} 还没有任何评价，请先「催评价 #{interview}」。",
                           f"No feedback on #{interview} yet; “nudge #{interview}” first.")
    before = repo.snapshot(v)
    was = v.iv.decision
    waived = [(p, u) for p, u in v.panel if states.allowed("decide", p)]
    states.move_all("decide", v.panel)
    repo.void_queued(ctx.session, interview, ("autonudge",))
    states.advance("decide", v.iv)            # it has ended; the clock may not have said so yet
    v.iv.decision, v.iv.decision_note = verdict, note[:500] if note else None
    v.iv.decided_at, v.iv.decided_by, v.iv.updated_at = ctx.now, ctx.sender.id, ctx.now
    cand = ctx.session.get_one(Candidate, v.iv.candidate_id, with_for_update=True)
    cand.decision = verdict                   # the latest decision is the candidate's stage
    ctx.session.flush()
    entry = audit.record(ctx, "decide", "interview", interview, before=before,
                         after=repo.snapshot(v), reason=note)
    label = VERDICT[verdict]
    lines = [ctx.t(f"已记录 #{interview} {v.candidate.name}"
                   f"（{round_text(v.iv.round, v.iv.round_label, 'zh')}）的决定：{label[0]}",
                   f"Recorded the decision on #{interview} {v.candidate.name} "
                   f"({round_text(v.iv.round, v.iv.round_label, 'en')}): {label[1]}")
             + (ctx.t(f"（原为{VERDICT[was][0]}）", f" (was {VERDICT[was][1]})") if was else "")
             + ctx.t("。", ".")]
    if note:
        lines.append(ctx.t(f"备注：{note}", f"Note: {note}"))
    lines.append(ctx.t(f"评价已关闭（{len(given)} 份评价）。", f"Feedback is closed ({len(given)} "
                                                          "given)."))
    if waived:
        names = ctx.t("、", ", ").join(display(u) for _, u in waived)
        lines.append(ctx.t(f"{names} 未交评价，不再提醒。", f"{names} gave none; no more reminders."))
    if verdict == "pass":
        lines.append(ctx.t(f"安排下一轮：「安排下一轮 #{interview} 时间 面试官 人」",
                           f"Next round: “next round #{interview} <time> with <people>”"))
    out = [Reply("\n".join(lines))]
    for _, u in waived:
        out += notify.decided(ctx, v, u, label, entry.id)
    return out


@router.command(
    "next round", zh=("安排下一轮", "下一轮"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
            Param("when", kind="time", label=("时间", "time")),
            Param("interviewers", kind="panel", label=("面试官", "interviewers (after “with”)"))),
    options=(Option("duration", ("dur", "duration", "时长"), "minutes"),
             Option("mode", ("mode", "形式"), "mode"), Option("link", ("link", "链接"), "text"),
             Option("location", ("location", "地点"), "text"),
             Option("notes", ("notes", "备注"), "text")),
    summary=("从「通过」的面试直接安排候选人的下一轮", "schedule the next round after a hire decision"),
    usage=("安排下一轮 #编号 时间 面试官 人… [时长:分钟] [形式:视频] [链接:…] [地点:…]",
           "next round #id <time> with <people> [dur:min] [mode:video] [link:…] [location:…]"),
    example=("安排下一轮 #12 下周一上午10点 面试官 王五", "next round #12 next mon 10am with @wangwu"))
def next_round(ctx: Context, interview: int, when: tuple[datetime, datetime | None],
               interviewers: list[User], duration: int | None = None, mode: str | None = None,
               link: str | None = None, location: str | None = None,
               notes: str | None = None) -> list[Reply]:
    """Schedule round n+1 for the candidate of interview #id, which HR decided to pass."""
    v = named_interview(ctx.session, interview)
    if v.iv.decision != "pass":
        now = VERDICT[v.iv.decision] if v.iv.decision else ("未决定", "undecided")
        raise CommandError(f"#{interview} 的决定是「{now[0]}」：只有「通过」后才能安排下一轮"
                           f"（「决定 #{interview} 通过」）。",
                           f"#{interview} is {now[1]}: the next round follows a hire decision "
                           f"(“decide #{interview} hire”).")
    start, end = when
    if end is None or duration:
        end = start + timedelta(minutes=duration or DEFAULT_MINUTES)
    too_long(end - start)
    interviewers, picks = pools.fill(ctx, interviewers, start, end, v.candidate.id)
    spec = Spec(v.candidate.id, v.candidate.name, start.isoformat(), end.isoformat(),
                [u.wecom_userid for u in interviewers], v.iv.round + 1, None, mode,
                v.position.title if v.position else None, link, location, notes)
    return pools.explained(ctx, picks, create(
        ctx, spec, known=[u for u in interviewers if u.id is not None],
        new=[u for u in interviewers if u.id is None]))
