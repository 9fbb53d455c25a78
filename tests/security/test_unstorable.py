"""Issue 17 (8): characters PostgreSQL refuses are a 400 at the edge, on every route, never a 500.

PostgreSQL's text cannot hold U+0000, and UTF-8 cannot encode a lone surrogate, which JSON's
"\\ud800" escapes produce. A validly signed and encrypted callback carrying either used to reach
the database and come back as a psycopg DataError: HTTP 500.
"""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.services import build
from bot.web.app import create_app
from crypto import WeComCrypto
from tests.conftest import AES_KEY, CORP_ID, TOKEN

AIBOT_TOKEN, AIBOT_KEY = "nulAibotToken1", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
BAD = ["\x00", "a\x00b", "\ud800", "x\udfffy"]


@pytest.fixture
def web(settings, db, fake_wecom, clock):
    svc = build(replace(settings, aibot_token=AIBOT_TOKEN, aibot_encoding_aes_key=AIBOT_KEY),
                transport=fake_wecom.transport(), clock=clock, engine=db)
    now = lambda: clock().timestamp()   # noqa: E731
    app = create_app(services=svc)
    yield (app, WeComCrypto(TOKEN, AES_KEY, CORP_ID, clock=now),
           WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "", clock=now))
    svc.close()


def _aibot(**override: object) -> dict:
    d = {"msgid": "m1", "aibotid": "A", "chattype": "single", "from": {"userid": "lisi"},
         "msgtype": "text", "text": {"content": "帮助"}, "stream": {"id": "s1"},
         "response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?x=1"}
    d.update(override)
    return d


AIBOT_CASES = [
    lambda b: _aibot(msgtype=b),
    lambda b: _aibot(msgtype="stream", stream={"id": b}),
    lambda b: _aibot(msgid=b),
    lambda b: _aibot(text={"content": "帮助" + b}),
    lambda b: _aibot(chattype=b),
    lambda b: _aibot(chattype="group", chatid=b, text={"content": "@bot 帮助"}),
    lambda b: _aibot(msgtype="event", event={"eventtype": "template_card_event",
                                             "template_card_event": {"event_key": b}}),
    lambda b: _aibot(response_url="https://x/" + b),
    lambda b: {**_aibot(), b: 1},
]


def test_signed_aibot_json_with_unstorable_characters_is_400(web):
    app, _, ai = web
    client = app.test_client()
    for bad in BAD:
        for case, make in enumerate(AIBOT_CASES):
            plain = json.dumps(make(bad))     # ASCII-escaped: \\u0000 and \\ud800 survive
            body, query = ai.seal_callback_json(plain, nonce="n")
            resp = client.post("/wecom/aibot", query_string=query, data=body)
            assert resp.status_code == 400, (case, bad)


def test_signed_app_xml_with_unstorable_characters_is_400(web):
    app, crypto, _ = web
    client = app.test_client()
    for ref in ["&#0;", "&#xD800;", "a&#xDFFF;b"]:
        for field in ["Content", "FromUserName", "MsgId", "MsgType"]:
            fields = {"ToUserName": CORP_ID, "FromUserName": "lisi", "CreateTime": "1",
                      "MsgType": "text", "Content": "help", "MsgId": "1", "AgentID": "1000002"}
            fields[field] += ref   # a character reference: the one way XML could try to carry one
            plain = "<xml>" + "".join(f"<{k}>{v}</{k}>" for k, v in fields.items()) + "</xml>"
            body, query = crypto.seal_callback(plain, nonce="n", agent_id="1000002")
            resp = client.post("/wecom/callback", query_string=query, data=body)
            assert resp.status_code == 400, (ref, field)


def test_every_route_answers_nul_and_surrogates_in_the_query_without_a_500(web):
    app, _, _ = web
    client = app.test_client()
    routes = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    assert {r.rule for r in routes} >= {"/wecom/callback", "/wecom/aibot", "/healthz"}
    for rule in routes:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for bad in ["%00", "%ED%A0%80", "%C0%80", "%0D%0A"]:
                query = "&".join(f"{k}={bad}" for k in
                                 ("msg_signature", "timestamp", "nonce", "echostr"))
                resp = client.open(f"{rule.rule}?{query}", method=method, data=b"<xml/>")
                assert resp.status_code < 500, (rule.rule, method, bad, resp.status_code)
