"""The simulator's page and its small JSON API (under /simulator/)."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from bot.admin import set_role
from commands.context import ROLES
from devkit.simulator import history
from devkit.simulator.clock import OffsetClock, parse_step
from devkit.simulator.wecom_side import CallbackRefused

bp = Blueprint("simulator", __name__, url_prefix="/simulator", static_folder="static",
               static_url_path="/static")
_USERID = re.compile(r"[A-Za-z0-9_.@\-]{1,64}")
MAX_TEXT = 2000


def sim() -> Any:
    """The Simulator of the current app."""
    return current_app.extensions["simulator"]


def _error(status: int, message: str) -> ResponseReturnValue:
    return jsonify(error=message), status


def _clock_info() -> dict[str, Any]:
    clock = sim().services.clock
    now = clock()
    tz = sim().services.settings.tz
    return {"now": now.astimezone(tz).isoformat(), "tz": sim().services.settings.timezone,
            "adjustable": isinstance(clock, OffsetClock),
            "offset_seconds": clock.offset.total_seconds()
            if isinstance(clock, OffsetClock) else 0}


@bp.get("/")
def page() -> ResponseReturnValue:
    """The chat page (plain HTML, CSS and JS from static/)."""
    return bp.send_static_file("index.html")


@bp.get("/api/state")
def state() -> ResponseReturnValue:
    """Clock, members, menu and (with ?user=) that member's conversation."""
    s = sim()
    fake = s.link.state()
    userid = request.args.get("user", "").strip()
    chat = history.conversation(s.services.sessions, fake, userid, s.started_at) \
        if userid else []
    return jsonify(clock=_clock_info(), users=history.members(s.services.sessions, fake),
                   menu=[{"label": label, "key": key} for label, key in s.menu],
                   messages=chat, roles=list(ROLES))


@bp.get("/api/calendar")
def calendar() -> ResponseReturnValue:
    """A member's WeCom calendar for one day (?user=&day=YYYY-MM-DD, default today): the
    events and meetings the bot made, with the member's answer and the meeting links."""
    s = sim()
    userid = request.args.get("user", "").strip()
    if not _USERID.fullmatch(userid):
        return _error(400, "user: a WeCom userid")
    tz = s.services.settings.tz
    try:
        day = date.fromisoformat(request.args["day"]) if request.args.get("day") else \
            s.services.clock().astimezone(tz).date()
    except ValueError:
        return _error(400, "day: YYYY-MM-DD")
    start = datetime.combine(day, time(0), tzinfo=tz)
    items = s.link.calendar(userid, int(start.timestamp()),
                            int((start + timedelta(days=1)).timestamp()))
    for item in items:
        item["start"] = datetime.fromtimestamp(item["start"], tz).strftime("%H:%M")
        item["end"] = datetime.fromtimestamp(item["end"], tz).strftime("%H:%M")
        item["answer"] = RSVP_TEXT.get(item.pop("response_status", None), "")
    return jsonify(user=userid, day=day.isoformat(), items=items)


# attendees[].response_status as WeCom reports it, for the page.
RSVP_TEXT = {0: "未回复 no answer", 1: "待定 tentative", 2: "接受 accepted", 3: "接受 accepted",
             4: "拒绝 declined"}


@bp.post("/api/send")
def send() -> ResponseReturnValue:
    """One member's message, menu press, card button or app opening, sent as WeCom would."""
    body = request.get_json(silent=True) or {}
    userid = str(body.get("user", "")).strip().lower()
    kind = body.get("kind", "text")
    if not _USERID.fullmatch(userid):
        return _error(400, "choose a member first")
    side = sim().side
    try:
        if kind == "text":
            text = str(body.get("text", "")).strip()
            if not text or len(text) > MAX_TEXT:
                return _error(400, f"type 1 to {MAX_TEXT} characters")
            key = side.text(userid, text)
        elif kind == "click":
            key = side.click(userid, str(body.get("key", "")))
        elif kind == "enter":
            key = side.enter(userid)
        elif kind == "rsvp":   # an answer given in the WeCom calendar, not in the chat
            status = body.get("status")
            if status not in (2, 4):
                return _error(400, "status: 2 (accept) or 4 (decline)")
            try:
                answered = sim().link.respond(userid, str(body.get("schedule_id", "")), status)
            except ValueError as exc:
                return _error(400, str(exc))
            key = ""
            for user, fields in answered:
                key = side.send_xml(side.xml(user, "event", fields))
        elif kind == "button":
            key = side.card_button(userid, str(body.get("key", "")),
                                   task_id=str(body.get("task_id", "")),
                                   card_type=str(body.get("card_type", "")),
                                   response_code=str(body.get("response_code", "")))
        else:
            return _error(400, f"unknown kind {kind!r}")
    except CallbackRefused as exc:
        return _error(502, str(exc))
    return jsonify(key=key)


@bp.get("/api/group")
def group_history() -> ResponseReturnValue:
    """The group chat's messages (members' and the intelligent bot's), oldest first."""
    g = sim().group
    return jsonify(enabled=g.enabled, chatid=g.CHAT_ID, messages=g.history(),
                   hint="@面试助手 安排 张三 明天下午3点 面试官 李四")


@bp.post("/api/group")
def group_send() -> ResponseReturnValue:
    """A member types in the group; it goes to /wecom/aibot as WeCom's intelligent bot would."""
    body = request.get_json(silent=True) or {}
    userid = str(body.get("userid", body.get("user", ""))).strip().lower()
    text = str(body.get("text", "")).strip()
    if not _USERID.fullmatch(userid):
        return _error(400, "choose a member first")
    if not text or len(text) > MAX_TEXT:
        return _error(400, f"type 1 to {MAX_TEXT} characters")
    s = sim()
    if not s.group.enabled:
        return _error(409, "no intelligent bot configured (WECOM_AIBOT_TOKEN / "
                           "WECOM_AIBOT_ENCODING_AES_KEY)")
    names = {u["userid"]: u["name"] for u in history.members(s.services.sessions,
                                                              s.link.state())}
    try:
        reply = s.group.say(userid, names.get(userid, userid), text)
    except CallbackRefused as exc:
        return _error(502, str(exc))
    return jsonify(reply=reply, messages=s.group.history())


@bp.post("/api/users")
def add_user() -> ResponseReturnValue:
    """Add a member to the fake directory and give them a role (as an admin would)."""
    body = request.get_json(silent=True) or {}
    userid = str(body.get("userid", "")).strip().lower()
    name = str(body.get("name", "")).strip()[:64] or userid
    role = str(body.get("role", "interviewer"))
    if not _USERID.fullmatch(userid):
        return _error(400, "a userid is letters, digits and _ . @ - (e.g. zhangsan)")
    if role not in ROLES:
        return _error(400, f"role must be one of {', '.join(ROLES)}")
    s = sim()
    user, _ = set_role(s.services.sessions, userid, role, s.services.clock(), name)
    s.link.add_users({userid: name})
    return jsonify(userid=user.wecom_userid, name=user.name, role=user.role)


@bp.post("/api/clock")
def clock() -> ResponseReturnValue:
    """Move the demo clock forward ({"step": "+1h"}); the worker's ticks see it at once."""
    c = sim().services.clock
    if not isinstance(c, OffsetClock):
        return _error(409, "this server runs on the real clock; only the demo's can be moved")
    try:
        c.advance(parse_step(str((request.get_json(silent=True) or {}).get("step", ""))))
    except ValueError as exc:
        return _error(400, str(exc))
    return jsonify(clock=_clock_info())
