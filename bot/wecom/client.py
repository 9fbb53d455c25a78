"""A small WeCom API client on httpx: one pooled connection set, the token as an httpx.Auth.

Built in one place (bot.services.build):

    http = api_http(api_base, transport)           # the pool, the timeouts
    tokens = TokenStore(sessions, key, GetToken(http, corp_id, secret), clock)
    client = WeComClient(http, AccessTokenAuth(tokens))
"""
from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

import httpx

from bot.wecom.errors import TOKEN_INVALID, ApiError, TransportError
from bot.wecom.token import TokenStore


def api_http(api_base: str, transport: httpx.BaseTransport | None = None, *,
             timeout: float = 5.0, max_connections: int = 16) -> httpx.Client:
    """The connection pool every API call of a process shares."""
    return httpx.Client(
        base_url=api_base.rstrip("/") + "/cgi-bin/", transport=transport,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
        limits=httpx.Limits(max_connections=max_connections,
                            max_keepalive_connections=max_connections))


def call_json(http: httpx.Client, method: str, path: str, *,
              params: dict[str, str] | None = None, body: dict[str, Any] | None = None,
              auth: httpx.Auth | None = None) -> dict[str, Any]:
    """One API call; WeCom's answer as a dict, or ApiError / TransportError."""
    content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"} if content else None
    try:
        resp = http.request(method, path, params=params, content=content, headers=headers,
                            auth=auth)
    except httpx.TimeoutException as exc:
        raise TransportError(f"{path}: timeout ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise TransportError(f"{path}: {type(exc).__name__}") from None
    if resp.status_code >= 500 or resp.status_code == 429:
        raise TransportError(f"{path}: HTTP {resp.status_code}")
    data = _json(resp)
    if data is None:
        raise TransportError(f"{path}: HTTP {resp.status_code}, not a JSON object")
    errcode = _errcode(data)
    if errcode != 0:
        raise ApiError(errcode, str(data.get("errmsg", "")), path)
    return data


def _json(resp: httpx.Response) -> dict[str, Any] | None:
    try:
        data = resp.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _errcode(data: dict[str, Any] | None) -> int:
    try:
        return int((data or {}).get("errcode", 0) or 0)
    except (TypeError, ValueError):
        return -1


class GetToken:
    """The gettoken call itself: (access_token, expires_in) for the app's secret."""

    def __init__(self, http: httpx.Client, corp_id: str, secret: str):
        self.http, self.corp_id, self._secret = http, corp_id, secret

    def __call__(self) -> tuple[str, int]:
        data = call_json(self.http, "GET", "gettoken",
                         params={"corpid": self.corp_id, "corpsecret": self._secret})
        return str(data["access_token"]), int(data.get("expires_in", 7200))


class AccessTokenAuth(httpx.Auth):
    """Adds the app's access_token to a call; on 40014/42001 refreshes it once and resends."""

    requires_response_body = True

    def __init__(self, tokens: TokenStore):
        self.tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.tokens.get()                     # TokenUnavailable: the caller waits
        response = yield _with_token(request, token)
        if _errcode(_json(response)) in TOKEN_INVALID:
            self.tokens.invalidate(token)
            yield _with_token(request, self.tokens.get())


def _with_token(request: httpx.Request, token: str) -> httpx.Request:
    request.url = request.url.copy_set_param("access_token", token)
    return request


class WeComClient:
    """Calls the WeCom server API as the app."""

    def __init__(self, http: httpx.Client, auth: httpx.Auth):
        self.http, self.auth = http, auth

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def call(self, method: str, path: str, *, params: dict[str, str] | None = None,
             body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call an API with the app's access_token."""
        return call_json(self.http, method, path, params=params, body=body, auth=self.auth)

    def post_url(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to an absolute WeCom URL (an intelligent bot's response_url), no token.

        Only WeCom's own API host is accepted: the URL came from a callback, and we never let a
        callback make us POST somewhere else.
        """
        if httpx.URL(url).host != self.http.base_url.host:
            raise ApiError(-2, f"response_url host {httpx.URL(url).host!r} is not WeCom's",
                           "response_url")
        return call_json(self.http, "POST", url, body=body)

    def send_message(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST message/send."""
        return self.call("POST", "message/send", body=body)

    def appchat_send(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST appchat/send."""
        return self.call("POST", "appchat/send", body=body)

    def get_user(self, userid: str) -> dict[str, Any]:
        """GET user/get for one member."""
        return self.call("GET", "user/get", params={"userid": userid})
