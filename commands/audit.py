"""The append-only audit log: `record()` for every write, and `audit #id` / `审计 #编号`."""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select

from commands.context import Context, Reply
from commands.registry import router
from commands.router import Param
from store.hiring import AuditLog
from store.models import User

ACTIONS = {
    "create": ("创建", "created"), "reschedule": ("改期", "rescheduled"),
    "cancel": ("取消", "cancelled"), "add_interviewer": ("加面试官", "added interviewer"),
    "remove_interviewer": ("移除面试官", "removed interviewer"), "accept": ("接受", "accepted"),
    "decline": ("拒绝", "declined"), "feedback": ("提交评价", "submitted feedback"),
    "no_show": ("标记未到场", "marked no-show"), "complete": ("标记完成", "marked done"),
    "nudge": ("催评价", "nudged for feedback"), "role_change": ("修改角色", "changed role"),
    "rename": ("修改姓名", "renamed"), "setting": ("修改设置", "changed a setting"),
}


def record(ctx: Context, action: str, entity: str, entity_id: Any, *,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           reason: str | None = None) -> AuditLog:
    """Append one audit row for a write made by the sender of this message."""
    row = AuditLog(at=ctx.now, actor_id=ctx.sender.id, actor_kind="user", action=action,
                   entity=entity, entity_id=str(entity_id), before=before, after=after,
                   reason=reason, source_key=ctx.source_key)
    ctx.session.add(row)
    ctx.session.flush()   # the id is used in notification keys
    return row


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None, tz: tzinfo) -> str:
    """A short "key: old→new" summary of what an entry changed."""
    if not before or not after:
        return ""
    keys = [k for k in after if k not in ("sequence",) and before.get(k) != after.get(k)]
    parts = []
    for k in keys[:4]:
        old, new = before.get(k), after.get(k)
        if k == "interviewers":
            old = ",".join(i["userid"] + ":" + i["rsvp"] for i in old or [])
            new = ",".join(i["userid"] + ":" + i["rsvp"] for i in new or [])
        parts.append(f"{k}: {_short(old, tz)}→{_short(new, tz)}")
    return "; ".join(parts)


def _short(value: Any, tz: tzinfo) -> str:
    text = str(value)
    if len(text) >= 19 and text[4:5] == "-" and "T" in text:   # an ISO time: the reader's clock
        return f"{datetime.fromisoformat(text).astimezone(tz):%m-%d %H:%M}"
    return text[:60]


@router.command(
    "audit", zh=("审计", "操作记录"), role="admin", group=False,
    params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
    summary=("查看一场面试的全部操作记录", "every change made to an interview"),
    usage=("审计 #编号", "audit #id"), example=("审计 #12", "audit #12"))
def audit(ctx: Context, interview: int) -> list[Reply]:
    """List the audit entries of one interview, oldest first."""
    rows = ctx.session.execute(
        select(AuditLog, User).outerjoin(User, User.id == AuditLog.actor_id)
        .where(AuditLog.entity == "interview", AuditLog.entity_id == str(interview))
        .order_by(AuditLog.id)).all()
    if not rows:
        return [Reply(ctx.t(f"#{interview} 没有操作记录。", f"No audit entries for #{interview}."))]
    lines = [ctx.t(f"#{interview} 操作记录（{len(rows)} 条）：",
                   f"Audit log of #{interview} ({len(rows)} entries):")]
    for row, actor in rows:
        at = row.at.astimezone(ctx.tz).strftime("%m-%d %H:%M")
        who = actor.name if actor else row.actor_kind
        label = ACTIONS.get(row.action, (row.action, row.action))
        line = f"{at} {who} {ctx.t(*label)}"
        if row.reason:
            line += ctx.t(f"（{row.reason}）", f" ({row.reason})")
        changes = _changes(row.before, row.after, ctx.tz)
        if changes:
            line += f" [{changes}]"
        if row.source_key:
            line += f" · msg {row.source_key}"
        lines.append(line)
    return [Reply("\n".join(lines))]
