"""How interviews read in replies, in both languages; times always in the reader's zone."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import object_session

from commands import states
from commands.context import Context
from commands.interviews_repo import View
from commands.people import display
from commands.privacy import Doc, may_see_contact, may_see_feedback
from commands.settings_store import org_setting
from commands.timeparse import format_when
from store.models import User

STATUS = states.STATUS   # the interview's status, as a row says it
RSVP = {"pending": ("未回复", "awaiting reply"), "accepted": ("已接受", "accepted"),
        "declined": ("已拒绝", "declined"), "removed": ("已移除", "removed")}
DECISION = {"pass": ("通过", "hire"), "fail": ("不通过", "no-hire"), "hold": ("待定", "hold")}
REC = {"strong_yes": ("强烈推荐", "strong yes"), "yes": ("推荐", "yes"),
       "no": ("不推荐", "no"), "strong_no": ("强烈不推荐", "strong no")}
MODE = {"onsite": ("现场", "onsite"), "video": ("视频", "video"), "phone": ("电话", "phone"),
        "showmebug": ("ShowMeBug", "ShowMeBug")}
_ZH_NUM = "一二三四五六七八九"


def pick(lang: str, pair: tuple[str, str]) -> str:
    """The zh or en half of a pair."""
    return pair[0] if lang == "zh" else pair[1]


def zone_of(user: User, ctx: Context) -> ZoneInfo:
    """The zone a user reads times in: their own, else the organisation's."""
    return ZoneInfo(user.timezone or ctx.settings.timezone)


def lang_of(user: User) -> str:
    """The language of everything pushed to a user: their stored preference, else the org's.

    Replies follow the language of the message they answer (commands.router); only
    `settings language` changes this.
    """
    if user.lang:
        return user.lang
    session = object_session(user)
    return org_setting(session, "language") if session is not None else "zh"


def when(start: datetime, end: datetime | None, tz: ZoneInfo, lang: str) -> str:
    """2026-11-26 (周四) 15:00–16:00 CST, in the reader's zone."""
    return format_when(start.astimezone(tz), end.astimezone(tz) if end else None, lang)


FAR_AHEAD_DAYS = 30


def understood(ctx: Context, start: datetime) -> list[str]:
    """Lines that say how the time was read where it was not written out (下周三 → 2026-12-09
    (周三)), and a warning when it is more than 30 days ahead."""
    lines = []
    readings = ctx.extra.get("readings") or ()
    if readings:
        parts = "；".join(zh for _, zh, _ in readings) if ctx.lang == "zh" \
            else "; ".join(en for _, _, en in readings)
        lines.append(ctx.t("理解为：", "Read as: ") + parts)
    days = (start.astimezone(ctx.tz).date() - ctx.now.astimezone(ctx.tz).date()).days
    if days > FAR_AHEAD_DAYS:
        lines.append(ctx.t(f"注意：这是 {days} 天以后（超过 {FAR_AHEAD_DAYS} 天）。",
                           f"Note: that is {days} days from now (more than {FAR_AHEAD_DAYS})."))
    return lines


def round_text(rnd: int, label: str | None, lang: str) -> str:
    """二面（技术） / Round 2 (tech)."""
    if lang == "zh":
        base = f"{_ZH_NUM[rnd - 1]}面" if 1 <= rnd <= 9 else f"第{rnd}轮"
        return f"{base}（{label}）" if label else base
    return f"Round {rnd} ({label})" if label else f"Round {rnd}"


def mode_text(mode: str | None, location: str | None, lang: str) -> str:
    """视频 / onsite 3F-301."""
    parts = [pick(lang, MODE[mode])] if mode in MODE else []
    if location:
        parts.append(location)
    return " ".join(parts)


def headline(v: View, lang: str) -> str:
    """#12 张三｜后端工程师｜二面."""
    parts = [f"#{v.iv.id} {v.candidate.name}"]
    if v.position:
        parts.append(v.position.title)
    parts.append(round_text(v.iv.round, v.iv.round_label, lang))
    return ("｜" if lang == "zh" else " · ").join(parts)


def brief(v: View, tz: ZoneInfo, lang: str) -> str:
    """Headline, time, mode and link of an interview: what a notification or reminder opens with."""
    lines = [headline(v, lang), when(v.iv.start_at, v.iv.end_at, tz, lang)]
    mode = mode_text(v.iv.mode, v.iv.location, lang)
    if mode:
        lines.append(mode)
    if v.iv.meeting_url:
        lines.append(pick(lang, ("链接：", "Link: ")) + v.iv.meeting_url)
    return "\n".join(lines)


def row_line(row: Any, tz: ZoneInfo, lang: str, *, own_rsvp: bool = True) -> str:
    """One line of "my interviews": time, candidate, position, round, mode, state."""
    parts = [f"#{row.id} {when(row.start_at, row.end_at, tz, lang)}", row.candidate]
    if row.position:
        parts.append(row.position)
    parts.append(round_text(row.round, row.round_label, lang))
    mode = mode_text(row.mode, row.location, lang)
    if mode:
        parts.append(mode)
    state = pick(lang, STATUS[row.status])
    if own_rsvp and row.rsvp == "declined":      # your own answer wins over the interview's
        state = pick(lang, ("你已拒绝", "you declined"))
    elif own_rsvp and row.rsvp == "removed":
        state = pick(lang, ("你已被移除", "you were taken off"))
    elif own_rsvp and row.feedback_status == "excused":
        state = pick(lang, ("你缺席", "you were absent"))
    elif own_rsvp and row.status in ("scheduled", "rescheduled", "confirmed"):
        if row.rsvp == "pending":
            state = pick(lang, ("待你确认", "awaiting your RSVP"))
        elif row.status != "confirmed":          # you said yes; others have not yet
            state = pick(lang, ("你已接受", "you accepted"))
    parts.append(state)
    return " · ".join(parts)


def panel_text(v: View, lang: str, attending: bool = True) -> str:
    """李四（已接受）、王五（未回复）: the panel, or (attending=False) those off it."""
    sep = "、" if lang == "zh" else ", "
    rows = v.attending if attending else [(p, u) for p, u in v.panel
                                          if (p, u) not in v.attending]
    return sep.join(f"{display(u)}" + (f"（{states.label(p, lang)}）" if lang == "zh"
                                       else f" ({states.label(p, lang)})") for p, u in rows)


def detail(ctx: Context, v: View, feedback: list[tuple[Any, User]]) -> Doc:
    """The full card of one interview; contact details and feedback marked private."""
    lang, iv = ctx.lang, v.iv
    # In a group: the candidate's name and the time; the position, round, place, notes and
    # the reason for a cancellation go one-to-one (commands.privacy).
    doc = Doc().add(headline(v, lang), private=True, public=f"#{iv.id} {v.candidate.name}")
    doc.add(ctx.t("时间：", "Time: ") + when(iv.start_at, iv.end_at, ctx.tz, lang))
    doc.add(ctx.t("面试官：", "Interviewers: ") + (panel_text(v, lang) or ctx.t("（无）", "(none)")))
    off = panel_text(v, lang, attending=False)
    if off:
        doc.add(ctx.t("不参加：", "Not attending: ") + off)
    mode = mode_text(iv.mode, iv.location, lang)
    if mode:
        doc.add(ctx.t("形式：", "Mode: ") + mode, private=True)
    if iv.meeting_url and (v.member(ctx.sender.id) or may_see_contact(ctx.sender)):
        doc.add(ctx.t("链接：", "Link: ") + iv.meeting_url, private=True)
    status = pick(lang, STATUS[iv.status])
    public = ctx.t(f"状态：{status}｜HR：{display(v.creator)}",
                   f"Status: {status} · HR: {display(v.creator)}")
    if iv.status == "cancelled" and iv.cancel_reason:
        status += ctx.t(f"（{iv.cancel_reason}）", f" ({iv.cancel_reason})")
        doc.add(ctx.t(f"状态：{status}｜HR：{display(v.creator)}",
                      f"Status: {status} · HR: {display(v.creator)}"), private=True, public=public)
    else:
        doc.add(public)
    if iv.decision:   # the hiring decision stays one-to-one, like feedback
        verdict = pick(lang, DECISION[iv.decision])
        doc.add(ctx.t(f"决定：{verdict}", f"Decision: {verdict}")
                + (ctx.t(f"（{iv.decision_note}）", f" ({iv.decision_note})")
                   if iv.decision_note else ""), private=True)
    if iv.notes:
        doc.add(ctx.t("备注：", "Notes: ") + iv.notes, private=True)
    if may_see_contact(ctx.sender):
        contact = " ".join(x for x in (v.candidate.phone, v.candidate.email) if x)
        if contact:
            doc.add(ctx.t("候选人联系方式：", "Candidate contact: ") + contact, private=True)
    for fb, author in feedback:
        if may_see_feedback(ctx.sender, author.id):
            doc.add(feedback_line(fb, author, lang), private=True)
    return doc


def feedback_line(fb: Any, author: User, lang: str) -> str:
    """李四：推荐 4/5 — 算法扎实."""
    text = f"{display(author)}{'：' if lang == 'zh' else ': '}{pick(lang, REC[fb.recommendation])} " \
           f"{fb.score}/5"
    return text + (f" — {fb.notes}" if fb.notes else "")
