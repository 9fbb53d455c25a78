"""`invite` / `邀约` and `reschedule link` / `改约链接`: a link HR forward to a candidate, who
picks a free slot on a page the bot serves (bot.web.selfsched).

The slots are found exactly as fair picking finds people (commands.picking, without locks,
only to look); a booking goes through `schedule.create` / `reschedule.move` under their row
locks, in the caller's transaction, so it re-checks everything `安排` / `改期` check. The
interview's replies (HR's echo, the interviewers' notices, the WeCom calendar job) are the
ones those commands make, addressed as if HR had typed the command.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands import audit, picking, pools, workcal
from commands import interviews_repo as repo
from commands import invite_token as tokens
from commands.candidates_repo import find_candidate
from commands.conflicts import work_hours
from commands.context import Context, Reply
from commands.registry import router
from commands.render import when
from commands.reschedule import move
from commands.router import CommandError, Param
from commands.sanitize import inert
from commands.schedule import Spec, create
from commands.settings_store import MEMO, org_setting
from commands.slots import STEP
from commands.usage import usage_error
from store.hiring import LIVE, Interview, InterviewerPool, PoolMember
from store.invitations import Invitation
from store.models import User

LINK_PATH = "/book/"               # the page's route (bot.web.selfsched) and the link's path
LINK_HOURS = 72                    # a link expires this long after it is made
NOTICE = timedelta(hours=2)        # no slot starts sooner than this after the page is opened
MAX_SLOTS = 40                     # the page lists at most this many
RESCHEDULE_DAYS = 14               # a reschedule link offers this far ahead
DEFAULT_MINUTES = 60
WORDING = ("感谢您参加我们的面试，请选择一个方便的时间。",
           "Thank you for interviewing with us. Please pick a time that suits you.")

_MINUTES = re.compile(r"(?:^|\s)(?:(?:时长|dur|duration)[:：]\s*)?(\d{1,3})\s*"
                      r"(分钟|分|min|mins|minutes)?(?=\s|$)", re.IGNORECASE)
_HOURS = re.compile(r"(?:^|\s)(\d(?:\.5)?)\s*(小时|个小时|h|hr|hrs|hour|hours)(?=\s|$)",
                    re.IGNORECASE)
_PERIODS: dict[str, tuple[str, str]] = {
    "本周": ("week", "本周"), "这周": ("week", "本周"), "this week": ("week", "this week"),
    "下周": ("next week", "下周"), "next week": ("next week", "next week"),
    "今天": ("today", "今天"), "today": ("today", "today"),
    "明天": ("tomorrow", "明天"), "tomorrow": ("tomorrow", "tomorrow"),
    "后天": ("day after", "后天"),
    "两周内": ("two weeks", "两周内"), "未来两周": ("two weeks", "未来两周"),
    "next two weeks": ("two weeks", "the next two weeks"),
    "next 2 weeks": ("two weeks", "the next two weeks"),
}


class SlotGone(Exception):
    """The chosen slot can no longer be booked; nothing was written."""


@dataclass
class Booked:
    """What the confirmation page shows: the time and the candidate's name, nothing else."""

    start: datetime
    end: datetime
    replies: list[Reply]


def wording(session: Any, lang: str) -> str:
    """The company's words at the top of the page (org setting invite_wording, or ours)."""
    value = org_setting(session, "invite_wording")
    if isinstance(value, dict) and value.get(lang):
        return str(value[lang])
    if isinstance(value, str) and value:
        return value
    return WORDING[0] if lang == "zh" else WORDING[1]


def link(ctx: Context, inv: Invitation) -> str:
    """The URL to forward (BOT_PUBLIC_URL + path + signed token), with a warning when the
    bot does not know its public address."""
    key = tokens.derive_key(ctx.settings.secret)
    url = f"{ctx.settings.public_url}{LINK_PATH}{tokens.make(key, inv.id, inv.nonce)}"
    if ctx.settings.public_url:
        return url
    return url + ctx.t("\n（管理员尚未设置 BOT_PUBLIC_URL：请在链接前补上机器人的网址）",
                       "\n(BOT_PUBLIC_URL is not set: put the bot's address in front of it)")


# --- the chat commands -------------------------------------------------------------------

def _take(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    found = list(pattern.finditer(text))
    if len(found) > 1:
        raise CommandError("时长写了两次", "the length is given twice")
    if not found:
        return None, text
    m = found[0]
    return m, (text[:m.start()] + " " + text[m.end():]).strip()


def _minutes(text: str) -> tuple[int | None, str]:
    m, rest = _take(_HOURS, text)
    if m:
        return int(float(m.group(1)) * 60), rest
    m, rest = _take(_MINUTES, text)
    if m and (m.group(2) or "时长" in m.group(0) or "dur" in m.group(0).lower()):
        return int(m.group(1)), rest
    return None, text


def _period(text: str) -> tuple[tuple[str, str] | None, str]:
    low = f" {text.lower()} "
    # Whole words only: 本周五 is a day, not 本周 plus a stray 五.
    hits = [(k, v) for k, v in _PERIODS.items() if f" {k} " in low]
    hits = [h for h in hits if not any(h[0] != o[0] and h[0] in o[0] for o in hits)]
    if len(hits) > 1:
        raise CommandError("时段写了两次", "the period is given twice")
    if not hits:
        return None, text
    k, v = hits[0]
    i = low.find(k) - 1          # low has a space in front
    return v, " ".join((text[:i] + " " + text[i + len(k):]).split())


def _pool(ctx: Context, text: str) -> tuple[tuple[str, int] | None, str]:
    found = None
    rest = text
    for m in pools._REF.finditer(text):
        pool = pools.find(ctx, m.group("name"))
        explicit = m.group("suffix") or "×" in m.group(0) or "*" in m.group(0)
        if pool is None:
            if explicit:
                raise pools._no_pool(m.group("name"))
            continue   # a word of the candidate's name
        if found is not None:
            raise CommandError("只能写一个面试官池", "name one pool only")
        n = int(m.group("n") or 1)
        if not 1 <= n <= 5:
            raise CommandError("从池中选 1–5 人", "pick 1–5 people from a pool")
        found = (pool.name, n)
        rest = rest.replace(m.group(0), " ", 1)
    return found, " ".join(rest.split()).strip(" ,，、")


def window(ctx: Context, period: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The span a period names, in the organisation's zone."""
    today = ctx.now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    spans = {"week": (monday, monday + timedelta(days=7)),
             "next week": (monday + timedelta(days=7), monday + timedelta(days=14)),
             "today": (today, today + timedelta(days=1)),
             "tomorrow": (today + timedelta(days=1), today + timedelta(days=2)),
             "day after": (today + timedelta(days=2), today + timedelta(days=3)),
             "two weeks": (today, today + timedelta(days=14))}
    a, b = spans[period]
    return max(a, ctx.now.astimezone(tz)), b


@router.command(
    "invite", zh=("邀约",), role="hr",
    params=(Param("text", kind="text", required=False),),
    summary=("生成候选人自助预约链接", "a link for the candidate to pick a slot"),
    usage=("邀约 候选人 池名 [本周|下周|明天|两周内] [60分钟]",
           "invite <candidate> <pool> [this week|next week|tomorrow] [60min]"),
    example=("邀约 张三 后端池 本周 60分钟", "invite 张三 backend this week 60min"))
def invite(ctx: Context, text: str | None = None) -> list[Reply]:
    """Make a self-scheduling link for a candidate and a pool; every part is echoed."""
    t = " ".join((text or "").split())
    minutes, t = _minutes(t)
    period, t = _period(t)
    pool, name = _pool(ctx, t)
    problems = []
    if pool is None:
        problems.append(("请写出面试官池（例：后端池）", "name the pool (e.g. backend)"))
    if not name:
        problems.append(("请写出候选人", "name the candidate"))
    if period is None:
        problems.append(("请写出时段：本周、下周、明天、后天或两周内",
                         "give the period: this week, next week, tomorrow or next two weeks"))
    if minutes is not None and not 15 <= minutes <= 240:
        problems.append(("时长应在 15–240 分钟之间", "the length must be 15–240 minutes"))
    if problems:
        raise usage_error("invite", problems)
    assert pool is not None and period is not None
    ref = find_candidate(ctx.session, name)
    if re.search(r"\d", ref.name) and ref.candidate is None:
        # "张三 90" would be a candidate called "张三 90": more likely a length without 分钟.
        raise CommandError(f"看不懂「{inert(name[:40])}」：时长请写成 60分钟",
                           f"can't read “{inert(name[:40])}”: write the length as 60min")
    _, tz = work_hours(ctx)
    start, end = window(ctx, period[0], tz)
    inv = Invitation(nonce=tokens.new_nonce(), kind="invite", status="open",
                     candidate_id=ref.candidate.id if ref.candidate else None,
                     candidate_name=ref.name, pool_name=pool[0], pool_count=pool[1],
                     minutes=minutes or DEFAULT_MINUTES, window_start=start, window_end=end,
                     created_by=ctx.sender.id, created_at=ctx.now,
                     expires_at=ctx.now + timedelta(hours=LINK_HOURS))
    offered = slots(ctx.session, inv, ctx.now, tz) if end > start else []
    if not offered:
        raise CommandError(
            f"「{pool[0]}」池在{period[1]}没有 {pool[1]} 人同时空闲的时段，未生成链接。"
            "试试更长的时段（例：两周内）。",
            f"Pool “{pool[0]}” has no slot with {pool[1]} free in {period[1]}; no link made. "
            "Try a longer period (e.g. next two weeks).")
    ctx.session.add(inv)
    ctx.session.flush()
    audit.record(ctx, "invite", "invitation", inv.id,
                 after={"candidate": inv.candidate_name, "pool": inv.pool_name,
                        "n": inv.pool_count, "minutes": inv.minutes})
    who = ref.name if ref.candidate else ctx.t(f"{ref.name}（新候选人，预约时建档）",
                                                f"{ref.name} (new; saved when they book)")
    span_zh = f"{period[1]}（{_day(start, tz, 'zh')} 至 {_day(end - timedelta(seconds=1), tz, 'zh')}）"
    span_en = f"{period[1]} ({_day(start, tz, 'en')} to {_day(end - timedelta(seconds=1), tz, 'en')})"
    return [Reply(ctx.t(
        f"已生成自助预约链接，请转发给候选人（{LINK_HOURS} 小时内有效，仅可使用一次）：\n"
        f"{link(ctx, inv)}\n"
        f"理解为：候选人 {who}；从「{pool[0]}」池选 {pool[1]} 人；时段 {span_zh}；"
        f"时长 {inv.minutes} 分钟{'（默认）' if minutes is None else ''}。\n"
        f"现在有 {len(offered)} 个可选时段。候选人选定后自动安排，你和面试官会收到通知。",
        f"Self-scheduling link made; forward it to the candidate (valid {LINK_HOURS} h, "
        f"single use):\n{link(ctx, inv)}\n"
        f"Understood: candidate {who}; {pool[1]} from pool “{pool[0]}”; {span_en}; "
        f"{inv.minutes} minutes{' (default)' if minutes is None else ''}.\n"
        f"{len(offered)} slots are open now. When the candidate picks one it is booked and "
        "you and the interviewers are told."))]


@router.command(
    "reschedule link", zh=("改约链接",), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("生成候选人自助改约链接", "a link for the candidate to move an interview"),
    usage=("改约链接 #编号", "reschedule link #id"),
    example=("改约链接 #12", "reschedule link #12"))
def reschedule_link(ctx: Context, interview: int) -> list[Reply]:
    """Make a link with which the candidate moves interview #id to another free slot."""
    v = repo.view(ctx.session, interview)
    if v is None:
        raise CommandError(f"没有面试 #{interview}。", f"There is no interview #{interview}.")
    if v.iv.status not in LIVE:
        raise CommandError(f"#{interview} 已不在日程中，不能改约。",
                           f"#{interview} is no longer on the schedule; it cannot be moved.")
    _, tz = work_hours(ctx)
    minutes = int((v.iv.end_at - v.iv.start_at).total_seconds() // 60)
    inv = Invitation(nonce=tokens.new_nonce(), kind="reschedule", status="open",
                     candidate_id=v.candidate.id, candidate_name=v.candidate.name,
                     pool_name=None, pool_count=0, minutes=minutes, window_start=ctx.now,
                     window_end=ctx.now + timedelta(days=RESCHEDULE_DAYS), interview_id=v.iv.id,
                     created_by=ctx.sender.id, created_at=ctx.now,
                     expires_at=ctx.now + timedelta(hours=LINK_HOURS))
    offered = slots(ctx.session, inv, ctx.now, tz)
    if not offered:
        raise CommandError(f"两周内没有 #{interview} 全体面试官都空闲的时段，未生成链接。",
                           f"No slot in the next two weeks suits all of #{interview}'s "
                           "interviewers; no link made.")
    ctx.session.add(inv)
    ctx.session.flush()
    audit.record(ctx, "invite_reschedule", "invitation", inv.id,
                 after={"interview": v.iv.id})
    now_at = when(v.iv.start_at, v.iv.end_at, tz, ctx.lang)
    return [Reply(ctx.t(
        f"已生成 #{v.iv.id} {v.candidate.name} 的改约链接，请转发给候选人（{LINK_HOURS} 小时内有效，"
        f"仅可使用一次）：\n{link(ctx, inv)}\n"
        f"理解为：现时间 {now_at}；候选人可在两周内改到全体面试官都空闲的时段（{minutes} 分钟）。"
        f"\n现在有 {len(offered)} 个可选时段。改约后面试官会收到通知并重新确认。",
        f"Reschedule link for #{v.iv.id} {v.candidate.name}; forward it to the candidate "
        f"(valid {LINK_HOURS} h, single use):\n{link(ctx, inv)}\n"
        f"Understood: now {now_at}; the candidate may move it to any slot in the next two "
        f"weeks when all its interviewers are free ({minutes} minutes).\n"
        f"{len(offered)} slots are open now. The interviewers are told and asked to confirm "
        "again."))]


def _day(dt: datetime, tz: ZoneInfo, lang: str) -> str:
    local = dt.astimezone(tz)
    wd = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")[local.weekday()] if lang == "zh" \
        else f"{local:%a}"
    return f"{local:%Y-%m-%d} ({wd})"


# --- the slots and the booking ----------------------------------------------------------

def _hr(session: Session, inv: Invitation) -> User:
    return session.get_one(User, inv.created_by)


def context(session: Any, settings: Any, inv: Invitation, now: datetime) -> Context:
    """The context a booking runs in: as if the HR who made the link had typed the command."""
    hr = _hr(session, inv)
    return Context(sender=hr, session=session, now=now, settings=settings,
                   lang=hr.lang or "zh", source_key=f"selfsched:{inv.id}")


def _starts(session: Any, inv: Invitation, now: datetime, tz: ZoneInfo,
            users: list[User]) -> list[datetime]:
    """Half-hour starts inside the window and everyone's working time, not before the notice."""
    length = timedelta(minutes=inv.minutes)
    first = max(inv.window_start, now + NOTICE)
    day = first.astimezone(tz).date()
    out: list[datetime] = []
    while datetime.combine(day, datetime.min.time(), tzinfo=tz) < inv.window_end:
        for a, b in workcal.shared_windows(session, users, day, tz):
            at = a
            while at + length <= b:
                if at >= first and at + length <= inv.window_end:
                    out.append(at)
                at += STEP
        day += timedelta(days=1)
    return out


def slots(session: Any, inv: Invitation, now: datetime,
          tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The slots the page offers now (at most MAX_SLOTS), found as fair picking finds people.

    Settings are memoised for the duration (hundreds of identical lookups otherwise); the
    booking itself runs without the memo, under locks.
    """
    session.info[MEMO] = {}
    try:
        return _slots(session, inv, now, tz)
    finally:
        session.info.pop(MEMO, None)


def _slots(session: Any, inv: Invitation, now: datetime,
           tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    length = timedelta(minutes=inv.minutes)
    out: list[tuple[datetime, datetime]] = []
    if inv.kind == "invite":
        ctx_pool = session.scalars(select(InterviewerPool).where(
            InterviewerPool.name == inv.pool_name)).one_or_none()
        if ctx_pool is None:
            return []
        members = list(session.scalars(
            select(User).join(PoolMember, PoolMember.user_id == User.id)
            .where(PoolMember.pool_id == ctx_pool.id).order_by(User.id)))
        for start in _starts(session, inv, now, tz, []):
            p = picking.pick(session, inv.pool_name or "", members, inv.pool_count, start,
                             start + length, tz, candidate_id=inv.candidate_id, skip=set(),
                             lock=False)
            if len(p.chosen) >= inv.pool_count:
                out.append((start, start + length))
                if len(out) >= MAX_SLOTS:
                    break
        return out
    v = repo.view(session, inv.interview_id) if inv.interview_id else None
    if v is None or v.iv.status not in LIVE:
        return []
    users = [u for p, u in v.panel if p.rsvp != "removed"]
    ids = [u.id for u in users]
    for start in _starts(session, inv, now, tz, users):
        if start == v.iv.start_at:
            continue
        if not repo.conflicts(session, ids, start, start + length, exclude=v.iv.id):
            out.append((start, start + length))
            if len(out) >= MAX_SLOTS:
                break
    return out


def book(session: Any, settings: Any, inv: Invitation, start: datetime,
         now: datetime) -> Booked:
    """Book `start` for an open invitation (its row locked by the caller): SlotGone when it is
    no longer free, CommandError when the interview cannot be made; nothing written then."""
    ctx = context(session, settings, inv, now)
    _, tz = work_hours(ctx)
    end = start + timedelta(minutes=inv.minutes)
    if start < now or start < inv.window_start or end > inv.window_end:
        raise SlotGone
    if start.astimezone(tz).minute % 30 or start.second or start.microsecond:
        raise SlotGone
    who = ctx.t(f"候选人 {inv.candidate_name} 通过自助链接选了这个时间。",
                f"Candidate {inv.candidate_name} picked this time through the self-scheduling "
                "link.")
    try:
        with session.begin_nested():   # a refusal (clash, off hours) leaves nothing behind
            if inv.kind == "invite":
                replies, iid = _book_new(ctx, inv, start, end, tz)
            else:
                replies, iid = _book_move(ctx, inv, start, end)
    except _NotBooked:
        raise SlotGone from None
    inv.status, inv.used_at, inv.interview_id = "used", now, iid
    inv.booked_start, inv.booked_end = start, end
    audit.record(ctx, "invite_booked", "invitation", inv.id,
                 after={"interview": iid, "start": start.isoformat()})
    if replies:
        replies[0] = replace(replies[0], text=f"{who}\n{replies[0].text}")
    return Booked(start, end, replies)


class _NotBooked(Exception):
    """The schedule path answered with a question or a refusal instead of a booking."""


def _book_new(ctx: Context, inv: Invitation, start: datetime, end: datetime,
              tz: ZoneInfo) -> tuple[list[Reply], int]:
    if workcal.outside_reasons(ctx.session, None, start, end, tz):
        raise _NotBooked
    if pools.find(ctx, inv.pool_name or "") is None:
        raise _NotBooked
    if inv.candidate_id is None:   # new at the time of the link: saved since by another?
        try:
            found = find_candidate(ctx.session, inv.candidate_name).candidate
        except CommandError:          # several of that name now: a new one, as the link said
            found = None
        if found is not None:
            inv.candidate_id = found.id
    panel = pools.Panel([], [(inv.pool_name or "", inv.pool_count)])
    try:
        chosen, picks = pools.fill(ctx, panel, start, end, inv.candidate_id)
    except CommandError:
        raise _NotBooked from None
    spec = Spec(inv.candidate_id, inv.candidate_name, start.isoformat(), end.isoformat(),
                [u.wecom_userid for u in chosen])
    result = pools.explained(ctx, picks, create(ctx, spec, known=chosen, new=[]))
    iid = ctx.session.scalar(select(Interview.id).where(
        Interview.created_by == ctx.sender.id, Interview.created_at == ctx.now,
        Interview.start_at == start.astimezone(UTC), Interview.status == "scheduled"))
    if iid is None:
        raise _NotBooked
    return result, iid


def _book_move(ctx: Context, inv: Invitation, start: datetime,
               end: datetime) -> tuple[list[Reply], int]:
    assert inv.interview_id is not None
    reason = ctx.t("候选人通过改约链接改期", "the candidate moved it with the reschedule link")
    try:
        result = move(ctx, inv.interview_id, start, end, reason, None)
    except CommandError:
        raise _NotBooked from None
    iv = ctx.session.get(Interview, inv.interview_id)
    if iv is None or iv.start_at != start or iv.end_at != end:
        raise _NotBooked
    return result, iv.id
