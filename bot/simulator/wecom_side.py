"""WeCom's side of the callback: build each message or event exactly as WeCom does, seal it
with the app's Token and EncodingAESKey, and POST it to /wecom/callback."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

import httpx

from bot.inbound import dedupe_key, parse_message
from config.settings import Settings
from crypto import WeComCrypto

# post(query, body) -> HTTP status of /wecom/callback
PostFn = Callable[[dict[str, str], bytes], int]


class CallbackRefused(RuntimeError):
    """/wecom/callback did not take the message in (its HTTP status is in `.status`)."""

    def __init__(self, status: int):
        super().__init__(f"/wecom/callback answered HTTP {status}")
        self.status = status


def cdata(value: str) -> str:
    """A CDATA section holding any text (a "]]>" inside is split across two sections)."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def http_poster(callback_url: str, timeout: float = 10.0) -> PostFn:
    """POST over real HTTP, as WeCom does."""
    def post(query: dict[str, str], body: bytes) -> int:
        resp = httpx.post(callback_url, params=query, content=body, timeout=timeout,
                          headers={"Content-Type": "text/xml"})
        return resp.status_code
    return post


def own_server_poster(timeout: float = 10.0) -> PostFn:
    """POST over real HTTP to the server handling the current request, via loopback."""
    def post(query: dict[str, str], body: bytes) -> int:
        from flask import request

        port = request.environ.get("SERVER_PORT", "80")
        return http_poster(f"http://127.0.0.1:{port}/wecom/callback", timeout)(query, body)
    return post


def client_poster(client: object) -> PostFn:
    """POST through a Flask test client (the terminal simulator)."""
    def post(query: dict[str, str], body: bytes) -> int:
        resp = client.post("/wecom/callback", query_string=query,  # type: ignore[attr-defined]
                           data=body, content_type="text/xml")
        return int(resp.status_code)
    return post


class WeComSide:
    """Sends members' messages and events to the bot the way WeCom's servers do."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime], post: PostFn):
        self.settings, self.clock, self._post = settings, clock, post
        self.crypto = WeComCrypto(settings.token, settings.encoding_aes_key, settings.corp_id,
                                  clock=lambda: clock().timestamp())

    def xml(self, user: str, msg_type: str, fields: dict[str, str]) -> str:
        """The decrypted XML WeCom would send for one message or event."""
        inner = "".join(f"<{k}>{cdata(v)}</{k}>" for k, v in fields.items())
        return (f"<xml><ToUserName>{cdata(self.settings.corp_id)}</ToUserName>"
                f"<FromUserName>{cdata(user)}</FromUserName>"
                f"<CreateTime>{int(self.clock().timestamp())}</CreateTime>"
                f"<MsgType>{cdata(msg_type)}</MsgType>{inner}"
                f"<AgentID>{self.settings.agent_id}</AgentID></xml>")

    def send_xml(self, plaintext: str) -> str:
        """Seal and POST one plaintext message; returns the bot's dedupe key for it."""
        body, query = self.crypto.seal_callback(
            plaintext, nonce=str(secrets.randbelow(10**10)),
            timestamp=str(int(self.clock().timestamp())), agent_id=str(self.settings.agent_id))
        status = self._post(query, body)
        if status != 200:
            raise CallbackRefused(status)
        return dedupe_key(parse_message(plaintext))

    def text(self, user: str, content: str) -> str:
        """A text message typed by `user`."""
        # MsgId is WeCom's dedupe key: random 63-bit, so a restarted demo never repeats one.
        msg_id = str(secrets.randbits(63) | 1 << 62)
        return self.send_xml(self.xml(user, "text", {"Content": content, "MsgId": msg_id}))

    def click(self, user: str, key: str) -> str:
        """A press on an app menu entry whose EventKey is `key`."""
        return self.send_xml(self.xml(user, "event", {"Event": "click", "EventKey": key}))

    def enter(self, user: str) -> str:
        """`user` opens the app (enter_agent)."""
        return self.send_xml(self.xml(user, "event", {"Event": "enter_agent", "EventKey": ""}))

    def card_button(self, user: str, key: str, *, task_id: str, card_type: str,
                    response_code: str) -> str:
        """A press on a template card's button."""
        return self.send_xml(self.xml(user, "event", {
            "Event": "template_card_event", "EventKey": key, "TaskId": task_id,
            "CardType": card_type, "ResponseCode": response_code}))
