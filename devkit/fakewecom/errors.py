"""Error codes, error payloads and the exceptions used inside the fake WeCom server."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

# errmsg texts as WeCom returns them (protocol doc §6.2/§6.3 and the errcode table 90313).
ERRMSG: dict[int, str] = {
    -1: "system busy",
    0: "ok",
    40001: "invalid credential",
    40008: "invalid message type",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40033: "invalid charset. please check your request, if include \\uxxxx will create fail!",
    40056: "invalid agentid",
    40058: "invalid parameter",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "corpsecret missing",
    41009: "missing userid",
    41011: "missing agentid",
    42001: "access_token expired",
    43001: "require GET method",
    43002: "require POST method",
    44004: "empty content",
    45002: "content size out of limit",
    45009: "api freq out of limit",
    45033: "api concurrent out of limit",
    47001: "data format error",
    48002: "api forbidden",
    60011: "no privilege to access/modify contact/party/agent",
    60020: "not allow to access from your ip",
    60111: "userid not found",
    81013: "user & party & tag all invalid",
    86003: "chat not found",
}

# Real errmsgs end with this pointer, so clients must not compare errmsg exactly.
_MORE_INFO = "more info at https://open.work.weixin.qq.com/devtool/query?e={code}"


def errmsg(code: int, detail: str | None = None) -> str:
    """Return a realistic errmsg for an errcode, with an optional detail."""
    if code == 0:
        return "ok"
    text = ERRMSG.get(code, "unknown error")
    if detail:
        text = f"{text}: {detail}"
    return f"{text}, {_MORE_INFO.format(code=code)}"


def error_payload(code: int, detail: str | None = None) -> dict[str, Any]:
    """Return the JSON body of an API error."""
    return {"errcode": code, "errmsg": errmsg(code, detail)}


def ok_payload(**fields: object) -> dict[str, Any]:
    """Return the JSON body of a successful call with extra fields."""
    return {"errcode": 0, "errmsg": "ok", **fields}


def html_error_page(status: int) -> str:
    """Return the kind of HTML a gateway in front of the API serves on HTTP errors."""
    try:
        title = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        title = str(status)
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


class ApiError(Exception):
    """A WeCom errcode raised by a validator and answered as HTTP 200 JSON."""

    def __init__(self, code: int, detail: str | None = None) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail

    def payload(self) -> dict[str, Any]:
        """Return the JSON body for this error."""
        return error_payload(self.code, self.detail)


class InjectedFault(Exception):
    """Base of faults that an adapter, not the JSON layer, must render."""


class InjectedTimeout(InjectedFault):
    """The request must time out: MockTransport raises, the WSGI app stalls."""


class InjectedHTTPStatus(InjectedFault):
    """The request must fail with a non-200 HTTP status and an HTML body."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status
        self.html = html_error_page(status)
