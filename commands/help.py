"""`help` / `帮助`: the commands the sender may use, or how to use one of them."""
from __future__ import annotations

from commands.context import ROLES, Context, Reply, role_allows
from commands.registry import router
from commands.router import ROLE_NAMES, Param
from commands.sanitize import inert

SECTION = {"interviewer": ("面试官", "Interviewers"), "hr": ("HR", "HR"),
           "admin": ("管理员", "Admins")}


@router.command(
    "help", en=("?", "h", "menu"), zh=("帮助", "菜单", "命令"),
    params=(Param("topic", kind="text", required=False),),
    summary=("查看可用命令", "list the commands you can use"),
    usage=("帮助 [命令]", "help [command]"), example=("帮助 安排", "help schedule"))
def help_(ctx: Context, topic: str | None = None) -> list[Reply]:
    """List the commands the sender may use, or show one command's usage."""
    if topic:
        return [Reply(_one(ctx, topic))]
    role_zh, role_en = ROLE_NAMES.get(ctx.sender.role, ROLE_NAMES["interviewer"])
    lines = [ctx.t(f"可用命令（你的角色：{role_zh}）：", f"Commands you can use (your role: {role_en}):")]
    for role in ROLES:
        if not role_allows(ctx.sender.role, role):
            continue
        cmds = [c for c in router.commands if c.role == role and not c.hidden]
        if not cmds:
            continue
        if ctx.sender.role != "interviewer":
            lines.append(ctx.t(f"【{SECTION[role][0]}】", f"[{SECTION[role][1]}]"))
        for c in cmds:
            lines.append(f"• {c.text(c.usage, ctx.lang)} — {c.text(c.summary, ctx.lang)}")
    lines.append(ctx.t("输入「帮助 命令」查看示例，例如「帮助 安排」。",
                       "Send “help <command>” for an example, e.g. “help schedule”."))
    return [Reply("\n".join(lines))]


def _one(ctx: Context, topic: str) -> str:
    found = router.match(topic)
    if found is None or not role_allows(ctx.sender.role, found[0].role):
        shown = inert(topic)
        return ctx.t(f"没有「{shown}」这个命令。输入「帮助」查看全部命令。",
                     f"There is no command “{shown}”. Send “help” for the list.")
    c = found[0]
    other = "en" if ctx.lang == "zh" else "zh"
    aliases = " / ".join((*c.zh, *c.en) if ctx.lang == "zh" else (*c.en, *c.zh))
    return "\n".join([
        f"{c.text(c.usage, ctx.lang)} — {c.text(c.summary, ctx.lang)}",
        ctx.t(f"例如：{c.example[0]}", f"Example: {c.example[1]}"),
        ctx.t(f"也可以写作：{c.text(c.example, other)}", f"Also: {c.text(c.example, other)}"),
        ctx.t(f"别名：{aliases}", f"Aliases: {aliases}"),
    ])


def welcome(ctx: Context) -> str:
    """The short greeting sent when a member opens the app (at most once a day).

    Both languages until we know which one the member writes in.
    """
    zh = "你好，我是面试助手。发送「帮助」查看我能做什么，例如「我的面试」「今日」。"
    en = ("Hi, I'm the interview assistant. Send “help” to see what I can do, "
          "e.g. “my interviews” or “today”.")
    if ctx.sender.lang is None:
        return f"{zh}\n{en}"
    return zh if ctx.sender.lang == "zh" else en
