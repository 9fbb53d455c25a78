"""Handlers for gettoken, user/get and the message/* endpoints."""

from __future__ import annotations

from typing import Any

from .content import (
    INTERACTIVE_CARDS,
    SEND_TYPES,
    check_agentid,
    extract_content,
    message_type,
    resolve_recipients,
)
from .errors import ApiError, ok_payload
from .records import ApiRequest, Delivered
from .state import DEFAULT_DUPLICATE_INTERVAL, MAX_DUPLICATE_INTERVAL, State

RECALL_WINDOW = 24 * 3600.0


def gettoken(state: State, req: ApiRequest) -> dict[str, Any]:
    """GET gettoken: issue a fresh token for the right corpid and secret."""
    corpid, secret = req.query.get("corpid"), req.query.get("corpsecret")
    if not corpid:
        raise ApiError(41002)
    if corpid != state.config.corp_id:
        raise ApiError(40013)
    if not secret:
        raise ApiError(41004)
    if secret != state.config.secret:
        raise ApiError(40001)
    return ok_payload(access_token=state.issue_token(), expires_in=int(state.config.token_ttl))


def user_get(state: State, req: ApiRequest) -> dict[str, Any]:
    """GET user/get: the basic fields of one member."""
    userid = req.query.get("userid")
    if not userid:
        raise ApiError(41009)
    canonical = state.directory.resolve(userid)
    if canonical is None:
        raise ApiError(60111, f"userid {userid!r}")
    name = state.directory.name(canonical)
    return ok_payload(userid=canonical, name=name, department=[1], status=1)


def send(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST message/send: validate, then deliver, drop or suppress per member."""
    body = req.json()
    check_agentid(state.config, body)
    msgtype = message_type(body, SEND_TYPES)
    content = extract_content(body, msgtype)
    recipients = resolve_recipients(state.directory, body)
    key = (str(body.get("touser", "")), str(body.get("toparty", "")),
           str(body.get("totag", "")), msgtype, content)
    earlier = _earlier_duplicate(state, body, key)
    if earlier is not None:
        state.suppressed_duplicates += 1
        return ok_payload(**recipients.response_fields(), msgid=earlier)
    response_code = _response_code(state, body, msgtype)
    msgid = state.next_id("fake-msg")
    for userid in recipients.users:
        entry = Delivered(userid, msgtype, content, body, msgid, state.now(), response_code)
        allowed = state.limiter.allow(userid, entry.at)
        refusal = None if allowed or state.corp_limits is None \
            else state.corp_limits.refuse_member("message/send")
        if refusal is not None:
            raise ApiError(refusal)
        (state.delivered if allowed else state.dropped).append(entry)
    state.duplicates.remember(key, state.now(), msgid)
    extra = {"response_code": response_code} if response_code else {}
    return ok_payload(**recipients.response_fields(), msgid=msgid, **extra)


def _earlier_duplicate(state: State, body: dict[str, Any], key: tuple[str, ...]) -> str | None:
    if not body.get("enable_duplicate_check"):
        return None
    interval = _duplicate_interval(body.get("duplicate_check_interval"))
    return state.duplicates.previous(key, state.now(), interval)


def _duplicate_interval(value: Any) -> float:
    if value is None or value == "":
        return DEFAULT_DUPLICATE_INTERVAL
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ApiError(40058, f"duplicate_check_interval {value!r}") from None
    if seconds <= 0:
        return DEFAULT_DUPLICATE_INTERVAL
    return min(seconds, MAX_DUPLICATE_INTERVAL)


def _response_code(state: State, body: dict[str, Any], msgtype: str) -> str | None:
    # Only interactive template cards get a response_code (§6.3).
    if msgtype != "template_card":
        return None
    if body["template_card"].get("card_type") not in INTERACTIVE_CARDS:
        return None
    return state.next_id("fake-rc")


def recall(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST message/recall: only messages sent within the last 24 hours."""
    msgid = req.json().get("msgid")
    if not isinstance(msgid, str) or not msgid:
        raise ApiError(40058, "msgid is required")
    sent_at = next((m.at for m in state.delivered + state.dropped if m.msgid == msgid), None)
    if sent_at is None:
        raise ApiError(40058, f"unknown msgid {msgid!r}")
    if state.now() - sent_at > RECALL_WINDOW:
        raise ApiError(40058, "only messages of the last 24 hours can be recalled")
    state.recalls.append(msgid)
    return ok_payload()


def update_template_card(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST message/update_template_card: each response_code works once."""
    body = req.json()
    check_agentid(state.config, body)
    code = body.get("response_code")
    if not isinstance(code, str) or not code:
        raise ApiError(40058, "response_code is required")
    if code in state.used_response_codes:
        raise ApiError(40058, "response_code has already been used")
    if not isinstance(body.get("button"), dict) and not isinstance(body.get("template_card"), dict):
        raise ApiError(40058, "either button or template_card is required")
    state.used_response_codes.add(code)
    state.card_updates.append(body)
    return ok_payload()
