"""A small WeCom API client on httpx: one pooled connection set, an injectable transport."""
from __future__ import annotations

import json
from typing import Any

import httpx

from bot.diagnose import network_cause
from bot.wecom.errors import TOKEN_INVALID, ApiError, TransportError
from bot.wecom.token import TokenStore


class WeComClient:
    """Calls the WeCom server API with the app's access_token; retries once on a dead token."""

    def __init__(self, *, api_base: str, corp_id: str, secret: str,
                 transport: httpx.BaseTransport | None = None, timeout: float = 5.0,
                 max_connections: int = 16):
        self.corp_id, self._secret = corp_id, secret
        self.tokens: TokenStore | None = None
        self.http = httpx.Client(
            base_url=api_base.rstrip("/") + "/cgi-bin/", transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=max_connections))

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def _request(self, method: str, path: str, *, params: dict[str, str] | None = None,
                 body: dict[str, Any] | None = None) -> dict[str, Any]:
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"} if content else None
        try:
            resp = self.http.request(method, path, params=params, content=content,
                                     headers=headers)
        except httpx.TimeoutException as exc:
            raise TransportError(f"{path}: timeout ({type(exc).__name__})",
                                 network_cause(exc)) from None
        except httpx.HTTPError as exc:
            raise TransportError(f"{path}: {type(exc).__name__}", network_cause(exc)) from None
        if resp.status_code >= 500 or resp.status_code == 429:
            raise TransportError(f"{path}: HTTP {resp.status_code}")
        try:
            data = resp.json()
        except ValueError:
            raise TransportError(f"{path}: HTTP {resp.status_code}, not JSON") from None
        if not isinstance(data, dict):
            raise TransportError(f"{path}: unexpected answer")
        errcode = int(data.get("errcode", 0) or 0)
        if errcode != 0:
            raise ApiError(errcode, str(data.get("errmsg", "")), path)
        return data

    def gettoken(self) -> tuple[str, int]:
        """Call gettoken; returns (access_token, expires_in)."""
        data = self._request("GET", "gettoken",
                             params={"corpid": self.corp_id, "corpsecret": self._secret})
        return str(data["access_token"]), int(data.get("expires_in", 7200))

    def call(self, method: str, path: str, *, params: dict[str, str] | None = None,
             body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call an API with the access_token; on 40014/42001 refresh once and retry once."""
        assert self.tokens is not None, "WeComClient.tokens is not set"
        token = self.tokens.get()
        try:
            return self._request(method, path, params={**(params or {}), "access_token": token},
                                 body=body)
        except ApiError as exc:
            if exc.errcode not in TOKEN_INVALID:
                raise
            self.tokens.invalidate(token)
        token = self.tokens.get()
        return self._request(method, path, params={**(params or {}), "access_token": token},
                             body=body)

    def post_url(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to an absolute WeCom URL (an intelligent bot's response_url), no token.

        Only WeCom's own API host is accepted: the URL came from a callback, and we never let a
        callback make us POST somewhere else.
        """
        if httpx.URL(url).host != self.http.base_url.host:
            raise ApiError(-2, f"response_url host {httpx.URL(url).host!r} is not WeCom's",
                           "response_url")
        return self._request("POST", url, body=body)

    def send_message(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST message/send."""
        return self.call("POST", "message/send", body=body)

    def appchat_send(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST appchat/send."""
        return self.call("POST", "appchat/send", body=body)

    def get_user(self, userid: str) -> dict[str, Any]:
        """GET user/get for one member."""
        return self.call("GET", "user/get", params={"userid": userid})
