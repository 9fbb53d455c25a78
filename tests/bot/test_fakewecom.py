"""Tests of the fake WeCom server API (devkit.fakewecom)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devkit.fakewecom import FakeWeCom, FakeWeComServer

BASE = "https://qyapi.weixin.qq.com"
CORP = "wwfakecorp0000001"
SECRET = "fake-secret"
AGENT = 1000002
USERS = {"alice": "Alice", "Bob": "鲍勃", "carol": "Carol"}


class Clock:
    """A settable clock for the fake."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeWeCom:
    return FakeWeCom(users=USERS, clock=clock)


@pytest.fixture
def client(fake: FakeWeCom) -> Iterator[httpx.Client]:
    with httpx.Client(transport=fake.transport(), base_url=BASE) as c:
        yield c


@pytest.fixture
def token(client: httpx.Client) -> str:
    return get_token(client)


@pytest.fixture
def server(fake: FakeWeCom) -> Iterator[FakeWeComServer]:
    with fake.serve() as srv:
        yield srv


def get_token(client: httpx.Client, corpid: str = CORP, secret: str = SECRET) -> str:
    data = client.get("/cgi-bin/gettoken", params={"corpid": corpid, "corpsecret": secret}).json()
    assert data["errcode"] == 0, data
    return data["access_token"]


def text_body(touser: str, content: str, **extra: Any) -> dict[str, Any]:
    return {"touser": touser, "msgtype": "text", "agentid": AGENT,
            "text": {"content": content}, **extra}


def send(client: httpx.Client, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/cgi-bin/message/send", params={"access_token": token}, json=body)
    assert response.status_code == 200
    return response.json()


def post(client: httpx.Client, api: str, token: str, body: Any) -> dict[str, Any]:
    response = client.post(f"/cgi-bin/{api}", params={"access_token": token}, json=body)
    assert response.status_code == 200
    return response.json()


# --- gettoken and tokens -----------------------------------------------------


def test_gettoken_issues_numbered_tokens_with_ttl(client: httpx.Client, fake: FakeWeCom) -> None:
    first = client.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET}).json()
    second = client.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET}).json()
    assert first == {"errcode": 0, "errmsg": "ok", "access_token": "fake-token-1",
                     "expires_in": 7200}
    assert second["access_token"] == "fake-token-2"
    assert fake.gettoken_calls == 2


@pytest.mark.parametrize(
    ("params", "errcode"),
    [
        ({"corpid": CORP, "corpsecret": "wrong"}, 40001),
        ({"corpid": "wwother", "corpsecret": SECRET}, 40013),
        ({"corpsecret": SECRET}, 41002),
        ({"corpid": CORP}, 41004),
    ],
)
def test_gettoken_rejects_bad_credentials(
    client: httpx.Client, fake: FakeWeCom, params: dict[str, str], errcode: int
) -> None:
    response = client.get("/cgi-bin/gettoken", params=params)
    data = response.json()
    assert response.status_code == 200
    assert data["errcode"] == errcode
    assert "access_token" not in data
    assert f"e={errcode}" in data["errmsg"]
    assert fake.gettoken_calls == 1  # failed calls count too


def test_token_expires_after_ttl(client: httpx.Client, token: str, clock: Clock) -> None:
    clock.advance(7199)
    assert send(client, token, text_body("alice", "still valid"))["errcode"] == 0
    clock.advance(1)
    assert send(client, token, text_body("alice", "too late"))["errcode"] == 42001
    assert send(client, get_token(client), text_body("alice", "refreshed"))["errcode"] == 0


def test_custom_token_ttl(clock: Clock) -> None:
    fake = FakeWeCom(token_ttl=60, clock=clock)
    with httpx.Client(transport=fake.transport(), base_url=BASE) as c:
        data = c.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET}).json()
        assert data["expires_in"] == 60
        clock.advance(60)
        assert send(c, data["access_token"], text_body("x", "hi"))["errcode"] == 42001


def test_unknown_and_missing_token(client: httpx.Client, fake: FakeWeCom) -> None:
    assert send(client, "not-a-token", text_body("alice", "hi"))["errcode"] == 40014
    response = client.post("/cgi-bin/message/send", json=text_body("alice", "hi"))
    assert response.json()["errcode"] == 41001
    assert fake.delivered == []


def test_expire_tokens_forces_refresh(client: httpx.Client, fake: FakeWeCom, token: str) -> None:
    fake.expire_tokens()
    assert send(client, token, text_body("alice", "hi"))["errcode"] == 42001
    assert send(client, get_token(client), text_body("alice", "hi"))["errcode"] == 0


# --- message/send --------------------------------------------------------------


def test_send_text_is_recorded(client: httpx.Client, fake: FakeWeCom, token: str,
                               clock: Clock) -> None:
    data = send(client, token, text_body("alice", "你好，面试在 3 点"))
    assert data == {"errcode": 0, "errmsg": "ok", "msgid": "fake-msg-1"}
    [entry] = fake.delivered
    assert (entry.touser, entry.msgtype, entry.content, entry.msgid, entry.at) == (
        "alice", "text", "你好，面试在 3 点", "fake-msg-1", clock.now)
    assert entry.raw["agentid"] == AGENT
    assert fake.messages_to("ALICE") == ["你好，面试在 3 点"]
    assert fake.messages_to("bob") == []
    last = fake.requests[-1]
    assert (last.method, last.path, last.query) == ("POST", "/cgi-bin/message/send",
                                                    {"access_token": token})
    assert "你好".encode() in last.body


def test_send_markdown_and_template_card(client: httpx.Client, fake: FakeWeCom,
                                         token: str) -> None:
    md = {"touser": "alice", "msgtype": "markdown", "agentid": AGENT,
          "markdown": {"content": "**加粗**"}}
    card = {"touser": "alice", "msgtype": "template_card", "agentid": str(AGENT),
            "template_card": {"card_type": "button_interaction", "main_title": {"title": "面试"},
                              "task_id": "t1"}}
    assert send(client, token, md)["errcode"] == 0
    card_reply = send(client, token, card)
    assert card_reply["errcode"] == 0
    assert card_reply["response_code"].startswith("fake-rc-")
    contents = fake.messages_to("alice")
    assert contents[0] == "**加粗**"
    assert json.loads(contents[1])["main_title"] == {"title": "面试"}
    assert fake.delivered[1].response_code == card_reply["response_code"]


def test_content_length_limit_counts_utf8_bytes(client: httpx.Client, fake: FakeWeCom,
                                                token: str) -> None:
    assert len(("面" * 683).encode()) == 2049
    assert send(client, token, text_body("alice", "面" * 682))["errcode"] == 0
    assert send(client, token, text_body("alice", "a" * 2048))["errcode"] == 0
    too_long = send(client, token, text_body("alice", "面" * 683))
    assert too_long["errcode"] == 45002
    md = {"touser": "alice", "msgtype": "markdown", "agentid": AGENT,
          "markdown": {"content": "a" * 2049}}
    assert send(client, token, md)["errcode"] == 45002
    assert len(fake.delivered) == 2


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        (text_body("alice", ""), 44004),
        ({"touser": "alice", "msgtype": "text", "agentid": AGENT}, 44004),
        (text_body("alice", "hi", msgtype="sms"), 40008),
        (text_body("alice", "hi", agentid=1000003), 40056),
        ({"touser": "alice", "msgtype": "text", "text": {"content": "hi"}}, 41011),
        (text_body("", "hi"), 40058),
        ({"touser": "alice", "msgtype": "template_card", "agentid": AGENT,
          "template_card": {"card_type": "nope"}}, 40058),
        ({"touser": "alice", "msgtype": "textcard", "agentid": AGENT,
          "textcard": {"title": "t" * 129, "description": "d", "url": "https://x"}}, 45002),
        ([1, 2], 47001),
    ],
)
def test_send_validation(client: httpx.Client, fake: FakeWeCom, token: str, body: Any,
                         errcode: int) -> None:
    assert post(client, "message/send", token, body)["errcode"] == errcode
    assert fake.delivered == []


@pytest.mark.parametrize(("raw", "errcode"), [(b"{not json", 47001), (b"\xff\xfe{}", 40033)])
def test_send_garbage_body(client: httpx.Client, token: str, raw: bytes, errcode: int) -> None:
    response = client.post("/cgi-bin/message/send", params={"access_token": token}, content=raw)
    assert response.status_code == 200
    assert response.json()["errcode"] == errcode


def test_invaliduser_partial_delivery(client: httpx.Client, fake: FakeWeCom, token: str) -> None:
    data = send(client, token, text_body("alice|Ghost|bob|NoBody|ALICE", "hi"))
    assert data["errcode"] == 0
    assert data["invaliduser"] == "ghost|nobody"
    assert [m.touser for m in fake.delivered] == ["alice", "Bob"]
    assert len({m.msgid for m in fake.delivered}) == 1


def test_all_recipients_invalid_is_81013(client: httpx.Client, fake: FakeWeCom,
                                         token: str) -> None:
    assert send(client, token, text_body("ghost|nobody", "hi"))["errcode"] == 81013
    party_only = {"toparty": "2", "msgtype": "text", "agentid": AGENT, "text": {"content": "x"}}
    assert send(client, token, party_only)["errcode"] == 81013
    assert fake.delivered == []


def test_open_directory_accepts_any_user_and_all(clock: Clock) -> None:
    fake = FakeWeCom(clock=clock)
    with httpx.Client(transport=fake.transport(), base_url=BASE) as c:
        token = get_token(c)
        assert "invaliduser" not in send(c, token, text_body("anyone|zhangsan", "hi"))
        assert fake.messages_to("zhangsan") == ["hi"]


def test_touser_all_reaches_every_member(client: httpx.Client, fake: FakeWeCom,
                                         token: str) -> None:
    assert send(client, token, text_body("@all", "公告"))["errcode"] == 0
    assert sorted(m.touser for m in fake.delivered) == ["Bob", "alice", "carol"]


def test_duplicate_check_suppresses_identical_send(client: httpx.Client, fake: FakeWeCom,
                                                   token: str, clock: Clock) -> None:
    body = text_body("alice", "提醒", enable_duplicate_check=1)
    first = send(client, token, body)
    clock.advance(1799)
    second = send(client, token, body)
    assert second["errcode"] == 0
    assert second["msgid"] == first["msgid"]
    assert fake.suppressed_duplicates == 1
    assert fake.messages_to("alice") == ["提醒"]
    send(client, token, text_body("alice", "另一条", enable_duplicate_check=1))
    clock.advance(1)
    send(client, token, body)  # the 1800 s window has passed
    assert fake.messages_to("alice") == ["提醒", "另一条", "提醒"]


def test_duplicate_check_interval_and_flag(client: httpx.Client, fake: FakeWeCom, token: str,
                                           clock: Clock) -> None:
    body = text_body("alice", "x", enable_duplicate_check=1, duplicate_check_interval=600)
    send(client, token, body)
    send(client, token, text_body("alice", "x"))  # no flag: delivered again
    clock.advance(600)
    send(client, token, body)
    assert fake.messages_to("alice") == ["x", "x", "x"]
    assert fake.suppressed_duplicates == 0


def test_per_member_minute_limit_drops_silently(client: httpx.Client, fake: FakeWeCom,
                                                token: str, clock: Clock) -> None:
    for i in range(30):
        assert send(client, token, text_body("alice", f"m{i}"))["errcode"] == 0
    clock.advance(59)
    extra = send(client, token, text_body("alice|bob", "m30"))
    assert extra["errcode"] == 0
    assert len(fake.messages_to("alice")) == 30
    assert [(m.touser, m.content) for m in fake.dropped] == [("alice", "m30")]
    assert fake.messages_to("bob") == ["m30"]  # the limit is per member
    clock.advance(1)
    send(client, token, text_body("alice", "after a minute"))
    assert fake.messages_to("alice")[-1] == "after a minute"


def test_per_member_hour_limit(fake: FakeWeCom, clock: Clock) -> None:
    _, token_reply = fake.handle("GET", "/cgi-bin/gettoken",
                                 {"corpid": CORP, "corpsecret": SECRET}, b"")
    query = {"access_token": token_reply["access_token"]}

    def send_direct(content: str) -> None:
        body = json.dumps(text_body("alice", content)).encode()
        assert fake.handle("POST", "/cgi-bin/message/send", query, body)[1]["errcode"] == 0

    for minute in range(34):  # 30 a minute stays under the minute limit
        for i in range(30):
            send_direct(f"{minute}-{i}")
        clock.advance(60)
    assert len(fake.messages_to("alice")) == 1000
    assert [m.content for m in fake.dropped][:1] == ["33-10"]
    assert len(fake.dropped) == 20
    clock.advance(3600 - 34 * 60)  # the first minute's messages leave the hour window
    send_direct("later")
    assert fake.messages_to("alice")[-1] == "later"


# --- recall, template cards, user/get ----------------------------------------------


def test_recall_and_update_template_card(client: httpx.Client, fake: FakeWeCom, token: str,
                                         clock: Clock) -> None:
    msgid = send(client, token, text_body("alice", "oops"))["msgid"]
    assert post(client, "message/recall", token, {"msgid": msgid})["errcode"] == 0
    assert post(client, "message/recall", token, {"msgid": "nope"})["errcode"] == 40058
    old = send(client, token, text_body("alice", "old"))["msgid"]
    clock.advance(24 * 3600 + 1)
    token = get_token(client)
    assert post(client, "message/recall", token, {"msgid": old})["errcode"] == 40058
    assert fake.recalls == [msgid]
    update = {"userids": ["alice"], "agentid": AGENT, "response_code": "RC1",
              "button": {"replace_name": "已处理"}}
    assert post(client, "message/update_template_card", token, update)["errcode"] == 0
    assert post(client, "message/update_template_card", token, update)["errcode"] == 40058
    assert fake.card_updates == [update]


def test_user_get(client: httpx.Client, token: str) -> None:
    data = client.get("/cgi-bin/user/get", params={"access_token": token, "userid": "bob"}).json()
    assert data == {"errcode": 0, "errmsg": "ok", "userid": "Bob", "name": "鲍勃",
                    "department": [1], "status": 1}
    unknown = client.get("/cgi-bin/user/get", params={"access_token": token, "userid": "zz"})
    assert unknown.json()["errcode"] == 60111
    missing = client.get("/cgi-bin/user/get", params={"access_token": token})
    assert missing.json()["errcode"] == 41009


def test_user_get_open_directory_and_added_users(clock: Clock) -> None:
    fake = FakeWeCom(clock=clock)
    with httpx.Client(transport=fake.transport(), base_url=BASE) as c:
        token = get_token(c)
        params = {"access_token": token, "userid": "lisi"}
        assert c.get("/cgi-bin/user/get", params=params).json()["name"] == "lisi"
        fake.add_users({"lisi": "李四"})
        assert c.get("/cgi-bin/user/get", params=params).json()["name"] == "李四"


def test_unknown_path_and_wrong_method(client: httpx.Client, token: str) -> None:
    response = client.get("/cgi-bin/nope", params={"access_token": token})
    assert (response.status_code, response.json()) == (404, {"errcode": 404,
                                                             "errmsg": "not found"})
    wrong = client.get("/cgi-bin/message/send", params={"access_token": token})
    assert wrong.json()["errcode"] == 43002


# --- appchat -----------------------------------------------------------------------


def test_appchat_create_get_send_update(client: httpx.Client, fake: FakeWeCom,
                                        token: str) -> None:
    created = post(client, "appchat/create", token,
                   {"name": "面试小组", "owner": "alice", "userlist": ["alice", "bob"]})
    chatid = created["chatid"]
    assert created["errcode"] == 0 and chatid.isalnum()
    info = client.get("/cgi-bin/appchat/get",
                      params={"access_token": token, "chatid": chatid}).json()["chat_info"]
    assert info == {"chatid": chatid, "name": "面试小组", "owner": "alice",
                    "userlist": ["alice", "Bob"], "chat_type": 0}
    msg = {"chatid": chatid, "msgtype": "text", "text": {"content": "大家好"}}
    assert post(client, "appchat/send", token, msg)["errcode"] == 0
    assert fake.messages_in(chatid) == ["大家好"]
    assert fake.group_messages[0].chatid == chatid
    assert fake.delivered == []  # group messages are kept apart
    update = {"chatid": chatid, "name": "新名字", "add_user_list": ["carol"],
              "del_user_list": ["bob"]}
    assert post(client, "appchat/update", token, update)["errcode"] == 0
    assert fake.chats[chatid]["userlist"] == ["alice", "carol"]
    assert fake.chats[chatid]["name"] == "新名字"


def test_appchat_given_chatid(client: httpx.Client, token: str) -> None:
    body = {"userlist": ["alice", "bob"], "chatid": "room42"}
    assert post(client, "appchat/create", token, body) == {"errcode": 0, "errmsg": "ok",
                                                            "chatid": "room42"}
    assert post(client, "appchat/create", token, body)["errcode"] == 40058
    bad = {"userlist": ["alice", "bob"], "chatid": "bad-id"}
    assert post(client, "appchat/create", token, bad)["errcode"] == 40058


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"userlist": ["alice"]}, 40058),
        ({"userlist": ["alice", "ALICE"]}, 40058),
        ({"name": "名" * 51, "userlist": ["alice", "bob"]}, 40058),
        ({"userlist": ["alice", "ghost"]}, 60111),
        ({"userlist": ["alice", "bob"], "owner": "carol"}, 40058),
        ({"userlist": "alice|bob"}, 40058),
    ],
)
def test_appchat_create_errors(client: httpx.Client, fake: FakeWeCom, token: str,
                               body: dict[str, Any], errcode: int) -> None:
    data = post(client, "appchat/create", token, body)
    assert data["errcode"] == errcode
    assert fake.chats == {}


def test_appchat_unknown_chat_and_bad_type(client: httpx.Client, fake: FakeWeCom,
                                           token: str) -> None:
    msg = {"chatid": "nochat", "msgtype": "text", "text": {"content": "hi"}}
    assert post(client, "appchat/send", token, msg)["errcode"] == 86003
    get = client.get("/cgi-bin/appchat/get", params={"access_token": token, "chatid": "nochat"})
    assert get.json()["errcode"] == 86003
    chatid = post(client, "appchat/create", token, {"userlist": ["alice", "bob"]})["chatid"]
    card = {"chatid": chatid, "msgtype": "template_card",
            "template_card": {"card_type": "text_notice"}}
    assert post(client, "appchat/send", token, card)["errcode"] == 40008
    assert fake.group_messages == []


# --- fault injection ----------------------------------------------------------------


def test_fail_next_errcode_then_recovers(client: httpx.Client, fake: FakeWeCom,
                                         token: str) -> None:
    fake.fail_next("message/send", 2, errcode=45009)
    fake.fail_next("/cgi-bin/message/send", errcode=60020)
    results = [send(client, token, text_body("alice", f"try{i}")) for i in range(4)]
    assert [r["errcode"] for r in results] == [45009, 45009, 60020, 0]
    assert results[0]["errmsg"].startswith("api freq out of limit")
    assert results[2]["errmsg"].startswith("not allow to access from your ip")
    assert fake.messages_to("alice") == ["try3"]
    assert len(fake.requests) == 5  # gettoken + 4 sends


def test_fail_next_defaults_to_system_busy_and_is_per_path(client: httpx.Client,
                                                          fake: FakeWeCom, token: str) -> None:
    fake.fail_next("gettoken")
    data = client.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET}).json()
    assert data["errcode"] == -1 and data["errmsg"].startswith("system busy")
    assert send(client, token, text_body("alice", "hi"))["errcode"] == 0


def test_fail_next_status_returns_html(client: httpx.Client, fake: FakeWeCom, token: str) -> None:
    fake.fail_next("message/send", status=502)
    response = client.post("/cgi-bin/message/send", params={"access_token": token},
                           json=text_body("alice", "hi"))
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text
    assert fake.delivered == []


def test_fail_next_timeout_raises_in_mock_transport(client: httpx.Client, fake: FakeWeCom,
                                                    token: str) -> None:
    fake.fail_next("message/send", timeout=True)
    with pytest.raises(httpx.ReadTimeout):
        send(client, token, text_body("alice", "hi"))
    assert fake.delivered == []
    assert send(client, token, text_body("alice", "again"))["errcode"] == 0


def test_fail_next_rejects_bad_arguments(fake: FakeWeCom) -> None:
    with pytest.raises(ValueError):
        fake.fail_next("message/send", errcode=-1, timeout=True)
    with pytest.raises(ValueError):
        fake.fail_next("message/nope")
    with pytest.raises(ValueError):
        fake.fail_next("message/send", times=0)


def test_async_client_works_with_transport(fake: FakeWeCom) -> None:
    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=fake.transport(), base_url=BASE) as c:
            response = await c.get("/cgi-bin/gettoken",
                                   params={"corpid": CORP, "corpsecret": SECRET})
            return response.json()

    assert asyncio.run(run())["access_token"] == "fake-token-1"


# --- wait_for and reset ---------------------------------------------------------


def test_wait_for_wakes_on_delivery(client: httpx.Client, fake: FakeWeCom, token: str) -> None:
    def later() -> None:
        time.sleep(0.05)
        send(client, token, text_body("alice", "async hello"))

    thread = threading.Thread(target=later)
    thread.start()
    assert fake.wait_for(lambda: fake.messages_to("alice") == ["async hello"], timeout=5)
    thread.join()
    assert not fake.wait_for(lambda: len(fake.delivered) > 1, timeout=0.1)


def test_reset_keeps_tokens_and_users(client: httpx.Client, fake: FakeWeCom, token: str) -> None:
    send(client, token, text_body("alice", "hi"))
    fake.fail_next("message/send", errcode=-1)
    fake.reset()
    assert (fake.delivered, fake.requests, fake.gettoken_calls) == ([], [], 0)
    assert send(client, token, text_body("bob", "after reset"))["errcode"] == 0
    assert fake.messages_to("bob") == ["after reset"]


# --- the real HTTP server and control API ---------------------------------------------


def test_real_server_gettoken_and_send(server: FakeWeComServer, fake: FakeWeCom) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=server.url) as c:
        token = get_token(c)
        data = send(c, token, text_body("alice|ghost", "真实 HTTP"))
        assert data["invaliduser"] == "ghost"
        raw = c.post("/cgi-bin/message/send", params={"access_token": token},
                     content=b"garbage")
        assert raw.json()["errcode"] == 47001
    assert fake.messages_to("alice") == ["真实 HTTP"]
    assert raw.headers["content-type"] == "application/json; charset=UTF-8"


def test_real_server_injected_timeout(clock: Clock) -> None:
    fake = FakeWeCom(clock=clock, timeout_seconds=0.5)
    with fake.serve() as srv, httpx.Client(base_url=srv.url, timeout=0.2) as c:
        token = get_token(c)
        fake.fail_next("message/send", timeout=True)
        with pytest.raises(httpx.ReadTimeout):
            send(c, token, text_body("u1", "hi"))
        assert send(c, token, text_body("u1", "after"))["errcode"] == 0
    assert fake.messages_to("u1") == ["after"]


def test_real_server_status_fault(server: FakeWeComServer, fake: FakeWeCom) -> None:
    fake.fail_next("gettoken", status=503)
    with httpx.Client(base_url=server.url) as c:
        response = c.get("/cgi-bin/gettoken", params={"corpid": CORP, "corpsecret": SECRET})
    assert response.status_code == 503
    assert "<html>" in response.text


def test_control_api_over_http(server: FakeWeComServer, fake: FakeWeCom) -> None:
    with httpx.Client(base_url=server.url) as c:
        token = get_token(c)
        assert c.post("/_fake/users", json={"dave": "Dave"}).json()["errcode"] == 0
        send(c, token, text_body("dave", "hello dave"))
        state = c.get("/_fake/state").json()
        assert state["gettoken_calls"] == 1
        assert [(m["touser"], m["content"]) for m in state["delivered"]] == [
            ("dave", "hello dave")]
        assert (state["dropped_count"], state["suppressed_duplicates"]) == (0, 0)

        fail = {"path": "message/send", "times": 1, "errcode": 45009}
        assert c.post("/_fake/fail", json=fail).json()["errcode"] == 0
        assert send(c, token, text_body("dave", "x"))["errcode"] == 45009

        assert c.post("/_fake/expire_tokens").json()["errcode"] == 0
        assert send(c, token, text_body("dave", "x"))["errcode"] == 42001

        assert c.post("/_fake/reset").json()["errcode"] == 0
        after = c.get("/_fake/state").json()
        assert (after["gettoken_calls"], after["delivered"]) == (0, [])


def test_control_api_rejects_bad_requests(server: FakeWeComServer, fake: FakeWeCom) -> None:
    with httpx.Client(base_url=server.url) as c:
        assert c.post("/_fake/fail", json={"times": 1}).status_code == 400
        assert c.post("/_fake/fail", content=b"{oops").status_code == 400
        assert c.post("/_fake/fail", json={"path": "nope"}).status_code == 400
        assert c.post("/_fake/users", json={"x": 1}).status_code == 400
        assert c.get("/_fake/reset").status_code == 405
        assert c.get("/_fake/nothing").status_code == 404
    assert fake.requests == []  # control traffic is not recorded as API traffic


def test_real_server_is_thread_safe(clock: Clock) -> None:
    fake = FakeWeCom(clock=clock)
    errors: list[BaseException] = []

    def worker(n: int, url: str) -> None:
        try:
            with httpx.Client(base_url=url) as c:
                token = get_token(c)
                for i in range(20):
                    assert send(c, token, text_body(f"user{n}", f"{i}"))["errcode"] == 0
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    with fake.serve() as srv:
        threads = [threading.Thread(target=worker, args=(n, srv.url)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(fake.delivered) == 160
    assert len({m.msgid for m in fake.delivered}) == 160
    assert fake.gettoken_calls == 8
    assert all(fake.messages_to(f"user{n}") == [str(i) for i in range(20)] for n in range(8))
