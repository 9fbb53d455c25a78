"""`group #id` / `建群 #编号`: a WeCom group chat (appchat) for one interview.

Its HR and interviewers are put in a group created by the app; later changes to the interview
(reschedule, cancellation, panel changes) are posted there too. The group itself is created
by the worker through appchat/create; if WeCom refuses (the app's visible range must be the
whole company, at least two members), the asker is told why.
"""
from __future__ import annotations

import secrets
from typing import Any
from zoneinfo import ZoneInfo

from commands import audit
from commands import interviews_repo as repo
from commands.context import Context, Reply
from commands.lookup import named_interview
from commands.people import display
from commands.registry import router
from commands.render import when
from commands.replies import GroupCreate, GroupPost
from commands.router import CommandError, Param
from store.hiring import LIVE

NAME_LIMIT = 50   # characters, WeCom's limit for a group name


def group_name(v: repo.View) -> str:
    """面试 #12 张三｜后端工程师, cut to WeCom's limit."""
    title = f"面试 #{v.iv.id} {v.candidate.name}"
    if v.position:
        title += f"｜{v.position.title}"
    return title[:NAME_LIMIT]


def announce(ctx: Context, v: repo.View, zh: str, en: str, entry_id: int) -> list[Reply]:
    """Post a change of interview #id to its group (keyed by the audit entry)."""
    tz = ZoneInfo(ctx.settings.timezone)
    when_zh = when(v.iv.start_at, v.iv.end_at, tz, "zh")
    when_en = when(v.iv.start_at, v.iv.end_at, tz, "en")
    return post(v, f"#{v.iv.id} {v.candidate.name}：{zh}（{when_zh}）",
                f"#{v.iv.id}: {en} ({when_en})", key=f"group:{v.iv.id}:{entry_id}")


def post(v: repo.View, zh: str, en: str, key: str) -> list[Reply]:
    """A post about this interview to its group, if it has one (groups read Chinese first)."""
    if not v.iv.chat_id:
        return []
    return [GroupPost(f"{zh}\n{en}", to=v.iv.chat_id, dedupe_key=key[:160])]


@router.command(
    "group", zh=("建群", "面试群"), role="hr",
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("为面试建群：HR 与面试官，之后的变动同步到群里",
             "create a group chat for an interview; later changes are posted there"),
    usage=("建群 #编号", "group #id"), example=("建群 #12", "group #12"))
def group(ctx: Context, interview: int) -> list[Reply]:
    """Create the interview's group chat with its HR and interviewers."""
    v = named_interview(ctx.session, interview, lock=True)
    if v.iv.status not in LIVE:
        raise CommandError(f"#{interview} 已结束或已取消，不再建群。",
                           f"#{interview} is over or cancelled; no group for it.")
    if v.iv.chat_id:
        raise CommandError(f"#{interview} 已经有群聊了。", f"#{interview} already has a group chat.")
    members = _members(ctx, v)
    if len(members) < 2:
        raise CommandError("群聊至少需要 2 人：请先给面试加上面试官。",
                           "A group needs at least two members: add an interviewer first.")
    chat_id = f"iv{interview}x{secrets.token_hex(6)}"
    v.iv.chat_id = chat_id
    audit.record(ctx, "group_create", "interview", interview, after={"chat_id": chat_id})
    names = "、".join(display(u) for u in _member_users(ctx, v))
    welcome = (f"这是 #{interview} {v.candidate.name} 的面试群。改期、取消和面试官变动会发到这里。",
               f"This is the group for interview #{interview}. Changes will be posted here.")
    return [GroupCreate(group_name(v), to=chat_id, owner=members[0], members=tuple(members),
                        requester=ctx.sender.wecom_userid, interview=interview,
                        dedupe_key=f"appchat:{chat_id}"),
            *post(v, *welcome, key=f"group-welcome:{chat_id}"),
            Reply(ctx.t(f"正在创建群聊「{group_name(v)}」，成员：{names}。之后的变动会同步到群里。",
                        f"Creating the group “{group_name(v)}” with {names}. "
                        "Later changes will be posted there."))]


def _member_users(ctx: Context, v: repo.View) -> list[Any]:
    people = [v.creator, *(u for _, u in v.attending)]
    if ctx.sender.role in ("hr", "admin"):
        people.insert(0, ctx.sender)
    seen: dict[str, Any] = {}
    for u in people:
        seen.setdefault(u.wecom_userid, u)
    return list(seen.values())


def _members(ctx: Context, v: repo.View) -> list[str]:
    return [u.wecom_userid for u in _member_users(ctx, v)]
