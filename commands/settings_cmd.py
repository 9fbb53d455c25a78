"""`settings` / `设置`: your own reminders, time zone, daily digest and name; and, for admins,
`settings org <key> <value>` / `设置 全局 <项> <值>` for the organisation's settings."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands import audit
from commands.availability import describe_caps, describe_hours, parse_caps, parse_hours
from commands.context import Context, Reply, role_allows
from commands.people import name_taken
from commands.registry import router
from commands.render import lang_of
from commands.router import CommandError, Param, too_long
from commands.sanitize import inert
from commands.settings_store import (
    ORG_DEFAULTS,
    org_settings,
    parse_hhmm,
    set_org_setting,
    set_user_setting,
    span,
    user_setting,
    weekdays,
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
        hours = span(t.replace(" ", ""))
        if hours is None or (not allow_off and hours[0] >= hours[1]):
            raise ValueError(text)
        return f"{hours[0]:%H:%M}-{hours[1]:%H:%M}"
    return parse


_LANGS = {"zh": "zh", "中文": "zh", "汉语": "zh", "chinese": "zh", "en": "en",
          "english": "en", "英文": "en", "英语": "en"}


def _language(text: str) -> str:
    return _LANGS[text.strip().lower()]


def _days(text: str) -> list[int]:
    """'1-5', '周一至周五', 'mon-fri', '1,2,3,4,6' -> ISO weekdays."""
    days: set[int] = set()
    for part in re.split(r"[,，、\s]+", text.strip()):
        if part:
            days.update(weekdays(part))
    if not days:
        raise ValueError(text)
    return sorted(days)


def _count(text: str) -> int:
    n = int(text.strip())
    if not 0 <= n <= 100:
        raise ValueError(text)
    return n


def _on_off(text: str) -> bool:
    return {"on": True, "开": True, "开启": True, "off": False, "关": False,
            "关闭": False}[text.strip().lower()]


def _wording(text: str) -> str | None:
    """The self-scheduling page's words: plain text, at most 300 characters; 默认 = ours."""
    value = " ".join(text.split())
    if value.lower() in ("default", "默认"):
        return None
    if not value or len(value) > 300:
        raise ValueError(text)
    return value


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
    "language": (("lang", "语言"), _language, "中文"),
    "work_days": (("workdays", "work-days", "工作日"), _days, "1-5"),
    "lunch": (("午休",), _range(True), "12:00-13:30"),
    "calendar": (("日历", "日程"), _on_off, "开"),
    "meetings": (("会议", "视频会议"), _on_off, "开"),
    "rooms": (("会议室",), _on_off, "开"),
    "interview_hours": (("面试时段", "interviewhours", "interview-hours"), parse_hours,
                        "周二 周四 14:00-18:00"),
    "interview_caps": (("上限", "caps", "cap"), parse_caps, "每天2 每周6"),
    "invite_wording": (("邀约文案", "invite-wording", "wording"), _wording,
                       "感谢您参加某某公司的面试，请选择时间。"),
}
USER_KEYS = {"reminders": "remind_offsets_min", "提醒": "remind_offsets_min",
             "timezone": "timezone", "tz": "timezone", "时区": "timezone",
             "digest": "digest_enabled", "日报": "digest_enabled", "name": "name", "姓名": "name",
             "language": "lang", "lang": "lang", "语言": "lang",
             "workhours": "work_hours", "工作时间": "work_hours",
             "workdays": "work_days", "工作日": "work_days", "lunch": "lunch", "午休": "lunch",
             "面试时段": "interview_hours", "interviewhours": "interview_hours",
             "interview-hours": "interview_hours",
             "上限": "interview_caps", "caps": "interview_caps", "cap": "interview_caps"}
_USER_PARSERS: dict[str, Parser] = {"work_hours": _range(False), "work_days": _days,
                                    "lunch": _range(True), "interview_hours": parse_hours,
                                    "interview_caps": parse_caps}
_DEFAULT_WORDS = ("default", "默认")


def _org_key(word: str) -> str | None:
    w = word.lower()
    return next((k for k, (aliases, _, _) in ORG_KEYS.items() if w == k or w in aliases), None)


@router.command(
    "settings", zh=("设置",), group=False,
    params=(Param("text", kind="text", required=False),),
    summary=("查看或修改设置：提醒、时区、日报、姓名（管理员：全局设置）",
             "your settings: reminders, time zone, digest, name (admins: org settings)"),
    usage=("设置 [提醒 60,15 | 时区 Asia/Shanghai | 日报 开|关 | 姓名 李四 | 语言 中文|English | "
           "工作时间 10:00-19:00 | 工作日 1-5 | 午休 12:00-13:30 | 全局 项 值]",
           "settings [reminders 60,15 | timezone Asia/Shanghai | digest on|off | name Li Si | "
           "language English|中文 | workhours 10:00-19:00 | workdays 1-5 | lunch 12:00-13:30 | "
           "org <key> <value>]"),
    example=("设置 提醒 60,15", "settings reminders 60,15"))
def settings(ctx: Context, text: str | None = None) -> list[Reply]:
    """Show the sender's settings, or change one of theirs or (admins) the organisation's."""
    text = text or ""
    words = text.split(None, 1)
    if not words:
        return [Reply(_show(ctx))]
    key, value = words[0].lower(), (words[1] if len(words) > 1 else "").strip()
    if key in ("org", "全局"):
        return [Reply(_org(ctx, value))]
    if key not in USER_KEYS or not value:
        raise usage_error("settings", [(f"看不懂「{inert(text)}」", f"can't read “{inert(text)}”")])
    return [Reply(_set_mine(ctx, USER_KEYS[key], value))]


def _set_mine(ctx: Context, key: str, value: str) -> str:
    user, s = ctx.sender, ctx.session
    try:
        if key == "timezone":
            before, user.timezone = user.timezone, ZoneInfo(value).key
            new: Any = user.timezone
        elif key == "name":
            _check_name(ctx, value)
            before, user.name = user.name, value
            new = user.name
        elif key == "lang":
            before, user.lang = user.lang, _language(value)
            new = user.lang
        elif key in _USER_PARSERS:
            new = None if value.lower() in _DEFAULT_WORDS else _USER_PARSERS[key](value)
            before = set_user_setting(s, user.id, key, new, ctx.now)
            new = user_setting(s, user.id, key)
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
    if key == "lang":
        shown = ("中文", "Chinese") if new == "zh" else ("英文", "English")
        return ctx.t(f"已更新：今后发给你的提醒和通知将使用{shown[0]}（回复仍按你发消息所用的语言）。",
                     f"Updated: reminders and notices will reach you in {shown[1]} (replies "
                     "still follow the language you write in).")
    return ctx.t(f"已更新：{key} = {_fmt(new)}。", f"Updated: {key} = {_fmt(new)}.")


NAME_LIMIT = 64


def _check_name(ctx: Context, value: str) -> None:
    """A chosen display name: bounded, and nobody else's userid, directory or display name
    (others name people by the directory name; this keeps the shown names honest too)."""
    if len(value) > NAME_LIMIT:
        raise CommandError(*too_long(("姓名", "a name"), len(value), NAME_LIMIT))
    other = name_taken(ctx.session, ctx.sender, value)
    if other is not None:
        raise CommandError(f"「{inert(value)}」是另一位成员的名字，不能使用。",
                           f"“{inert(value)}” is another member's name; choose another.")


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
             ctx.t("• 日报：", "• digest: ") + _fmt(user_setting(s, u.id, "digest_enabled")),
             ctx.t("• 语言（通知）：", "• language (notices): ") + lang_of(u),
             ctx.t("• 工作日：", "• work days: ") + _fmt(user_setting(s, u.id, "work_days")),
             ctx.t("• 工作时间：", "• work hours: ") + _fmt(user_setting(s, u.id, "work_hours")),
             ctx.t("• 午休：", "• lunch: ") + _fmt(user_setting(s, u.id, "lunch")),
             ctx.t("• 面试时段：", "• interview hours: ") +
             describe_hours(user_setting(s, u.id, "interview_hours") or {}),
             ctx.t("• 上限：", "• caps: ") +
             describe_caps(user_setting(s, u.id, "interview_caps") or {})]
    if role_allows(u.role, "admin"):
        lines.append(ctx.t("全局设置：「设置 全局」", "Organisation settings: “settings org”"))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return describe_caps(value) if "week" in value else describe_hours(value)
    return str(value)
