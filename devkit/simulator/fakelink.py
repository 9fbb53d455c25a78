"""How the simulator reads what the fake WeCom API delivered: in-process, or over its
/_fake/ control API when the fake runs in another process."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from devkit.fakewecom import FakeWeCom


class FakeLink(Protocol):
    """What the simulator needs from the fake WeCom API."""

    def state(self) -> dict[str, Any]:
        """The fake's snapshot: delivered messages, card updates, …"""

    def add_users(self, users: Mapping[str, str]) -> None:
        """Tell the fake's directory about members (userid -> name)."""

    def calendar(self, userid: str, start: int, end: int) -> list[dict[str, Any]]:
        """A member's WeCom events and meetings overlapping [start, end)."""

    def respond(self, userid: str, schedule_id: str, status: int) -> list[tuple[str, Any]]:
        """A member answers an event in their calendar; returns the callbacks to send."""


class LocalFake:
    """A FakeWeCom in this process."""

    def __init__(self, fake: FakeWeCom):
        self.fake = fake

    def state(self) -> dict[str, Any]:
        return self.fake.snapshot()

    def add_users(self, users: Mapping[str, str]) -> None:
        self.fake.add_users(users)

    def calendar(self, userid: str, start: int, end: int) -> list[dict[str, Any]]:
        return self.fake.calendar_of(userid, start, end)

    def respond(self, userid: str, schedule_id: str, status: int) -> list[tuple[str, Any]]:
        if schedule_id not in self.fake.schedules:
            raise ValueError(f"no event {schedule_id!r}")
        self.fake.respond(schedule_id, userid, status)
        return self.fake.take_callbacks()


class RemoteFake:
    """A FakeWeCom served at `api_base` (its /_fake/ control API)."""

    def __init__(self, api_base: str, timeout: float = 5.0):
        self.base = api_base.rstrip("/") + "/_fake/"
        self.timeout = timeout

    def state(self) -> dict[str, Any]:
        resp = httpx.get(self.base + "state", timeout=self.timeout)
        resp.raise_for_status()
        return resp.json()  # type: ignore[no-any-return]

    def add_users(self, users: Mapping[str, str]) -> None:
        httpx.post(self.base + "users", json=dict(users), timeout=self.timeout).raise_for_status()

    def calendar(self, userid: str, start: int, end: int) -> list[dict[str, Any]]:
        resp = httpx.post(self.base + "calendar", json={"user": userid, "start": start,
                                                        "end": end}, timeout=self.timeout)
        resp.raise_for_status()
        return list(resp.json()["items"])

    def respond(self, userid: str, schedule_id: str, status: int) -> list[tuple[str, Any]]:
        resp = httpx.post(self.base + "respond", json={"user": userid, "schedule_id": schedule_id,
                                                       "status": status}, timeout=self.timeout)
        if resp.status_code == 400:
            raise ValueError(resp.json().get("errmsg", "refused"))
        resp.raise_for_status()
        return [(u, f) for u, f in resp.json()["callbacks"]]
