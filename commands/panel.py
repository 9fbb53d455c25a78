"""`add interviewer` / `加面试官` and `remove interviewer` / `移除面试官` (confirmed first)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

import commands.kinds  # noqa: F401  (registers the parameter kinds used below)
from commands import audit, calendar_jobs, group, notify, states
from commands import interviews_repo as repo
from commands.confirm import ask, confirmable
from commands.conflicts import clash_lines
from commands.context import Context, Reply
from commands.lookup import named_interview
from commands.people import MAX_PEOPLE, display, labelled, persist
from commands.registry import router
from commands.router import CommandError, Param
from store.hiring import LIVE, Panelist
from store.models import User


def _live(ctx: Context, iid: int, lock: bool = False) -> repo.View:
    v = named_interview(ctx.session, iid, lock=lock)
    if v.iv.status not in LIVE:
        raise CommandError(f"#{iid} 已结束或已取消，不能再调整面试官。",
                           f"#{iid} is over or cancelled; its panel can no longer change.")
    return v


def settle_status(v: repo.View) -> None:
    """Confirmed when everyone on the panel has accepted; otherwise waiting for RSVPs."""
    rsvps = [p.rsvp for p, _ in v.attending]
    v.iv.needs_attention = any(p.rsvp == "declined" for p, _ in v.panel) or not rsvps
    states.settle(v.iv, rsvps)


@router.command(
    "add interviewer", zh=("加面试官", "添加面试官"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
            Param("people", kind="people", label=("面试官", "interviewer"))),
    summary=("给面试加面试官并通知", "add interviewers to an interview and tell them"),
    usage=("加面试官 #编号 人…", "add interviewer #id <people>"),
    example=("加面试官 #12 赵六", "add interviewer #12 @zhaoliu"))
def add_interviewer(ctx: Context, interview: int, people: list[User]) -> list[Reply]:
    """Put more interviewers on interview #id, if they are free then."""
    s = ctx.session
    v = _live(ctx, interview, lock=True)
    on = {u.wecom_userid for _, u in v.attending}
    already = [display(u) for u in people if u.wecom_userid in on]
    if already:
        raise CommandError(f"{'、'.join(already)} 已在 #{interview} 的面试官中。",
                           f"{', '.join(already)} already on #{interview}.")
    if len(on) + len(people) > MAX_PEOPLE:
        raise CommandError(f"一场面试最多 {MAX_PEOPLE} 位面试官（#{interview} 已有 {len(on)} 位）。",
                           f"An interview has at most {MAX_PEOPLE} interviewers "
                           f"(#{interview} has {len(on)}).")
    known = [u.id for u in people if u.id is not None]
    repo.lock_users(s, known)
    clashes = repo.conflicts(s, known, v.iv.start_at, v.iv.end_at, exclude=interview)
    if clashes:
        raise CommandError(ctx.t("时间冲突：", "") + "；".join(clash_lines(ctx, clashes)),
                           "Clash: " + "; ".join(clash_lines(ctx, clashes)))
    before = repo.snapshot(v)
    added = persist(ctx, people)
    for u in added:
        old = v.member(u.id)
        if old is not None:        # declined or removed before: invited again
            states.move("invite", old, iid=interview)
            old.rsvp_at, old.rsvp_note, old.added_at = None, None, ctx.now
            continue
        s.add(Panelist(interview_id=interview, user_id=u.id, start_at=v.iv.start_at,
                       rsvp="pending", feedback_status="pending", nudges=0, added_at=ctx.now))
    s.flush()
    v = repo.existing(s, interview)
    settle_status(v)
    v.iv.sequence += 1
    v.iv.updated_at = ctx.now
    entry = audit.record(ctx, "add_interviewer", "interview", interview, before=before,
                         after=repo.snapshot(v))
    names = ctx.t("、", ", ").join(labelled(u) for u in added)
    out = [Reply(ctx.t(f"已将 {names} 加入 #{interview}，已私信通知（待确认）。",
                       f"Added {names} to #{interview}; notified, awaiting their RSVP."))]
    for u in added:
        out += notify.assigned(ctx, v, u, entry.id)
    return out + group.announce(ctx, v, f"新增面试官 {names}", f"{names} joined the panel",
                                entry.id) + calendar_jobs.after_change(ctx, v, "panel")


@router.command(
    "remove interviewer", zh=("移除面试官", "删除面试官"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
            Param("person", kind="person", label=("面试官", "interviewer"))),
    summary=("从面试中移除面试官（需确认）", "take an interviewer off an interview (confirmed first)"),
    usage=("移除面试官 #编号 人", "remove interviewer #id <person>"),
    example=("移除面试官 #12 王五", "remove interviewer #12 @wangwu"))
def remove_interviewer(ctx: Context, interview: int, person: User) -> list[Reply]:
    """Ask to confirm removing one interviewer from interview #id."""
    v = _live(ctx, interview)
    _removable(v, person)
    return [ask(ctx, "remove_interviewer", {"interview": interview, "userid": person.wecom_userid},
                f"从 #{interview}（{v.candidate.name}）移除面试官 {display(person)}？将通知对方。",
                f"Remove {display(person)} from #{interview} ({v.candidate.name})? "
                "They will be told.")]


def _removable(v: repo.View, person: User) -> Panelist:
    row = v.member(person.id) if person.id is not None else None
    if row is None or row.rsvp == "removed":
        raise CommandError(f"{display(person)} 不在 #{v.iv.id} 的面试官中。",
                           f"{display(person)} is not on #{v.iv.id}.")
    if not states.allowed("remove", row):
        states.move("remove", row, iid=v.iv.id, who=display(person))   # raises: says why
    if states.attending(row) and len(v.attending) == 1:
        raise CommandError(f"{display(person)} 是 #{v.iv.id} 唯一的面试官：请先加人，或取消面试。",
                           f"{display(person)} is the only interviewer on #{v.iv.id}: add "
                           "someone first, or cancel the interview.")
    return row


@confirmable("remove_interviewer", role="hr")
def _remove(ctx: Context, payload: dict[str, Any], choice: int | None) -> list[Reply]:
    iid = payload["interview"]
    v = _live(ctx, iid, lock=True)
    person = ctx.session.scalars(select(User).where(User.wecom_userid == payload["userid"])).one()
    row = _removable(v, person)
    before = repo.snapshot(v)
    # The row stays (its history says 已移除); the state table takes them off the panel.
    states.move("remove", row, iid=iid, who=display(person))
    repo.void_queued(ctx.session, iid, ("remind", "autonudge"), user_id=person.id)
    ctx.session.flush()
    settle_status(v)
    v.iv.sequence += 1
    v.iv.updated_at = ctx.now
    entry = audit.record(ctx, "remove_interviewer", "interview", iid, before=before,
                         after=repo.snapshot(v))
    return [Reply(ctx.t(f"已将 {display(person)} 从 #{iid} 移除，已通知对方。",
                        f"Removed {display(person)} from #{iid}; they have been told.")),
            *notify.removed(ctx, v, person, entry.id),
            *group.announce(ctx, v, f"{display(person)} 不再参加", f"{display(person)} left the panel",
                            entry.id), *calendar_jobs.after_change(ctx, v, "panel")]
