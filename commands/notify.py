"""Messages to people other than the sender: replies with `to=` become outbox rows in the
same transaction as the change, and the dedupe key (kind, interview, person, audit entry)
makes each one exactly-once. Each is written in the recipient's language and time zone.
"""
from __future__ import annotations

from datetime import datetime

from commands.context import Context, Reply
from commands.interviews_repo import View
from commands.people import display
from commands.render import REC, brief, lang_of, pick, when, zone_of
from store.hiring import Feedback
from store.models import User


def _to(ctx: Context, user: User, key: str, zh: str, en: str, private: bool = False) -> list[Reply]:
    if user.id == ctx.sender.id:      # the sender learns it from their own reply
        return []
    return [Reply(zh if lang_of(user) == "zh" else en, to=user.wecom_userid,
                  dedupe_key=key[:160], private=private)]


def _brief(ctx: Context, v: View, user: User) -> tuple[str, str]:
    """The interview's brief in both languages, in the reader's zone."""
    tz = zone_of(user, ctx)
    return brief(v, tz, "zh"), brief(v, tz, "en")


def assigned(ctx: Context, v: View, user: User, audit_id: int) -> list[Reply]:
    """Tell an interviewer they are on an interview."""
    zh, en = _brief(ctx, v, user)
    hr = display(ctx.sender)
    return _to(ctx, user, f"assigned:{v.iv.id}:{user.id}:{audit_id}",
               f"{hr} 安排你面试：\n{zh}\n回复「接受 #{v.iv.id}」或「拒绝 #{v.iv.id} 原因」。",
               f"{hr} has put you on an interview:\n{en}\n"
               f"Reply “accept #{v.iv.id}” or “decline #{v.iv.id} <reason>”.", private=True)


def rescheduled(ctx: Context, v: View, user: User, old: tuple[datetime, datetime],
                reason: str | None, audit_id: int) -> list[Reply]:
    """Tell an interviewer the time changed, old -> new, and ask them to confirm again."""
    tz = zone_of(user, ctx)
    why_zh, why_en = (f"（原因：{reason}）", f" (reason: {reason})") if reason else ("", "")
    link_zh, link_en = (f"\n链接：{v.iv.meeting_url}", f"\nLink: {v.iv.meeting_url}") \
        if v.iv.meeting_url else ("", "")
    return _to(ctx, user, f"rescheduled:{v.iv.id}:{user.id}:{audit_id}",
               f"#{v.iv.id} {v.candidate.name} 已改期{why_zh}：\n{when(*old, tz, 'zh')}\n→ "
               f"{when(v.iv.start_at, v.iv.end_at, tz, 'zh')}{link_zh}\n请回复「接受 #{v.iv.id}」重新确认，"
               f"或「拒绝 #{v.iv.id} 原因」。",
               f"#{v.iv.id} {v.candidate.name} was rescheduled{why_en}:\n{when(*old, tz, 'en')}\n→ "
               f"{when(v.iv.start_at, v.iv.end_at, tz, 'en')}{link_en}\nPlease reply “accept #{v.iv.id}” "
               f"again, or “decline #{v.iv.id} <reason>”.")


def cancelled(ctx: Context, v: View, user: User, reason: str | None,
              audit_id: int) -> list[Reply]:
    """Tell an interviewer the interview is off."""
    tz = zone_of(user, ctx)
    why_zh, why_en = (f"原因：{reason}", f"Reason: {reason}") if reason else ("", "")
    return _to(ctx, user, f"cancelled:{v.iv.id}:{user.id}:{audit_id}",
               f"已取消：#{v.iv.id} {v.candidate.name}，{when(v.iv.start_at, v.iv.end_at, tz, 'zh')}。"
               f"{why_zh}",
               f"Cancelled: #{v.iv.id} {v.candidate.name}, "
               f"{when(v.iv.start_at, v.iv.end_at, tz, 'en')}. {why_en}".rstrip())


def removed(ctx: Context, v: View, user: User, audit_id: int) -> list[Reply]:
    """Tell an interviewer they are no longer on the interview."""
    tz = zone_of(user, ctx)
    return _to(ctx, user, f"removed:{v.iv.id}:{user.id}:{audit_id}",
               f"你已不再参加 #{v.iv.id} {v.candidate.name}（{when(v.iv.start_at, v.iv.end_at, tz, 'zh')}），"
               "无需出席。",
               f"You are no longer on #{v.iv.id} {v.candidate.name} "
               f"({when(v.iv.start_at, v.iv.end_at, tz, 'en')}); no need to attend.")


def declined(ctx: Context, v: View, reason: str, audit_id: int) -> list[Reply]:
    """Tell the interview's HR that the sender declined, and how to replace them.

    When nobody is left on the panel the message says so first: the interview cannot happen
    as it stands, and HR should hear it now rather than from the clock.
    """
    who, tz = display(ctx.sender), zone_of(v.creator, ctx)
    empty = not v.attending
    alarm = ((f"⚠ #{v.iv.id} 的面试官已全部拒绝，目前没有人面试。\n",
              f"⚠ Everyone on #{v.iv.id} has declined: nobody is left to interview.\n")
             if empty else ("", ""))
    return _to(ctx, v.creator, f"declined:{v.iv.id}:{ctx.sender.id}:{audit_id}",
               f"{alarm[0]}{who} 拒绝了 #{v.iv.id}"
               f"（{v.candidate.name}，{when(v.iv.start_at, v.iv.end_at, tz, 'zh')}）："
               f"「{reason}」。可回复「加面试官 #{v.iv.id} 姓名」换人"
               + (f"，或「改期 #{v.iv.id} 新时间」、「取消 #{v.iv.id}」。" if empty else "。"),
               f"{alarm[1]}{who} declined #{v.iv.id} ({v.candidate.name}, "
               f"{when(v.iv.start_at, v.iv.end_at, tz, 'en')}): “{reason}”. "
               f"Reply “add interviewer #{v.iv.id} <name>” to replace them"
               + (f", or “reschedule #{v.iv.id} <time>” / “cancel #{v.iv.id}”." if empty
                  else "."))


def all_accepted(ctx: Context, v: View, audit_id: int) -> list[Reply]:
    """Tell the interview's HR that every interviewer has accepted."""
    return _to(ctx, v.creator, f"confirmed:{v.iv.id}:{audit_id}",
               f"#{v.iv.id} {v.candidate.name} 的面试官已全部接受。",
               f"Every interviewer has accepted #{v.iv.id} {v.candidate.name}.")


def feedback_in(ctx: Context, v: View, fb: Feedback, audit_id: int,
                amended: bool = False) -> list[Reply]:
    """Tell the interview's HR that feedback arrived or changed (private: it has the verdict)."""
    who = display(ctx.sender)
    rec, score = fb.recommendation, fb.score
    did = ("修改了", "amended") if amended else ("提交了", "submitted")
    key = f"feedback:{v.iv.id}:{ctx.sender.id}" + (f":{audit_id}" if amended else "")
    return _to(ctx, v.creator, key,
               f"{who} {did[0]} #{v.iv.id} {v.candidate.name} 的评价：{pick('zh', REC[rec])} {score}/5。"
               f"查看：「面试 #{v.iv.id}」",
               f"{who} {did[1]} feedback on #{v.iv.id} {v.candidate.name}: "
               f"{pick('en', REC[rec])} {score}/5. See “interview #{v.iv.id}”.", private=True)


def nudge(ctx: Context, v: View, user: User, n: int) -> list[Reply]:
    """Remind an interviewer to submit their feedback."""
    return _to(ctx, user, f"nudge:{v.iv.id}:{user.id}:{n}",
               f"{display(ctx.sender)} 提醒你提交 #{v.iv.id} {v.candidate.name} 的评价：\n"
               f"评价 #{v.iv.id} 结论:推荐 评分:4 备注:…",
               f"{display(ctx.sender)} asks for your feedback on #{v.iv.id} {v.candidate.name}:\n"
               f"feedback #{v.iv.id} rec:yes score:4 notes:…")


def answer_please(ctx: Context, v: View, user: User, audit_id: int) -> list[Reply]:
    """Ask an interviewer who has not answered to accept or decline."""
    zh, en = _brief(ctx, v, user)
    return _to(ctx, user, f"answer:{v.iv.id}:{user.id}:{audit_id}",
               f"{display(ctx.sender)} 请你确认是否参加：\n{zh}\n"
               f"回复「接受 #{v.iv.id}」或「拒绝 #{v.iv.id} 原因」。",
               f"{display(ctx.sender)} asks whether you will interview:\n{en}\n"
               f"Reply “accept #{v.iv.id}” or “decline #{v.iv.id} <reason>”.")


def decided(ctx: Context, v: View, user: User, verdict: tuple[str, str],
            audit_id: int) -> list[Reply]:
    """Tell an interviewer HR's decision (their feedback loop is closed)."""
    return _to(ctx, user, f"decided:{v.iv.id}:{user.id}:{audit_id}",
               f"#{v.iv.id} {v.candidate.name}：HR 已决定「{verdict[0]}」，评价已关闭。",
               f"#{v.iv.id} {v.candidate.name}: HR decided “{verdict[1]}”; feedback is closed.")


def role_changed(ctx: Context, user: User, role: tuple[str, str], audit_id: int) -> list[Reply]:
    """Tell someone their role changed."""
    return _to(ctx, user, f"role:{user.id}:{audit_id}",
               f"{display(ctx.sender)} 已将你的角色设为 {role[0]}。发送「帮助」查看可用命令。",
               f"{display(ctx.sender)} set your role to {role[1]}. Send “help” to see your commands.")
