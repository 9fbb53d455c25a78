"""The callback endpoint through the real Flask app, crypto and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import func, select

from store.models import InboundMessage, OutboxMessage
from tests.conftest import AES_KEY, TOKEN

BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                  b"<xml><Encrypt>&lol2;</Encrypt></xml>")
XXE = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       b"<xml><Encrypt>&e;</Encrypt></xml>")


def count(services, model) -> int:
    with services.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_help_reaches_the_user_through_message_send(wecom, services, fake_wecom, deliver):
    resp = wecom.text("zhangsan", "帮助")
    assert resp.status_code == 200 and resp.data == b""
    deliver()
    [reply] = fake_wecom.messages_to("zhangsan")
    assert "可用命令" in reply and "帮助" in reply
    body = fake_wecom.delivered[0].raw
    assert body["agentid"] == 1000002 and body["enable_duplicate_check"] == 1


def test_english_help_is_answered_in_english(wecom, fake_wecom, deliver):
    wecom.text("lisi", "/HELP")
    deliver()
    assert fake_wecom.messages_to("lisi")[0].startswith("Commands you can use")


def test_url_verification_returns_raw_echostr(app, wecom):
    query = wecom.crypto.verify_url_query("1288432023552776189", nonce="47744683")
    resp = app.test_client().get("/wecom/callback", query_string=query)
    assert resp.status_code == 200
    assert resp.data == b"1288432023552776189"
    assert resp.mimetype == "text/plain"


def test_url_verification_survives_plus_turned_into_space(app, wecom):
    for i in range(40):  # find an echostr whose ciphertext has a '+'
        query = wecom.crypto.verify_url_query(str(10**18 + i), nonce=str(i))
        if "+" in query["echostr"]:
            break
    assert "+" in query["echostr"]
    raw = "&".join(f"{k}={v.replace('+', ' ') if k == 'echostr' else v}"
                   for k, v in query.items())
    resp = app.test_client().get("/wecom/callback?" + raw)
    assert resp.status_code == 200 and resp.data == str(10**18 + i).encode()


def test_bad_url_verification_is_403(app, wecom):
    query = wecom.crypto.verify_url_query("123", nonce="1")
    query["msg_signature"] = "0" * 40
    assert app.test_client().get("/wecom/callback", query_string=query).status_code == 403
    del query["msg_signature"]
    assert app.test_client().get("/wecom/callback", query_string=query).status_code == 403


def _signed(wecom, text="帮助"):
    body, query = wecom.crypto.seal_callback(wecom.xml("u1", "text", {"Content": text,
                                                                      "MsgId": "42"}),
                                             nonce="1", timestamp=str(int(wecom.clock().timestamp())))
    return body, query


def test_bad_input_table(app, wecom, services, clock):
    client = app.test_client()
    body, query = _signed(wecom)
    from crypto import WeComCrypto

    other_corp = WeComCrypto(TOKEN, AES_KEY, "wwsomeoneelse0001")
    wrong_body, wrong_query = other_corp.seal_callback(
        wecom.xml("u1", "text", {"Content": "x", "MsgId": "43"}), nonce="2",
        timestamp=str(int(clock().timestamp())))
    stale = dict(query, timestamp=str(int(clock().timestamp()) - 301))
    cases = [
        ("forged signature", dict(query, msg_signature="f" * 40), body, 403),
        ("missing signature", {k: v for k, v in query.items() if k != "msg_signature"}, body, 403),
        ("wrong ReceiveId", wrong_query, wrong_body, 403),
        ("stale timestamp", stale, body, 403),
        ("malformed XML", query, b"<xml><Encrypt>abc", 400),
        ("missing Encrypt", query, b"<xml><ToUserName>x</ToUserName></xml>", 400),
        ("not XML at all", query, b"\xff\xfe garbage", 400),
        ("billion laughs", query, BILLION_LAUGHS, 400),
        ("XXE", query, XXE, 400),
        ("oversized body", query, b"<xml>" + b"a" * (1024 * 1024 + 1) + b"</xml>", 413),
    ]
    for name, q, b, status in cases:
        resp = client.post("/wecom/callback", query_string=q, data=b, content_type="text/xml")
        assert resp.status_code == status, name
    assert count(services, InboundMessage) == 0
    assert count(services, OutboxMessage) == 0


def test_timestamp_window_zero_turns_the_check_off(services, settings, clock, wecom):
    from dataclasses import replace

    from bot.services import build
    from bot.web.app import create_app

    svc = build(replace(settings, timestamp_window=0), engine=services.engine, clock=clock,
                transport=None)
    client = create_app(services=svc).test_client()
    body, query = _signed(wecom)
    query["timestamp"] = str(int(clock().timestamp()) - 86400)
    body, query = wecom.crypto.seal_callback(
        wecom.xml("u1", "text", {"Content": "帮助", "MsgId": "99"}), nonce="5",
        timestamp=query["timestamp"])
    assert client.post("/wecom/callback", query_string=query, data=body,
                       content_type="text/xml").status_code == 200
    svc.client.close()


def test_unknown_message_type_is_stored_and_acknowledged(wecom, services):
    resp = wecom.post(wecom.xml("u2", "hologram", {"MsgId": "555", "Shape": "cube"}))
    assert resp.status_code == 200
    with services.sessions() as s:
        row = s.get(InboundMessage, "app:msg:555")
    assert row.msg_type == "hologram" and "cube" in row.payload

