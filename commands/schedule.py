"""`schedule` / `安排`: a new interview, checked for clashes under row locks, echoed with the
absolute time, and announced to its interviewers in the same transaction.

Schedule runs at once rather than behind a confirmation: an ambiguous or past time never
gets this far (the router asks back), and the reply echoes the exact time with weekday and
zone, so a slip is fixed with `reschedule` or `cancel`, which are themselves guarded.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import commands.kinds  # noqa: F401  (registers the parameter kinds used below)
from commands import (
    audit,
    calendar_jobs,
    notify,
    people,
    picking,
    pools,
    shadowing,
    states,
    workcal,
)
from commands import interviews_repo as repo
from commands.candidates_repo import CandidateRef, cid, create_candidate, position_named
from commands.confirm import ask, confirmable
from commands.conflicts import chosen_slot, refuse, work_hours
from commands.context import Context, Reply
from commands.registry import router
from commands.render import headline, mode_text, round_text, understood, when
from commands.router import CommandError, Option, Param
from commands.usage import usage_error
from store.hiring import Candidate, Interview, Panelist
from store.models import User

DEFAULT_MINUTES = 60


@dataclass
class Spec:
    """Everything a new interview needs, JSON-friendly (it may wait in a confirmation)."""

    candidate_id: int | None
    candidate_name: str
    start: str
    end: str
    userids: list[str] = field(default_factory=list)
    round: int | None = None
    round_label: str | None = None
    mode: str | None = None
    position: str | None = None
    link: str | None = None
    location: str | None = None
    notes: str | None = None
    room: str | None = None          # a WeCom meeting room name, or 自动 / auto
    off_hours_ok: bool = False        # HR confirmed a time outside the work calendar
    # Picked from a pool or a found slot: their interview hours and caps are rechecked at the
    # write, however long the spec waited in a confirmation.
    bounded: list[str] = field(default_factory=list)
    # Trainees shadowing this interview, [[userid, pool]]: they are in userids too.
    shadows: list[list[str]] = field(default_factory=list)


@router.command(
    "schedule", zh=("安排", "安排面试"), role="hr",
    params=(Param("when", kind="time", label=("时间", "time")),
            Param("interviewers", kind="panel", label=("面试官", "interviewers (after “with”)"),
                  answer_prefix=("面试官 ", "with ")),
            Param("candidate", kind="candidate", label=("候选人", "candidate"),
                  answer_at="start")),
    options=(Option("duration", ("dur", "duration", "时长"), "minutes"),
             Option("round", ("round", "轮次"), "round"), Option("mode", ("mode", "形式"), "mode"),
             Option("position", ("position", "岗位", "职位"), "text", limit=128),
             Option("link", ("link", "链接"), "text"),
             Option("location", ("location", "地点"), "text"),
             Option("notes", ("notes", "备注"), "text"),
             Option("room", ("room", "会议室"), "text")),
    summary=("安排面试并通知面试官", "schedule an interview and tell its interviewers"),
    usage=("安排 候选人 时间 面试官 人… [时长:分钟] [轮次:二面] [形式:视频] [岗位:…] [链接:…] [地点:…]",
           "schedule <candidate> <time> with <people> [dur:min] [round:2] [mode:video] "
           "[position:…] [link:…] [location:…]"),
    example=("安排 张三 明天下午3点 面试官 李四 王五 时长:60 轮次:二面 形式:视频",
             "schedule Alice Wang tomorrow 3pm with @lisi dur:45 round:1"))
def schedule(ctx: Context, when: tuple[datetime, datetime | None], interviewers: list[User],
             candidate: CandidateRef, duration: int | None = None,
             round: tuple[int | None, str | None] | None = None, mode: str | None = None,
             position: str | None = None, link: str | None = None, location: str | None = None,
             notes: str | None = None, room: str | None = None) -> list[Reply]:
    """Create an interview (or refuse a clash with three free slots)."""
    start, end = when
    if end is None or duration:
        end = start + timedelta(minutes=duration or DEFAULT_MINUTES)
    too_long(end - start)
    if location and len(location) > 256:
        raise usage_error("schedule", [("地点太长（最多 256 字）",
                                        "the location is too long (256 at most)")])
    cand_id = candidate.candidate.id if candidate.candidate else None
    interviewers, picks = pools.fill(ctx, interviewers, start, end, cand_id)   # 后端池×2
    shadows = shadowing.join(ctx, [p.pool for p in picks], interviewers, start, end)
    interviewers += [u for u, _ in shadows]
    spec = Spec(cand_id, candidate.name,
                start.isoformat(), end.isoformat(), [u.wecom_userid for u in interviewers],
                round[0] if round else None, round[1] if round else None, mode, position,
                link, location, notes, room,
                bounded=[u.wecom_userid for p in picks for u in p.chosen],
                shadows=[[u.wecom_userid, pool] for u, pool in shadows])
    return pools.explained(ctx, picks, create(
        ctx, spec, known=[u for u in interviewers if u.id is not None],
        new=[u for u in interviewers if u.id is None]))


@confirmable("schedule_slot", role="hr")
def _take_slot(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    slot = chosen_slot(payload, choice)
    spec = Spec(**{k: v for k, v in payload.items() if k != "slots"})
    spec.start, spec.end = slot[0].isoformat(), slot[1].isoformat()
    return _create_parked(ctx, spec)


@confirmable("schedule_off_hours", role="hr")
def _off_hours_anyway(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    return _create_parked(ctx, Spec(**{**payload, "off_hours_ok": True}))


def _create_parked(ctx: Context, spec: Spec) -> list[Reply]:
    """Create a schedule that waited in a confirmation: its interviewers by userid again."""
    users = list(ctx.session.scalars(select(User).where(User.wecom_userid.in_(spec.userids))))
    missing = [User(wecom_userid=u, name=u, role="interviewer") for u in spec.userids
               if u not in {x.wecom_userid for x in users}]
    return create(ctx, spec, known=users, new=missing)


def off_hours(ctx: Context, users: list[User], start: datetime,
              end: datetime) -> list[tuple[str, str]]:
    """Why [start, end) is outside the org's or these interviewers' work calendar."""
    _, tz = work_hours(ctx)
    return workcal.reasons_for(ctx.session, [u for u in users if u.id is not None], start, end,
                               tz, people.display)


def declared(ctx: Context, users: list[User], start: datetime,
             end: datetime) -> list[tuple[str, str]]:
    """Who of the people HR named is outside their declared interview hours or at a cap:
    named by hand they may still be booked, but only once HR has seen why and confirmed."""
    _, tz = work_hours(ctx)
    known = [u for u in users if u.id is not None]
    return [(f"{people.display(u)} {zh}", f"{people.display(u)} {en}")
            for u, (zh, en) in picking.blockers(ctx.session, known, start, end, tz)
            if en.startswith(("outside their interview hours", "at their"))]


def off_hours_question(ctx: Context, why: list[tuple[str, str]], start: datetime,
                        end: datetime, what_zh: str, what_en: str,
                        over: list[tuple[str, str]] | None = None) -> tuple[str, str]:
    """The question asked before booking outside working time (or past what an interviewer
    declared): what, when, and why."""
    at_zh, at_en = when(start, end, ctx.tz, "zh"), when(start, end, ctx.tz, "en")
    # How each part of the time was read: the answer to this question rests on it.
    read = "".join(f"\n{line}" for line in understood(ctx, start))
    zh = [f"⚠ {at_zh} 不在工作时间：{'、'.join(z for z, _ in why)}。"] if why else []
    en = [f"⚠ {at_en} is outside working time: {', '.join(e for _, e in why)}."] if why else []
    if over:
        zh.append(f"⚠ {at_zh}：{'、'.join(z for z, _ in over)}。")
        en.append(f"⚠ {at_en}: {'; '.join(e for _, e in over)}.")
    return ("\n".join(zh) + f"{read}\n仍要{what_zh}？",
            "\n".join(en) + f"{read}\n{what_en[0].upper() + what_en[1:]} anyway?")


def too_long(length: timedelta) -> None:
    """Refuse an interview longer than the longest the clash check looks back for."""
    if length > repo.MAX_LENGTH:
        raise CommandError("面试最长 8 小时。", "An interview can last at most 8 hours.")


def create(ctx: Context, spec: Spec, *, known: list[User], new: list[User]) -> list[Reply]:
    """Check, write, audit and announce a new interview."""
    start, end = datetime.fromisoformat(spec.start), datetime.fromisoformat(spec.end)
    s = ctx.session
    repo.lock_users(s, [u.id for u in known])
    trainee_pool = dict(spec.shadows)
    # A trainee never blocks a booking: one busy at this time just does not shadow it.
    shadows = [u for u in known if u.wecom_userid in trainee_pool
               and not repo.conflicts(s, [u.id], start, end)]
    known = [u for u in known if u.wecom_userid not in trainee_pool]
    clashes = repo.conflicts(s, [u.id for u in known], start, end)
    if clashes:
        return refuse(ctx, clashes, user_ids=[u.id for u in known], start=start, end=end,
                      action="schedule_slot", payload=asdict(spec))
    limits(ctx, [u for u in known if u.wecom_userid in spec.bounded], start, end)
    rnd = spec.round
    if spec.candidate_id and rnd:
        taken = repo.live_round(s, spec.candidate_id, rnd)
        if taken is not None:
            raise CommandError(
                f"{spec.candidate_name} 的{round_text(rnd, None, 'zh')}已有 #{taken.id}。"
                f"要改时间请用「改期 #{taken.id} 新时间」。",
                f"{spec.candidate_name} already has {round_text(rnd, None, 'en')} as "
                f"#{taken.id}. To move it: “reschedule #{taken.id} <time>”.")
    if not spec.off_hours_ok:
        why = off_hours(ctx, known, start, end)
        over = declared(ctx, [u for u in known if u.wecom_userid not in spec.bounded], start, end)
        if why or over:
            return [ask(ctx, "schedule_off_hours", asdict(spec), *off_hours_question(
                ctx, why, start, end, f"安排 {spec.candidate_name}", f"schedule {spec.candidate_name}",
                over=over))]
    panel = [*known, *people.persist(ctx, new)]
    pos = position_named(s, spec.position, ctx.now) if spec.position else None
    cand = s.get_one(Candidate, spec.candidate_id) if spec.candidate_id else \
        create_candidate(s, spec.candidate_name, by=ctx.sender.id, now=ctx.now, position=pos)
    iv = Interview(candidate_id=cand.id, position_id=(pos.id if pos else cand.position_id),
                   round=rnd or repo.next_round(s, cand.id), round_label=spec.round_label,
                   start_at=start, end_at=end, mode=spec.mode, location=spec.location,
                   meeting_url=spec.link, notes=spec.notes,
                   needs_attention=False, reschedule_count=0, sequence=0,
                   created_by=ctx.sender.id, created_at=ctx.now, updated_at=ctx.now)
    states.advance("schedule", iv)
    try:
        with s.begin_nested():        # a concurrent schedule of the same round loses cleanly
            s.add(iv)
            s.flush()
    except IntegrityError:
        raise CommandError(f"{spec.candidate_name} 的这一轮刚刚被别人安排了，请用「面试列表」查看。",
                           f"Someone just scheduled this round for {spec.candidate_name}; "
                           "see “interviews”.") from None
    for u in panel:
        s.add(Panelist(interview_id=iv.id, user_id=u.id, start_at=start, rsvp="pending",
                       feedback_status="pending", nudges=0, added_at=ctx.now))
    for u in shadows:
        s.add(Panelist(interview_id=iv.id, user_id=u.id, start_at=start, rsvp="pending",
                       feedback_status="shadow", nudges=0, added_at=ctx.now))
    s.flush()
    graduated = shadowing.count_down(ctx, [(u, trainee_pool[u.wecom_userid]) for u in shadows])
    v = repo.existing(s, iv.id)
    entry = audit.record(ctx, "create", "interview", iv.id, after=repo.snapshot(v))
    out: list[Reply] = [Reply("\n".join([_echo(ctx, v, spec.candidate_id is None, cand),
                                         *graduated]))]
    for u in [*panel, *shadows]:
        out += notify.assigned(ctx, v, u, entry.id)
    return out + calendar_jobs.after_change(ctx, v, "create", room=spec.room)


def limits(ctx: Context, users: list[User], start: datetime, end: datetime) -> None:
    """Refuse (nothing written) when any of these people is now outside their interview
    hours or working time, or at a cap, for [start, end)."""
    _, tz = work_hours(ctx)
    blocked = picking.blockers(ctx.session, users, start, end, tz)
    if blocked:
        zh = "、".join(f"{people.display(u)} {w[0]}" for u, w in blocked)
        en = "; ".join(f"{people.display(u)} {w[1]}" for u, w in blocked)
        at_zh, at_en = when(start, end, ctx.tz, "zh"), when(start, end, ctx.tz, "en")
        raise CommandError(f"未安排：{at_zh} {zh}。请重新安排或换人。",
                           f"Not scheduled: at {at_en}, {en}. Please schedule again or "
                           "choose other interviewers.")


def _echo(ctx: Context, v: repo.View, new_candidate: bool, cand: Any) -> str:
    """The confirmation of a new interview: exact time, panel, and how to undo it."""
    iv, lang = v.iv, ctx.lang
    names = ctx.t("、", ", ").join(people.labelled(u) + (ctx.t("（见习）", " (shadow)")
                                                        if states.is_shadow(p) else "")
                                  for p, u in v.panel)
    lines = [ctx.t("已安排 ", "Scheduled ") + headline(v, lang),
             ctx.t("时间：", "Time: ") + when(iv.start_at, iv.end_at, ctx.tz, lang),
             *understood(ctx, iv.start_at),
             ctx.t(f"面试官：{names}（已私信通知，待确认）",
                   f"Interviewers: {names} (notified, awaiting their RSVP)")]
    mode = mode_text(iv.mode, iv.location, lang)
    if mode:
        lines.append(ctx.t("形式：", "Mode: ") + mode)
    if new_candidate:
        lines.append(ctx.t(f"新候选人 {cand.name}（{cid(cand)}），可用「候选人 {cid(cand)}」查看。",
                           f"New candidate {cand.name} ({cid(cand)})."))
    why = off_hours(ctx, [u for _, u in v.panel], iv.start_at, iv.end_at)
    if why:
        lines.append(ctx.t("注意：不在工作时间（" + "、".join(z for z, _ in why) + "）。",
                           "Note: outside working time (" + ", ".join(e for _, e in why) + ")."))
    lines.append(ctx.t(f"有误？「改期 #{iv.id} 新时间」或「取消 #{iv.id}」。",
                       f"Wrong? “reschedule #{iv.id} <time>” or “cancel #{iv.id}”."))
    return "\n".join(lines)
