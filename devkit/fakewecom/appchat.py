"""Handlers for the appchat/* endpoints (groups created by the app)."""

from __future__ import annotations

import re
from typing import Any

from .content import APPCHAT_TYPES, extract_content, message_type
from .errors import ApiError, ok_payload
from .records import ApiRequest, Chat, GroupMessage
from .state import Directory, State

CHATID_PATTERN = re.compile(r"[0-9a-zA-Z]{1,32}")
MAX_NAME_CHARS = 50
MIN_MEMBERS, MAX_MEMBERS = 2, 2000


def create(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST appchat/create: 2..2000 existing members, optional name, owner and chatid."""
    body = req.json()
    name = _name(body.get("name", ""))
    userlist = _members(state.directory, body.get("userlist"), "userlist")
    _check_size(userlist)
    owner = _owner(body.get("owner"), userlist, default=userlist[0])
    chatid = _new_chatid(state, body.get("chatid"))
    state.chats[chatid] = Chat(chatid, name, owner, userlist)
    return ok_payload(chatid=chatid)


def update(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST appchat/update: rename, change owner, add or remove members."""
    body = req.json()
    chat = _chat(state, body.get("chatid"))
    name = _name(body["name"]) if "name" in body else chat.name
    added = _members(state.directory, body.get("add_user_list", []), "add_user_list")
    removed = {u.lower() for u in _members(state.directory, body.get("del_user_list", []),
                                           "del_user_list")}
    kept = [u for u in chat.userlist if u.lower() not in removed]
    kept_keys = {u.lower() for u in kept}
    userlist = kept + [u for u in added if u.lower() not in kept_keys]
    if len(userlist) > MAX_MEMBERS:
        raise ApiError(40058, f"a group has at most {MAX_MEMBERS} members")
    owner = _owner(body.get("owner") or chat.owner, userlist, default=None)
    # Validate everything first so a rejected update changes nothing.
    chat.name, chat.owner, chat.userlist = name, owner, userlist
    return ok_payload()


def get(state: State, req: ApiRequest) -> dict[str, Any]:
    """GET appchat/get?chatid: the chat_info object."""
    return ok_payload(chat_info=_chat(state, req.query.get("chatid")).info())


def send(state: State, req: ApiRequest) -> dict[str, Any]:
    """POST appchat/send: record a group message to an existing chat."""
    body = req.json()
    chat = _chat(state, body.get("chatid"))
    msgtype = message_type(body, APPCHAT_TYPES)
    content = extract_content(body, msgtype)
    msgid = state.next_id("fake-chatmsg")
    state.group_messages.append(GroupMessage(chat.chatid, msgtype, content, body, msgid,
                                             state.now()))
    return ok_payload()


def _chat(state: State, chatid: Any) -> Chat:
    chat = state.chats.get(chatid) if isinstance(chatid, str) else None
    if chat is None:
        raise ApiError(86003, f"chatid {chatid!r}")
    return chat


def _name(name: Any) -> str:
    if not isinstance(name, str) or len(name) > MAX_NAME_CHARS:
        raise ApiError(40058, f"name must be a string of at most {MAX_NAME_CHARS} characters")
    return name


def _members(directory: Directory, userids: Any, field: str) -> list[str]:
    if not isinstance(userids, list) or not all(isinstance(u, str) for u in userids):
        raise ApiError(40058, f"{field} must be a list of userids")
    members: list[str] = []
    seen: set[str] = set()
    for userid in userids:
        canonical = directory.resolve(userid)
        if canonical is None:
            raise ApiError(60111, f"userid {userid!r} in {field}")
        if canonical.lower() not in seen:
            seen.add(canonical.lower())
            members.append(canonical)
    return members


def _check_size(userlist: list[str]) -> None:
    if not MIN_MEMBERS <= len(userlist) <= MAX_MEMBERS:
        raise ApiError(
            40058, f"userlist must have {MIN_MEMBERS} to {MAX_MEMBERS} members, got {len(userlist)}"
        )


def _owner(owner: Any, userlist: list[str], default: str | None) -> str:
    # The real API picks a random member when owner is omitted; the fake picks the first.
    if not owner and default is not None:
        return default
    match = next((u for u in userlist if isinstance(owner, str) and u.lower() == owner.lower()),
                 None)
    if match is None:
        raise ApiError(40058, f"owner {owner!r} must be a member of the group")
    return match


def _new_chatid(state: State, chatid: Any) -> str:
    if chatid in (None, ""):
        generated = state.next_id("fakechat").replace("-", "")
        while generated in state.chats:  # a caller may have chosen the same id
            generated = state.next_id("fakechat").replace("-", "")
        return generated
    if not isinstance(chatid, str) or not CHATID_PATTERN.fullmatch(chatid):
        raise ApiError(40058, "chatid must be 1 to 32 characters of [0-9a-zA-Z]")
    if chatid in state.chats:
        raise ApiError(40058, f"chatid {chatid!r} already exists")
    return chatid
