"""Confirm-before-acting: `ask()` parks an action behind a code; `confirm CODE` runs it once.

A code is valid for 10 minutes and belongs to the person who asked. The pending row is
locked while it is confirmed, so two confirms of the same code run the action once; a
confirm after that (or after `abort` / `取消操作`) does nothing.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from commands.context import Context, Reply, role_allows
from commands.registry import router
from commands.replies import Card
from commands.router import ROLE_NAMES, CommandError, Param
from commands.sanitize import inert
from store.hiring import PendingConfirmation

VALID_FOR = timedelta(minutes=10)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I: codes are read and retyped
# action name -> (role needed, run(ctx, payload, choice) -> replies)
Action = Callable[[Context, dict[str, Any], "int | None"], list[Reply]]
ACTIONS: dict[str, tuple[str, Action]] = {}


def confirmable(name: str, role: str) -> Callable[[Action], Action]:
    """Register the function that carries out a confirmed action."""
    def register(fn: Action) -> Action:
        ACTIONS[name] = (role, fn)
        return fn
    return register


def ask(ctx: Context, action: str, payload: dict[str, Any], zh: str, en: str,
        choices: int = 0) -> Reply:
    """Park `action` behind a new code and return the question to send."""
    code = park(ctx, action, payload)
    if choices:
        return Reply(ctx.t(f"{zh}\n回复「确认 {code} 序号」选用（10 分钟内有效），或重新安排其他时间。",
                           f"{en}\nReply “confirm {code} <number>” to take one (valid for "
                           "10 minutes), or schedule another time."))
    text = ctx.t(f"{zh}\n回复「确认 {code}」执行（10 分钟内有效），或「取消操作」放弃。",
                 f"{en}\nReply “confirm {code}” within 10 minutes to go ahead, "
                 "or “abort” to drop it.")
    buttons = card(ctx, code, text)
    return Reply(text) if buttons is None else Card(text, card=buttons)


def park(ctx: Context, action: str, payload: dict[str, Any]) -> str:
    """Store `action` as pending for the sender under a new code, and return the code."""
    taken = set(ctx.session.scalars(select(PendingConfirmation.code).where(
        PendingConfirmation.actor_id == ctx.sender.id)))
    code = next(c for c in iter(lambda: "".join(secrets.choice(_ALPHABET) for _ in range(4)),
                                None) if c not in taken)
    ctx.session.add(PendingConfirmation(
        code=code, actor_id=ctx.sender.id, action=action, payload=payload, created_at=ctx.now,
        expires_at=ctx.now + VALID_FOR))
    return code


def card(ctx: Context, code: str, text: str) -> dict[str, Any] | None:
    """A button card for the question: one tap instead of typing the code.

    The text still carries the code, so typing it works too (and the group chat, which gets
    the text, loses nothing). Too long a question stays plain text.
    """
    if len(text) > 500:
        return None
    labels, words = (("确认", "放弃"), ("确认", "取消操作")) if ctx.lang == "zh" else \
        (("Confirm", "Drop"), ("confirm", "abort"))
    return {"card_type": "button_interaction",
            "main_title": {"title": ctx.t("请确认", "Please confirm")},
            "sub_title_text": text,
            "task_id": f"confirm_{ctx.sender.id}_{code}_{int(ctx.now.timestamp())}",
            "button_list": [{"text": labels[0], "style": 1, "key": f"{words[0]} {code}"},
                            {"text": labels[1], "style": 2, "key": words[1]}]}


@router.command(
    "confirm", zh=("确认",),
    params=(Param("code", kind="word", label=("确认码", "the code")),
            Param("choice", kind="int", required=False)),
    summary=("确认一项待确认的操作", "go ahead with an action waiting for confirmation"),
    usage=("确认 确认码 [序号]", "confirm CODE [number]"),
    example=("确认 7Q4K", "confirm 7Q4K"))
def confirm(ctx: Context, code: str, choice: int | None = None) -> list[Reply]:
    """Run the action parked behind `code`, once."""
    code = inert(code.upper(), 8)   # echoed back below
    row = ctx.session.scalars(select(PendingConfirmation).where(
        PendingConfirmation.actor_id == ctx.sender.id, PendingConfirmation.code == code)
        .with_for_update().execution_options(populate_existing=True)).first()
    if row is None:
        raise CommandError(f"没有待确认的「{code}」。请检查确认码。",
                           f"Nothing is waiting for confirmation under “{code}”.")
    if row.consumed_at is not None:
        done = {"done": ("已经执行过", "was already carried out"),
                "aborted": ("已经放弃", "was dropped")}.get(row.outcome or "", ("已处理", "is closed"))
        return [Reply(ctx.t(f"「{code}」{done[0]}，这次没有再做任何操作。",
                            f"“{code}” {done[1]}; nothing was done this time."))]
    if row.expires_at <= ctx.now:
        return [Reply(ctx.t(f"「{code}」已过期（10 分钟内有效），请重新发送原命令。",
                            f"“{code}” has expired (codes last 10 minutes); please send the command again."))]
    role, run = ACTIONS[row.action]
    if not role_allows(ctx.sender.role, role):
        zh, en = ROLE_NAMES[role]
        return [Reply(ctx.t(f"该操作需要 {zh} 权限。", f"This needs the {en} role."))]
    with ctx.session.begin_nested():   # a refusal (CommandError) undoes everything it did
        replies = run(ctx, dict(row.payload), choice)
    row.consumed_at, row.outcome = ctx.now, "done"
    return replies


@router.command(
    "abort", zh=("取消操作", "放弃"),
    summary=("放弃待确认的操作", "drop the actions waiting for your confirmation"),
    usage=("取消操作", "abort"), example=("取消操作", "abort"))
def abort(ctx: Context) -> list[Reply]:
    """Drop every live pending confirmation of the sender."""
    return [Reply(drop_pending(ctx))]


def drop_pending(ctx: Context) -> str:
    """Mark the sender's live pending confirmations as aborted; say how many."""
    rows = list(ctx.session.scalars(select(PendingConfirmation).where(
        PendingConfirmation.actor_id == ctx.sender.id, PendingConfirmation.consumed_at.is_(None),
        PendingConfirmation.expires_at > ctx.now).with_for_update()))
    for row in rows:
        row.consumed_at, row.outcome = ctx.now, "aborted"
    if not rows:
        return ctx.t("没有待确认的操作。", "Nothing is waiting for your confirmation.")
    codes = "、".join(r.code for r in rows)
    return ctx.t(f"已放弃待确认的操作（{codes}）。", f"Dropped: {', '.join(r.code for r in rows)}.")
