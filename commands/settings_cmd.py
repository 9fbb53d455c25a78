"""`settings` / `设置`: your own reminders, time zone, daily digest and name; and, for admins,
`settings org <key> <value>` / `设置 全局 <项> <值>` for the organisation's settings."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands import audit
from commands.context import Context, role_allows
from commands.registry import router
from commands.router import Param
from commands.sanitize import inert
from commands.settings_store import (
    ORG_DEFAULTS,
    org_settings,
    parse_hhmm,
    set_org_setting,
    set_user_setting,
    span,
    user_setting,
)
from commands.usage import usage_error

Parser = Callable[[str], Any]


def _minutes(text: str) -> int:
    m = re.fullmatch(r"(\d+)\s*(m|min|分钟|h|小时|d|天)?", text.strip().lower())
    if not m:
        raise ValueError(text)
    return int(m.group(1)) * {"h": 60, "小时": 60, "d": 1440, "天": 1440}.get(m.group(2) or "", 1)


def _offsets(text: str) -> list[int] | None:
    if text.strip().lower() in ("default", "默认"):
        return None
    values = sorted({_minutes(p) for p in re.split(r"[,，、\s]+", text.strip()) if p}, reverse=True)
    if not values or len(values) > 5 or any(not 0 < v <= 7 * 1440 for v in values):
        raise ValueError(text)
    return values


def _clock_or_off(text: str) -> str:
    t = text.strip().lower()
    return "off" if t in ("off", "关", "关闭") else f"{parse_hhmm(t):%H:%M}"


def _range(allow_off: bool) -> Parser:
    def parse(text: str) -> str:
        t = text.strip().lower().replace("–", "-").replace("~", "-").replace("到", "-")
        if allow_off and t in ("off", "关", "关闭"):
            return "off"
        a, b = span(t.replace(" ", "")) or (None, None)
        if a is None or (not allow_off and a >= b):
            raise ValueError(text)
        return f"{a:%H:%M}-{b:%H:%M}"
    return parse


def _count(text: str) -> int:
    n = int(text.strip())
    if not 0 <= n <= 100:
        raise ValueError(text)
    return n


def _on_off(text: str) -> bool:
    return {"on": True, "开": True, "开启": True, "off": False, "关": False,
            "关闭": False}[text.strip().lower()]


# key: (aliases, parser, example)
ORG_KEYS: dict[str, tuple[tuple[str, ...], Parser, str]] = {
    "work_hours": (("workhours", "work-hours", "工作时间"), _range(False), "09:00-19:00"),
    "remind_offsets_min": (("reminders", "提醒"), _offsets, "60,15"),
    "digest_time": (("digest", "日报"), _clock_or_off, "09:00"),
    "quiet_hours": (("quiet", "免打扰"), _range(True), "22:00-08:00"),
    "feedback_first_after_min": (("feedback-first", "首次评价提醒"), _minutes, "60"),
    "feedback_every_min": (("feedback-every", "评价提醒间隔"), _minutes, "1440"),
    "feedback_max": (("feedback-max", "评价提醒次数"), _count, "10"),
    "completed_grace_min": (("grace", "完成宽限"), _minutes, "15"),
    "calendar": (("日历", "日程"), _on_off, "开"),
    "meetings": (("会议", "视频会议"), _on_off, "开"),
    "rooms": (("会议室",), _on_off, "开"),
}
USER_KEYS = {"reminders": "remind_offsets_min", "提醒": "remind_offsets_min",
             "timezone": "timezone", "tz": "timezone", "时区": "timezone",
             "digest": "digest_enabled", "日报": "digest_enabled", "name": "name", "姓名": "name"}


def _org_key(word: str) -> str | None:
    w = word.lower()
    return next((k for k, (aliases, _, _) in ORG_KEYS.items() if w == k or w in aliases), None)


@router.command(
    "settings", zh=("设置",), group=False,
    params=(Param("text", kind="text", required=False),),
    summary=("查看或修改设置：提醒、时区、日报、姓名（管理员：全局设置）",
             "your settings: reminders, time zone, digest, name (admins: org settings)"),
    usage=("设置 [提醒 60,15 | 时区 Asia/Shanghai | 日报 开|关 | 姓名 李四 | 全局 项 值]",
           "settings [reminders 60,15 | timezone Asia/Shanghai | digest on|off | name Li Si | "
           "org <key> <value>]"),
    example=("设置 提醒 60,15", "settings reminders 60,15"))
def settings(ctx: Context, text: str | None = None) -> str:
    """Show the sender's settings, or change one of theirs or (admins) the organisation's."""
    words = (text or "").split(None, 1)
    if not words:
        return _show(ctx)
    key, value = words[0].lower(), (words[1] if len(words) > 1 else "").strip()
    if key in ("org", "全局"):
        return _org(ctx, value)
    if key not in USER_KEYS or not value:
        raise usage_error("settings", [(f"看不懂「{inert(text)}」", f"can't read “{inert(text)}”")])
    return _set_mine(ctx, USER_KEYS[key], value)


def _set_mine(ctx: Context, key: str, value: str) -> str:
    user, s = ctx.sender, ctx.session
    try:
        if key == "timezone":
            before, user.timezone = user.timezone, ZoneInfo(value).key
            new: Any = user.timezone
        elif key == "name":
            before, user.name, user.name_synced = user.name, value[:128], True
            new = user.name
        elif key == "digest_enabled":
            new = {"on": True, "开": True, "开启": True, "off": False, "关": False,
                   "关闭": False}[value.lower()]
            before = set_user_setting(s, user.id, key, new, ctx.now)
        else:
            new = _offsets(value)
            before = set_user_setting(s, user.id, key, new, ctx.now)
    except (ValueError, KeyError, ZoneInfoNotFoundError, OSError):   # OSError: odd zone names
        raise usage_error("settings", [(f"「{inert(value)}」不是有效的值",
                                        f"“{inert(value)}” is not a valid value")]) from None
    audit.record(ctx, "setting", "setting", f"{user.wecom_userid}:{key}",
                 before={key: before}, after={key: new})
    return ctx.t(f"已更新：{key} = {_fmt(new)}。", f"Updated: {key} = {_fmt(new)}.")


def _org(ctx: Context, rest: str) -> str:
    if not role_allows(ctx.sender.role, "admin"):
        return ctx.t("全局设置需要 管理员 权限。", "Organisation settings need the admin role.")
    words = rest.split(None, 1)
    if not words:
        current = org_settings(ctx.session)
        return "\n".join([ctx.t("全局设置：", "Organisation settings:")] +
                         [f"• {k} = {_fmt(v)}" for k, v in current.items()])
    key = _org_key(words[0])
    if key is None or len(words) < 2:
        keys = ", ".join(ORG_KEYS)
        raise usage_error("settings", [(f"全局设置项：{keys}", f"organisation keys: {keys}")])
    try:
        value = ORG_KEYS[key][1](words[1])
    except (ValueError, TypeError, KeyError):
        ex = ORG_KEYS[key][2]
        raise usage_error("settings", [(f"「{inert(words[1])}」不是 {key} 的有效值（例如 {ex}）",
                                        f"“{inert(words[1])}” is not a valid {key} (e.g. {ex})")]) \
            from None
    if value is None:                  # "default" / 默认
        value = ORG_DEFAULTS[key]
    before = set_org_setting(ctx.session, key, value, by=ctx.sender, now=ctx.now)
    audit.record(ctx, "setting", "setting", key, before={key: before}, after={key: value})
    done = ctx.t(f"全局设置已更新：{key} = {_fmt(value)}（原为 {_fmt(before)}）。",
                 f"Organisation setting updated: {key} = {_fmt(value)} (was {_fmt(before)}).")
    if key == "calendar" and value and not org_settings(ctx.session)["calendar_id"]:
        # Switched on but nowhere to write: say so rather than appear to work.
        done += ctx.t("\n注意：还没有面试日历，请管理员在服务器上运行「interview-bot calendar setup」。",
                      "\nNote: there is no interview calendar yet; an admin must run "
                      "`interview-bot calendar setup` on the server.")
    return done


def _show(ctx: Context) -> str:
    u, s = ctx.sender, ctx.session
    lines = [ctx.t("你的设置：", "Your settings:"),
             ctx.t("• 姓名：", "• name: ") + (u.name or u.wecom_userid),
             ctx.t("• 时区：", "• timezone: ") + ctx.tz.key,
             ctx.t("• 提醒（开始前分钟）：", "• reminders (minutes before): ") +
             _fmt(user_setting(s, u.id, "remind_offsets_min")),
             ctx.t("• 日报：", "• digest: ") + _fmt(user_setting(s, u.id, "digest_enabled"))]
    if role_allows(u.role, "admin"):
        lines.append(ctx.t("全局设置：「设置 全局」", "Organisation settings: “settings org”"))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
