"""Validation of message bodies and recipients shared by message/send and appchat/send."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .state import Config, Directory

SEND_TYPES = frozenset(
    {"text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown",
     "miniprogram_notice", "template_card"}
)
APPCHAT_TYPES = frozenset(
    {"text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown"}
)
CARD_TYPES = frozenset(
    {"text_notice", "news_notice", "button_interaction", "vote_interaction",
     "multiple_interaction"}
)
INTERACTIVE_CARDS = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})
MAX_CONTENT_BYTES = 2048
MAX_USERS = 1000
# Byte limits of §6.3 for the structured types.
FIELD_LIMITS: dict[str, dict[str, int]] = {
    "textcard": {"title": 128, "description": 512, "url": 2048},
    "article": {"title": 128, "description": 512},
}


def message_type(body: Mapping[str, Any], allowed: frozenset[str]) -> str:
    """Return the msgtype if this endpoint accepts it."""
    msgtype = body.get("msgtype")
    if not isinstance(msgtype, str) or msgtype not in allowed:
        raise ApiError(40008, f"msgtype {msgtype!r} is not accepted here")
    return msgtype


def extract_content(body: Mapping[str, Any], msgtype: str) -> str:
    """Return the recorded content: the text itself, or the type's object as JSON."""
    payload = body.get(msgtype)
    if msgtype in ("text", "markdown"):
        return _text_content(payload)
    if not isinstance(payload, dict) or not payload:
        raise ApiError(44004, f"missing {msgtype} object")
    _check_structured(msgtype, payload)
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def _text_content(payload: Any) -> str:
    content = payload.get("content") if isinstance(payload, dict) else None
    if not isinstance(content, str) or not content:
        raise ApiError(44004)
    size = len(content.encode("utf-8"))
    if size > MAX_CONTENT_BYTES:
        raise ApiError(45002, f"content is {size} bytes, the limit is {MAX_CONTENT_BYTES}")
    return content


def _check_structured(msgtype: str, payload: dict[str, Any]) -> None:
    if msgtype == "textcard":
        _check_fields("textcard", payload)
    elif msgtype == "news":
        articles = payload.get("articles")
        if not isinstance(articles, list) or not 1 <= len(articles) <= 8:
            raise ApiError(40058, "news needs 1 to 8 articles")
        for article in articles:
            _check_fields("article", article if isinstance(article, dict) else {})
    elif msgtype == "template_card" and payload.get("card_type") not in CARD_TYPES:
        raise ApiError(40058, f"unknown card_type {payload.get('card_type')!r}")


def _check_fields(kind: str, payload: Mapping[str, Any]) -> None:
    for name, limit in FIELD_LIMITS[kind].items():
        size = len(str(payload.get(name, "")).encode("utf-8"))
        if size > limit:
            raise ApiError(45002, f"{kind}.{name} is {size} bytes, the limit is {limit}")


def check_agentid(config: Config, body: Mapping[str, Any]) -> None:
    """Require the app's agentid (SDKs send it as an int or a digit string)."""
    agentid = body.get("agentid")
    if agentid is None or agentid == "":
        raise ApiError(41011)
    try:
        value = int(agentid)
    except (TypeError, ValueError):
        raise ApiError(40056, f"agentid {agentid!r}") from None
    if value != config.agent_id:
        raise ApiError(40056, f"agentid {agentid!r}")


@dataclass
class Recipients:
    """Who a message/send reaches and which ids WeCom reports as invalid."""

    users: list[str] = field(default_factory=list)
    invalid_users: list[str] = field(default_factory=list)
    invalid_parties: list[str] = field(default_factory=list)
    invalid_tags: list[str] = field(default_factory=list)

    def response_fields(self) -> dict[str, str]:
        """Return invaliduser/invalidparty/invalidtag, only those that are non-empty."""
        fields = {
            "invaliduser": "|".join(self.invalid_users),
            "invalidparty": "|".join(self.invalid_parties),
            "invalidtag": "|".join(self.invalid_tags),
        }
        return {key: value for key, value in fields.items() if value}


def resolve_recipients(directory: Directory, body: Mapping[str, Any]) -> Recipients:
    """Split touser/toparty/totag into deliverable members and invalid ids."""
    touser, toparty, totag = (_id_list(body, key) for key in ("touser", "toparty", "totag"))
    if not (touser or toparty or totag):
        raise ApiError(40058, "touser, toparty and totag are all empty")
    if len(touser) > MAX_USERS:
        raise ApiError(40058, f"touser has {len(touser)} ids, the limit is {MAX_USERS}")
    result = _resolve_users(directory, touser)
    # The fake has no departments or tags, so every party and tag id is reported invalid.
    result.invalid_parties = toparty
    result.invalid_tags = totag
    if not result.users:
        raise ApiError(81013)
    return result


def _id_list(body: Mapping[str, Any], key: str) -> list[str]:
    value = body.get(key, "")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ApiError(40058, f"{key} must be a '|'-separated string")
    return [part.strip() for part in value.split("|") if part.strip()]


def _resolve_users(directory: Directory, touser: list[str]) -> Recipients:
    if "@all" in touser:
        # An open directory cannot enumerate members, so it records one "@all" entry.
        return Recipients(users=["@all"] if directory.open else directory.members())
    result = Recipients()
    seen: set[str] = set()
    for userid in touser:
        canonical = directory.resolve(userid)
        if canonical is None:
            result.invalid_users.append(userid.lower())  # §6.3: returned lower-cased
        elif canonical.lower() not in seen:
            seen.add(canonical.lower())
            result.users.append(canonical)
    return result
