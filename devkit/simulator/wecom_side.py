"""WeCom's side of the callback: build each message or event exactly as WeCom does, seal it
with the app's Token and EncodingAESKey, and POST it to /wecom/callback."""
from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from datetime import datetime

import httpx

from bot.services import seconds
from bot.wecom.messages import callback_xml, dedupe_key, parse_message
from config.settings import Settings

# post(query, body) -> HTTP status of /wecom/callback
PostFn = Callable[[dict[str, str], bytes], int]


class CallbackRefused(RuntimeError):
    """/wecom/callback (or /wecom/aibot) did not take the message in (HTTP status in `.status`)."""

    def __init__(self, status: int, path: str = "/wecom/callback"):
        super().__init__(f"{path} answered HTTP {status}")
        self.status = status


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
        self.crypto = settings.app_crypto(seconds(clock))

    def xml(self, user: str, msg_type: str, fields: dict[str, str]) -> str:
        """The decrypted XML WeCom would send for one message or event."""
        return callback_xml(self.settings.corp_id, self.settings.agent_id, user, msg_type,
                            fields, int(self.clock().timestamp()))

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


# aibot_post(query, body) -> (HTTP status, response body) of /wecom/aibot
AibotPostFn = Callable[[dict[str, str], bytes], tuple[int, bytes]]


def http_aibot_poster(aibot_url: str, timeout: float = 10.0) -> AibotPostFn:
    """POST an intelligent-bot callback over real HTTP, as WeCom does."""
    def post(query: dict[str, str], body: bytes) -> tuple[int, bytes]:
        resp = httpx.post(aibot_url, params=query, content=body, timeout=timeout,
                          headers={"Content-Type": "application/json"})
        return resp.status_code, resp.content
    return post


def own_server_aibot_poster(timeout: float = 10.0) -> AibotPostFn:
    """POST to /wecom/aibot of the server handling the current request, via loopback."""
    def post(query: dict[str, str], body: bytes) -> tuple[int, bytes]:
        from flask import request

        port = request.environ.get("SERVER_PORT", "80")
        return http_aibot_poster(f"http://127.0.0.1:{port}/wecom/aibot", timeout)(query, body)
    return post


def client_aibot_poster(client: object) -> AibotPostFn:
    """POST an intelligent-bot callback through a Flask test client."""
    def post(query: dict[str, str], body: bytes) -> tuple[int, bytes]:
        resp = client.post("/wecom/aibot", query_string=query,  # type: ignore[attr-defined]
                           data=body, content_type="application/json")
        return int(resp.status_code), bytes(resp.data)
    return post


class AibotSide:
    """Sends group-chat messages to the intelligent bot the way WeCom's servers do, and opens
    its passive replies. The group's history lives here (in memory, like the chat window)."""

    AIBOT_ID = "AIBOTDEMO"
    CHAT_ID = "DEMOGROUP"

    def __init__(self, settings: Settings, clock: Callable[[], datetime], post: AibotPostFn):
        self.settings, self.clock, self._post = settings, clock, post
        self.crypto = settings.aibot_crypto(seconds(clock))
        self._lock = threading.Lock()
        self._history: list[dict[str, object]] = []

    @property
    def enabled(self) -> bool:
        """False when the app has no intelligent-bot Token and key."""
        return self.crypto is not None

    def history(self) -> list[dict[str, object]]:
        """The group's messages, oldest first (a copy)."""
        with self._lock:
            return [dict(m) for m in self._history]

    def payload(self, user: str, text: str) -> dict[str, object]:
        """The decrypted JSON WeCom would send for a group text message (the @ kept as typed)."""
        msgid = secrets.token_hex(16)
        code = secrets.token_urlsafe(24)
        return {"msgid": msgid, "aibotid": self.AIBOT_ID, "chatid": self.CHAT_ID,
                "chattype": "group", "from": {"userid": user},
                "response_url": f"{self.settings.api_base.rstrip('/')}"
                                f"/cgi-bin/aibot/response?response_code={code}",
                "msgtype": "text", "text": {"content": text}}

    def say(self, user: str, name: str, text: str) -> dict[str, object] | None:
        """`user` types `text` in the group; returns the bot's reply entry, or None if silent."""
        if self.crypto is None:
            raise CallbackRefused(404, "/wecom/aibot")
        payload = self.payload(user, text)
        nonce = str(secrets.randbelow(10**10))
        body, query = self.crypto.seal_callback_json(
            json.dumps(payload, ensure_ascii=False), nonce=nonce,
            timestamp=str(int(self.clock().timestamp())))
        with self._lock:   # one at a time, so the history keeps question-then-answer order
            status, answer = self._post(query, body)
            if status != 200:
                raise CallbackRefused(status, "/wecom/aibot")
            now = self.clock().timestamp()
            self._history.append({"from": "user", "userid": user, "name": name, "at": now,
                                  "kind": "text", "content": text,
                                  "msgid": payload["msgid"]})
            reply = self._open(answer)
            if reply is None:
                return None
            entry = {"from": "bot", "at": now, **reply}
            self._history.append(entry)
            return dict(entry)

    def _open(self, answer: bytes) -> dict[str, object] | None:
        """The passive reply's plaintext as a history entry (kind and content)."""
        if not answer.strip():
            return None
        assert self.crypto is not None
        env = json.loads(answer)
        plain = json.loads(self.crypto.open_json(
            json.dumps({"encrypt": env["encrypt"]}).encode(), env["msgsignature"],
            str(env["timestamp"]), env["nonce"]))
        kind = plain.get("msgtype", "")
        if kind == "stream":
            return {"kind": "markdown", "content": plain["stream"].get("content", "")}
        if kind in ("text", "markdown"):
            return {"kind": kind, "content": plain[kind].get("content", "")}
        return {"kind": str(kind or "unknown"), "content": json.dumps(plain, ensure_ascii=False)}
