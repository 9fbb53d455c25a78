"""Records kept by the fake WeCom server and the parsed form of a request."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError


@dataclass(frozen=True)
class Delivered:
    """One app message to one member (a multi-recipient send yields one per member)."""

    touser: str
    msgtype: str
    content: str
    raw: dict[str, Any]
    msgid: str
    at: float
    response_code: str | None = None


@dataclass(frozen=True)
class GroupMessage:
    """One message posted to an appchat group."""

    chatid: str
    msgtype: str
    content: str
    raw: dict[str, Any]
    msgid: str
    at: float


@dataclass(frozen=True)
class RecordedRequest:
    """One API request as received (control requests are not recorded)."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes
    at: float


@dataclass
class Chat:
    """An appchat group created by the app."""

    chatid: str
    name: str
    owner: str
    userlist: list[str]
    chat_type: int = 0

    def info(self) -> dict[str, Any]:
        """Return the chat_info object of appchat/get."""
        return {
            "chatid": self.chatid,
            "name": self.name,
            "owner": self.owner,
            "userlist": list(self.userlist),
            "chat_type": self.chat_type,
        }


@dataclass(frozen=True)
class ApiRequest:
    """A request to /cgi-bin/<api> with the api name already split off."""

    method: str
    api: str
    query: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        """Parse the body as a UTF-8 JSON object, raising the errcodes WeCom uses."""
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(40033, "body is not UTF-8") from None
        try:
            data = json.loads(text)
        except ValueError:
            raise ApiError(47001, "body is not JSON") from None
        if not isinstance(data, dict):
            raise ApiError(47001, "body is not a JSON object")
        return data


@dataclass
class Fault:
    """An injected failure for the next `remaining` requests to one api."""

    remaining: int
    errcode: int | None = None
    status: int | None = None
    timeout: bool = False


@dataclass
class FaultQueue:
    """Faults per api name, consumed in the order they were added."""

    _queues: dict[str, deque[Fault]] = field(default_factory=dict)
    _lost: dict[str, int] = field(default_factory=dict)   # answers to drop after the effect

    def add_lost(self, api: str, times: int) -> None:
        """The next `times` calls to an api take effect but their answer is lost."""
        self._lost[api] = self._lost.get(api, 0) + times

    def take_lost(self, api: str) -> bool:
        """Consume one lost answer for an api, if any."""
        if self._lost.get(api, 0) <= 0:
            return False
        self._lost[api] -= 1
        return True

    def add(self, api: str, fault: Fault) -> None:
        """Queue a fault for an api."""
        self._queues.setdefault(api, deque()).append(fault)

    def take(self, api: str) -> Fault | None:
        """Consume one use of the oldest fault for an api, if any."""
        queue = self._queues.get(api)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return fault

    def clear(self) -> None:
        """Drop every pending fault."""
        self._queues.clear()
        self._lost.clear()
