"""The /_fake/ control API, so tests and benchmarks in other processes can drive the fake."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import ApiError, ok_payload
from .records import ApiRequest

if TYPE_CHECKING:
    from .core import FakeWeCom

PREFIX = "/_fake/"


def handle(fake: FakeWeCom, method: str, name: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """Serve one control request; errors are HTTP 400 so harnesses notice them."""
    route = CONTROL_ROUTES.get(name.strip("/"))
    if route is None:
        return 404, {"errcode": 404, "errmsg": "not found"}
    expected, action = route
    if method != expected:
        return 405, {"errcode": 405, "errmsg": f"use {expected}"}
    try:
        return 200, action(fake, ApiRequest(method, name, {}, body))
    except ApiError as exc:
        return 400, exc.payload()


def _state(fake: FakeWeCom, req: ApiRequest) -> dict[str, Any]:
    return ok_payload(**fake.snapshot())


def _fail(fake: FakeWeCom, req: ApiRequest) -> dict[str, Any]:
    data = req.json()
    path, times = data.get("path"), data.get("times", 1)
    errcode, status = data.get("errcode"), data.get("status")
    if not isinstance(path, str) or times is None or not _int_or_none(times):
        raise ApiError(40058, "path (string) and times (integer) are required")
    if not (_int_or_none(errcode) and _int_or_none(status)):
        raise ApiError(40058, "errcode and status must be integers")
    try:
        fake.fail_next(path, times, errcode=errcode, status=status,
                       timeout=bool(data.get("timeout", False)))
    except ValueError as exc:
        raise ApiError(40058, str(exc)) from None
    return ok_payload()


def _int_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _expire_tokens(fake: FakeWeCom, req: ApiRequest) -> dict[str, Any]:
    fake.expire_tokens()
    return ok_payload()


def _reset(fake: FakeWeCom, req: ApiRequest) -> dict[str, Any]:
    fake.reset()
    return ok_payload()


def _users(fake: FakeWeCom, req: ApiRequest) -> dict[str, Any]:
    data = req.json()
    if not all(isinstance(k, str) and k and isinstance(v, str) for k, v in data.items()):
        raise ApiError(40058, "expected a JSON object of userid -> name")
    fake.add_users(data)
    return ok_payload()


def _calendar(fake: FakeWeCom, req: ApiRequest) -> dict[str, Any]:
    data = req.json()
    user, start, end = data.get("user"), data.get("start"), data.get("end")
    if not isinstance(user, str) or not _int_or_none(start) or not _int_or_none(end) \
            or start is None or end is None:
        raise ApiError(40058, "user (string), start and end (unix seconds) are required")
    return ok_payload(items=fake.calendar_of(user, start, end))


def _respond(fake: FakeWeCom, req: ApiRequest) -> dict[str, Any]:
    data = req.json()
    sid, user, status = data.get("schedule_id"), data.get("user"), data.get("status")
    if sid not in fake.schedules or not isinstance(user, str) or status not in (1, 2, 4):
        raise ApiError(40058, "schedule_id (an event), user and status (1, 2 or 4) are required")
    fake.respond(sid, user, status)
    return ok_payload(callbacks=[[u, f] for u, f in fake.take_callbacks()])


CONTROL_ROUTES: dict[str, tuple[str, Callable[[FakeWeCom, ApiRequest], dict[str, Any]]]] = {
    "state": ("GET", _state),
    "fail": ("POST", _fail),
    "expire_tokens": ("POST", _expire_tokens),
    "reset": ("POST", _reset),
    "users": ("POST", _users),
    "calendar": ("POST", _calendar),
    "respond": ("POST", _respond),
}
