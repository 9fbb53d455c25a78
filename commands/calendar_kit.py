"""What an interview looks like in WeCom: the event's summary and description (the interview
kit), the meeting title, and reminders mapped to the values WeCom accepts. Pure rendering."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from commands.interviews_repo import View
from commands.people import display
from commands.render import MODE, round_text, when

REMINDER_SECONDS = (0, 300, 900, 3600, 86400)   # WeCom's only remind_before_event_secs values
SUMMARY_MAX, DESCRIPTION_MAX, LOCATION_MAX = 128, 1000, 128
TITLE_CHARS, TITLE_BYTES = 20, 40
RSVP_MARK = {"accepted": "✓", "declined": "✗", "pending": "?"}


def marker(iid: int) -> str:
    """The first line of every event and meeting description: how a lost create is found."""
    return f"面试 #{iid}"


def clip(text: str, limit: int, ellipsis: str = "…") -> str:
    """At most `limit` characters, cut on a character (never inside one), marked when cut."""
    if len(text) <= limit:
        return text
    return text[:limit - len(ellipsis)] + ellipsis


def fit_title(text: str, chars: int = TITLE_CHARS, max_bytes: int = TITLE_BYTES) -> str:
    """A meeting title inside both of WeCom's limits (20 characters, 40 UTF-8 bytes)."""
    out = ""
    for ch in text:
        if len(out) + 1 > chars or len((out + ch).encode()) > max_bytes:
            break
        out += ch
    return out.rstrip() or "面试"


def summary(v: View) -> str:
    """面试 · 张三 · 二面."""
    return clip(f"面试 · {v.candidate.name} · {round_text(v.iv.round, v.iv.round_label, 'zh')}",
                SUMMARY_MAX)


def meeting_title(v: View) -> str:
    """面试 张三 二面, made to fit 20 characters / 40 bytes."""
    return fit_title(f"面试 {v.candidate.name} {round_text(v.iv.round, v.iv.round_label, 'zh')}")


def description(v: View, tz: ZoneInfo, *, link: str | None, room: str | None) -> str:
    """The interview kit: candidate, position, round, mode, link, place, panel, feedback."""
    iv = v.iv
    lines = [marker(iv.id),
             f"候选人 Candidate：{v.candidate.name}"]
    if v.position:
        lines.append(f"岗位 Position：{v.position.title}")
    lines.append(f"轮次 Round：{round_text(iv.round, iv.round_label, 'zh')} / "
                 f"{round_text(iv.round, iv.round_label, 'en')}")
    lines.append(f"时间 Time：{when(iv.start_at, iv.end_at, tz, 'zh')}")
    if iv.mode in MODE:
        lines.append(f"形式 Mode：{MODE[iv.mode][0]} / {MODE[iv.mode][1]}")
    if link or iv.meeting_url:
        lines.append(f"会议链接 Link：{link or iv.meeting_url}")
    if room or iv.location:
        lines.append(f"地点 Place：{room or iv.location}")
    panel = "、".join(f"{display(u)}{RSVP_MARK.get(p.rsvp, '')}" for p, u in v.panel
                      if p.rsvp != "removed")
    lines.append(f"面试官 Panel：{panel}")
    lines.append(f"HR：{display(v.creator)}")
    lines.append(f"反馈 Feedback：面试后向机器人发送「评价 #{iv.id} 结论:推荐 评分:4 备注:…」 / "
                 f"“feedback #{iv.id} rec:yes score:4 notes:…”")
    if iv.notes:
        lines.append(f"备注 Notes：{iv.notes}")
    return clip("\n".join(lines), DESCRIPTION_MAX)


def reminders(offsets_min: list[int], tz: ZoneInfo, at: datetime) -> dict[str, object]:
    """The org's reminder offsets (minutes) mapped to the nearest values WeCom accepts."""
    wanted = sorted({_nearest(m * 60) for m in offsets_min or []}, reverse=True)
    offset = (at.astimezone(tz).utcoffset() or at.utcoffset())
    hours = int((offset.total_seconds() if offset else 8 * 3600) // 3600)  # whole hours only
    if not wanted:
        return {"is_remind": 0, "timezone": hours}
    return {"is_remind": 1, "remind_before_event_secs": wanted[0],
            "remind_time_diffs": wanted, "timezone": max(-12, min(12, hours))}


def _nearest(seconds: int) -> int:
    # Ties go to the earlier reminder: early is better than late for an interview.
    return min(REMINDER_SECONDS, key=lambda v: (abs(v - seconds), -v))
