"""The bot's clock, the domain half: what is due at `now`, as replies with unique keys.

Nothing is planned ahead: every tick works out what is due from the interviews themselves, and
each message carries a dedupe key (kind, interview, person, offset or day, schedule sequence),
so two workers, or a worker catching up after downtime, never send anything twice.

- Reminders before a live interview, at the person's offsets (default 60 and 15 minutes). After
  downtime only the latest due offset goes out; once the interview has started, none does.
  Quiet hours never hold them back.
- The daily agenda at the organisation's digest time on working days (Mon-Fri), in each
  person's own zone, while the day still has interviews ahead; HR get the day's summary.
- Feedback nudges after the end: first after `feedback_first_after_min`, then every
  `feedback_every_min`, at most `feedback_max`, never in quiet hours; an overdue one is sent
  once. They stop on submission, cancellation or no-show.
- Auto-complete: a live interview becomes completed `completed_grace_min` after its end.
- HR warnings: 24 h and 2 h before the start, HR hear who on the panel has not answered, with
  the commands to act (nudge, add someone, reschedule); at the start, who never confirmed.
  Only invited and accepted interviewers count (commands.states); nothing for a cancelled one.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands import states
from commands.context import Reply
from commands.interviews_repo import View, view
from commands.render import brief, headline, lang_of, pick, when
from commands.replies import Card
from commands.settings_store import org_settings, user_setting
from store.hiring import ATTENDING, LIVE, AuditLog, Candidate, Interview, Panelist
from store.models import User

WEEKEND = (5, 6)


@dataclass(frozen=True)
class Org:
    """The settings the clock needs, read once per tick."""

    tz: str
    offsets: list[int]
    digest: str
    first_after: int
    every: int
    max_nudges: int
    quiet: str
    grace: int

    @classmethod
    def load(cls, s: Session, tz: str) -> Org:
        """Read the organisation's settings (defaults filled in)."""
        o = org_settings(s)
        return cls(tz, list(o["remind_offsets_min"]), o["digest_time"],
                   int(o["feedback_first_after_min"]), int(o["feedback_every_min"]),
                   int(o["feedback_max"]), o["quiet_hours"], int(o["completed_grace_min"]))


def zone(user: User, org: Org) -> ZoneInfo:
    """The person's zone, else the organisation's."""
    return ZoneInfo(user.timezone or org.tz)


def _hhmm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def in_quiet_hours(local: datetime, quiet: str) -> bool:
    """True inside a "22:00-08:00" style window (which may wrap midnight); "off" is never."""
    if not quiet or quiet == "off":
        return False
    start, end = (_hhmm(x) for x in quiet.split("-"))
    t = local.time()
    return start <= t < end if start <= end else (t >= start or t < end)


def auto_complete(s: Session, now: datetime, org: Org) -> int:
    """Mark live interviews completed once their end plus the grace time has passed."""
    cut = now - timedelta(minutes=org.grace)
    ids = list(s.scalars(select(Interview.id).where(Interview.status.in_(LIVE),
                                                   Interview.end_at <= cut)
                        .with_for_update(skip_locked=True)))
    for iid in ids:
        iv = s.get(Interview, iid)
        assert iv is not None
        before = iv.status
        states.advance("complete", iv)
        iv.updated_at = now
        s.add(AuditLog(at=now, actor_id=None, actor_kind="scheduler", action="auto_complete",
                       entity="interview", entity_id=str(iid), before={"status": before},
                       after={"status": "completed"}))
    return len(ids)


def reminders(s: Session, now: datetime, org: Org) -> list[Reply]:
    """Reminders due now: the latest due offset of each person on each live interview."""
    horizon = max([*org.offsets, 24 * 60]) + 1
    rows = s.execute(select(Interview.id, Panelist, User)
                     .join(Panelist, Panelist.interview_id == Interview.id)
                     .join(User, User.id == Panelist.user_id)
                     .where(Interview.status.in_(LIVE), Interview.start_at > now,
                            Interview.start_at <= now + timedelta(minutes=horizon),
                            Panelist.rsvp.in_(ATTENDING))).all()
    out: list[Reply] = []
    views: dict[int, View | None] = {}
    for iid, panelist, user in rows:
        v = views.setdefault(iid, view(s, iid))
        if v is None:
            continue
        offsets = user_setting(s, user.id, "remind_offsets_min") or []
        due = [o for o in offsets if v.iv.start_at - timedelta(minutes=o) <= now]
        if not due:
            continue
        offset = min(due)          # the latest due; earlier ones are superseded
        lang = lang_of(user)
        minutes = max(1, round((v.iv.start_at - now).total_seconds() / 60))
        head = pick(lang, (f"⏰ {minutes} 分钟后有面试：", f"⏰ Interview in {minutes} min:"))
        rsvp = "" if panelist.rsvp == "accepted" else pick(
            lang, (f"\n你还没有确认，回复「接受 #{iid}」。", f"\nYou haven't accepted yet: "
                                                       f"reply “accept #{iid}”."))
        out.append(Reply(f"{head}\n{brief(v, zone(user, org), lang)}{rsvp}", to=user.wecom_userid,
                         dedupe_key=f"remind:{iid}:{user.id}:{offset}:s{v.iv.sequence}"))
    return out


def stale_reminder(key: str, s: Session) -> bool:
    """True for a queued reminder or HR warning whose interview is no longer live or has been
    rescheduled, or a queued feedback nudge whose interview was called off or decided."""
    kind, iid, *rest = key.split(":")
    iv = s.get(Interview, int(iid))
    if kind == "autonudge":
        return iv is None or iv.status != "completed" or iv.decision is not None
    return iv is None or iv.status not in LIVE or f"s{iv.sequence}" != rest[-1]


AGENDA_KINDS = ("agenda", "agenda-hr")   # a day's list: several interviews, one line each
_AGENDA_LINE = re.compile(r"^• \d\d:\d\d #(\d+) ", re.M)


def stale_message(key: str, content: str, written_at: datetime, s: Session) -> bool:
    """True for a clock message that its interviews' changes have made wrong since it was
    written: a stale reminder, HR warning or nudge (`stale_reminder`), or an agenda naming an
    interview since cancelled, marked no-show, or moved (rescheduled after it was written)."""
    kind = key.split(":", 1)[0]
    if kind not in AGENDA_KINDS:
        return stale_reminder(key, s)
    for iid in {int(x) for x in _AGENDA_LINE.findall(content)}:
        iv = s.get(Interview, iid)
        # Completed is not stale: an agenda sent late still lists the day as it was.
        if iv is None or iv.status in ("cancelled", "no_show") or \
                (iv.status == "rescheduled" and iv.updated_at >= written_at):
            return True
    return False


# HR hear about interviewers who have not answered: a day before, two hours before, and at
# the start (minutes before the start, the name in the key). After downtime only the latest
# due one goes out; "start" only within START_WINDOW of the start, when it can still help.
HR_WARNINGS = ((24 * 60, "24h"), (120, "2h"), (0, "start"))
START_WINDOW = timedelta(hours=1)
# Before the start, someone invited moments ago has not had a chance to answer yet: HR hear
# about them once they have had this long (an interview booked 21 h ahead: warned at 20 h).
ANSWER_TIME = timedelta(hours=1)


def hr_warnings(s: Session, now: datetime, org: Org) -> list[Reply]:
    """One message per interview and warning point to its HR, naming who has not answered."""
    rows = s.execute(select(Interview.id).where(
        Interview.status.in_(LIVE), Interview.start_at > now - START_WINDOW,
        Interview.start_at <= now + timedelta(minutes=HR_WARNINGS[0][0]))
        .order_by(Interview.start_at, Interview.id)).scalars().all()
    out: list[Reply] = []
    for iid in rows:
        v = view(s, iid)
        if v is None:
            continue
        left = v.iv.start_at - now
        waiting = [u for p, u in v.attending if p.rsvp == "pending"
                   and (left <= timedelta(0) or (p.rsvp_at or p.added_at) <= now - ANSWER_TIME)]
        if v.attending and not waiting:
            continue                       # everyone on the panel has said yes (or may yet)
        kind = next(k for m, k in reversed(HR_WARNINGS) if left <= timedelta(minutes=m)) \
            if left <= timedelta(minutes=HR_WARNINGS[0][0]) else None
        if kind is None:
            continue
        hr = v.creator
        lang = lang_of(hr)
        text = _warning(v, waiting, kind, now, hr, org, lang)
        key = f"hrwarn:{iid}:{kind}:{hr.id}:s{v.iv.sequence}"
        if kind == "start":
            out.append(Reply(text, to=hr.wecom_userid, dedupe_key=key))
        else:   # one tap each: nudge them, or start adding someone / moving it (asked next)
            out.append(Card(text, to=hr.wecom_userid, dedupe_key=key,
                            card=_actions_card(iid, text, key, lang)))
    return out


def _actions_card(iid: int, text: str, key: str, lang: str) -> dict[str, object]:
    """The warning as a button card: 催确认 runs at once; 加面试官 / 改期 ask for the name or
    the time in the next message (a stored question, commands.conversation)."""
    zh = lang == "zh"
    buttons = [("提醒确认" if zh else "Nudge", f"催确认 #{iid}" if zh else f"nudge #{iid}"),
               ("加面试官" if zh else "Add someone",
                f"加面试官 #{iid}" if zh else f"add interviewer #{iid}"),
               ("改期" if zh else "Reschedule", f"改期 #{iid}" if zh else f"reschedule #{iid}")]
    return {"card_type": "button_interaction",
            "main_title": {"title": "面试官未确认" if zh else "Interviewers have not answered"},
            "sub_title_text": text[:500],
            "task_id": key.replace(":", "_")[:128],
            "button_list": [{"text": label, "style": 1 if i == 0 else 2, "key": cmd}
                            for i, (label, cmd) in enumerate(buttons)]}


def _warning(v: View, waiting: list[User], kind: str, now: datetime, hr: User, org: Org,
             lang: str) -> str:
    iid = v.iv.id
    sep = "、" if lang == "zh" else ", "
    names = sep.join(u.name or u.wecom_userid for u in waiting)
    at = when(v.iv.start_at, v.iv.end_at, zone(hr, org), lang)
    if not v.attending:
        head = pick(lang, (f"⚠ #{iid} 没有面试官：全部拒绝或已移除。", f"⚠ #{iid} has no interviewer "
                                                           "left: all declined or removed."))
    elif kind == "start":
        head = pick(lang, (f"⚠ #{iid} 已开始，{names} 仍未确认参加。",
                           f"⚠ #{iid} has started and {names} never confirmed."))
    else:
        hours = round((v.iv.start_at - now).total_seconds() / 3600)
        head = pick(lang, (f"⚠ #{iid} 约 {hours} 小时后开始，{names} 还没有确认参加。",
                           f"⚠ #{iid} starts in about {hours} h and {names} "
                           "have not confirmed."))
    if kind == "start":
        actions = pick(lang, (f"结束后如有人没来：「缺席 #{iid} 姓名」免去其评价。",
                              f"If someone did not take part: “absent #{iid} <name>” "
                              "excuses their feedback."))
    else:
        actions = pick(lang, (f"可回复：「催确认 #{iid}」提醒 ·「加面试官 #{iid} 姓名」加人 ·"
                              f"「改期 #{iid} 新时间」改期",
                              f"Reply: “nudge #{iid}” to remind them · “add interviewer #{iid} "
                              f"<name>” · “reschedule #{iid} <time>”"))
    return f"{head}\n{headline(v, lang)}\n{at}\n{actions}"


def nudges(s: Session, now: datetime, org: Org) -> list[Reply]:
    """Feedback nudges due now to interviewers of completed interviews without feedback."""
    if org.max_nudges <= 0:
        return []
    first, every = timedelta(minutes=org.first_after), timedelta(minutes=max(1, org.every))
    oldest = now - first - every * org.max_nudges - timedelta(days=1)
    rows = s.execute(select(Interview, Panelist, User)
                     .join(Panelist, Panelist.interview_id == Interview.id)
                     .join(User, User.id == Panelist.user_id)
                     .where(Interview.status == "completed", Panelist.feedback_status == "pending",
                            Panelist.rsvp.in_(ATTENDING), Interview.decision.is_(None),
                            Interview.end_at > oldest,
                            Interview.end_at <= now - first)).all()
    out: list[Reply] = []
    for iv, p, user in rows:
        due = min(org.max_nudges, 1 + int((now - iv.end_at - first) / every))
        if p.nudges >= due or in_quiet_hours(now.astimezone(zone(user, org)), org.quiet):
            continue
        v = view(s, iv.id)
        if v is None:
            continue
        p.nudges, p.last_nudged_at = due, now
        lang = lang_of(user)
        text = pick(lang, (f"请提交 #{iv.id} {v.candidate.name} 的面试评价（第 {due} 次提醒）。\n"
                           f"回复「评价 #{iv.id} 结论:推荐 评分:4 备注:…」",
                           f"Please submit your feedback on #{iv.id} {v.candidate.name} "
                           f"(reminder {due}).\nReply “feedback #{iv.id} rec:yes score:4 "
                           "notes:…”"))
        out.append(Reply(text, to=user.wecom_userid, dedupe_key=f"autonudge:{iv.id}:{user.id}:{due}"))
    return out


def agendas(s: Session, now: datetime, org: Org, sent: set[str]) -> list[Reply]:
    """Each person's agenda for their day, at the digest time on working days."""
    if not org.digest or org.digest == "off":
        return []
    at = _hhmm(org.digest)
    rows = s.execute(select(Interview.id, Interview.start_at, User)
                     .join(Panelist, Panelist.interview_id == Interview.id)
                     .join(User, User.id == Panelist.user_id)
                     .where(Interview.status.in_(LIVE), Panelist.rsvp.in_(ATTENDING),
                            Interview.start_at > now,
                            Interview.start_at < now + timedelta(hours=38))
                     .order_by(Interview.start_at, Interview.id)).all()
    mine: dict[tuple[int, date], list[int]] = defaultdict(list)
    first: dict[tuple[int, date], datetime] = {}   # rows come in start order
    people: dict[int, User] = {}
    for iid, start, user in rows:
        tz = zone(user, org)
        local_now = now.astimezone(tz)
        day = start.astimezone(tz).date()
        if day == local_now.date() and local_now.time() >= at and day.weekday() not in WEEKEND:
            mine[(user.id, day)].append(iid)
            first.setdefault((user.id, day), start)
            people[user.id] = user
    # The day's interviews and candidates in two queries, kept referenced here so that view()
    # finds them in the session instead of asking for each of 3,000 agendas at 09:00.
    wanted = {iid for iids in mine.values() for iid in iids}
    loaded = list(s.scalars(select(Interview).where(Interview.id.in_(wanted)))) if wanted else []
    candidates = list(s.scalars(select(Candidate).where(
        Candidate.id.in_({iv.candidate_id for iv in loaded})))) if loaded else []
    out: list[Reply] = []
    for (uid, day), iids in mine.items():
        key = f"agenda:{uid}:{day.isoformat()}"
        if key in sent or not user_setting(s, uid, "digest_enabled"):
            continue
        agenda = _agenda(s, people[uid], day, list(dict.fromkeys(iids)), org, key)
        # When thousands are due at once, whoever interviews first is sent first.
        out.append(replace(agenda, rank_at=first[(uid, day)]))
    del loaded, candidates
    return out + _hr_summaries(s, now, org, sent, at)


def _agenda(s: Session, user: User, day: date, iids: list[int], org: Org, key: str) -> Reply:
    lang = lang_of(user)
    tz = zone(user, org)
    lines = [pick(lang, (f"今天（{day:%m-%d}）你有 {len(iids)} 场面试：",
                         f"Your interviews today ({day:%m-%d}): {len(iids)}"))]
    for iid in iids:
        v = view(s, iid)
        if v is not None:
            lines.append(f"• {v.iv.start_at.astimezone(tz):%H:%M} {headline(v, lang)}")
    return Reply("\n".join(lines), to=user.wecom_userid, dedupe_key=key)


# WeCom's text limit (protocol §6.3): a notice to someone else is one message, cut there by the
# outbox (bot.pipeline.outbox.enqueue, single); on a day of 3,000 interviews, rendering them all
# for each HR member took most of the 09:00 tick.
NOTICE_BYTES = 2048


def _hr_summaries(s: Session, now: datetime, org: Org, sent: set[str], at: time) -> list[Reply]:
    out: list[Reply] = []
    for hr in s.scalars(select(User).where(User.role == "hr")):
        tz = zone(hr, org)
        local = now.astimezone(tz)
        key = f"agenda-hr:{hr.id}:{local.date().isoformat()}"
        if local.time() < at or local.weekday() in WEEKEND or key in sent:
            continue
        start = datetime.combine(local.date(), time(0), tz)
        ids = list(s.scalars(select(Interview.id).where(
            Interview.status.in_(LIVE), Interview.start_at >= start,
            Interview.start_at < start + timedelta(days=1)).order_by(Interview.start_at)))
        if not ids or s.get(Interview, ids[-1]).start_at <= now:  # type: ignore[union-attr]
            continue
        lang = lang_of(hr)
        lines = [pick(lang, (f"今天（{local:%m-%d}）共 {len(ids)} 场面试：",
                             f"Today ({local:%m-%d}): {len(ids)} interview(s)"))]
        size = len(lines[0].encode())
        for iid in ids:
            if size > NOTICE_BYTES:   # the outbox cuts the digest here: render no further
                break
            v = view(s, iid)
            if v is not None:
                names = ("、" if lang == "zh" else ", ").join(u.name for _, u in v.attending) \
                    or pick(lang, ("⚠ 无面试官", "⚠ no interviewer"))
                lines.append(f"• {v.iv.start_at.astimezone(tz):%H:%M} {headline(v, lang)} "
                             f"({names})")
                size += len(lines[-1].encode()) + 1
        out.append(Reply("\n".join(lines), to=hr.wecom_userid, dedupe_key=key,
                         rank_at=s.get(Interview, ids[0]).start_at))  # type: ignore[union-attr]
    return out


def void_stale(s: Session, keys_and_ids: list[tuple[int, str]]) -> list[int]:
    """The ids, among queued clock rows (reminders, HR warnings, nudges), that no longer apply."""
    return [row_id for row_id, key in keys_and_ids if stale_reminder(key, s)]

