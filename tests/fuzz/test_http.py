"""Fuzzing the HTTP entry points through the Flask test client: never a 500.

Random bodies and queries stop at the signature; correctly signed and encrypted random
payloads go all the way through parsing, the router and the database.
"""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.services import build
from bot.web.app import create_app
from crypto import EncryptError, GenReturnError, WeComCrypto
from tests.conftest import AES_KEY, CORP_ID, TOKEN
from tests.fuzz.strategies import aibot_json, callback_xml
from tests.fuzz.support import HOSTILE_XML, fuzz, within

AIBOT_TOKEN, AIBOT_KEY = "fuzzAibotToken1", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
ALLOWED = {200, 400, 403, 404, 413, 503}
PATHS = ["/wecom/callback", "/wecom/aibot"]
QUERY = st.dictionaries(st.sampled_from(["msg_signature", "timestamp", "nonce", "echostr", "x"]),
                        st.text(max_size=60), max_size=5)


@pytest.fixture
def web(services, settings, db, fake_wecom, clock):
    """The app with the intelligent bot configured too, and both crypto contexts."""
    svc = build(replace(settings, aibot_token=AIBOT_TOKEN, aibot_encoding_aes_key=AIBOT_KEY),
                transport=fake_wecom.transport(), clock=clock, engine=db)
    now = lambda: clock().timestamp()   # noqa: E731
    yield (create_app(services=svc).test_client(), WeComCrypto(TOKEN, AES_KEY, CORP_ID, clock=now),
           WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "", clock=now))
    svc.client.close()


@fuzz(60)
@given(path=st.sampled_from(PATHS), query=QUERY, body=st.binary(max_size=2000),
       method=st.sampled_from(["POST", "GET"]))
def test_random_requests_get_a_defined_status(web, path, query, body, method):
    client, _, _ = web
    resp = client.open(path, method=method, query_string=query, data=body)
    assert resp.status_code in ALLOWED


@fuzz(60)
@given(raw=st.binary(max_size=300), path=st.sampled_from(PATHS))
def test_raw_query_strings_with_invalid_utf8(web, raw, path):
    client, _, _ = web
    query = "&".join(f"{k}={raw.hex() if i % 2 else ''.join(f'%{b:02X}' for b in raw)}"
                     for i, k in enumerate(["msg_signature", "timestamp", "nonce"]))
    assert client.post(f"{path}?{query}", data=b"<xml/>").status_code in ALLOWED


@fuzz(60)
@given(plain=callback_xml() | st.binary(max_size=400), nonce=st.text(max_size=12))
def test_signed_and_encrypted_random_app_callbacks(web, plain, nonce):
    client, app_crypto, _ = web
    try:
        body, query = app_crypto.seal_callback(plain, nonce=nonce, agent_id="1000002")
    except (EncryptError, GenReturnError):
        # Bytes that are not UTF-8, or a nonce no CDATA section can hold: WeCom never sends
        # such a request, so there is nothing to test.
        assume(False)
    resp = client.post("/wecom/callback", query_string=query, data=body)
    assert resp.status_code in {200, 400}, plain


@fuzz(60)
@given(plain=aibot_json() | st.binary(max_size=300))
def test_signed_and_encrypted_random_aibot_callbacks(web, plain):
    client, _, ai_crypto = web
    body, query = ai_crypto.seal_callback_json(plain, nonce="n")
    resp = client.post("/wecom/aibot", query_string=query, data=body)
    assert resp.status_code in {200, 400}, plain


@pytest.mark.parametrize("xml", HOSTILE_XML, ids=range(len(HOSTILE_XML)))
def test_hostile_plaintexts_inside_a_valid_envelope_are_400(web, xml):
    client, app_crypto, _ = web
    body, query = app_crypto.seal_callback(xml, nonce="n", agent_id="1000002")
    resp = within(lambda: client.post("/wecom/callback", query_string=query, data=body))
    assert resp.status_code in {400, 413}     # 413: encrypted, it no longer fits in 1 MiB


def test_megabyte_bodies(web):
    client, app_crypto, _ = web
    limit = 1024 * 1024
    body, query = app_crypto.seal_callback("<xml/>", nonce="n")
    big = body[:-6] + b"<x>" + b"a" * (limit - len(body) - 10) + b"</x></xml>"
    assert len(big) <= limit
    resp = within(lambda: client.post("/wecom/callback", query_string=query, data=big))
    assert resp.status_code == 400     # read whole, signature checked, decrypted: no message
    for path in PATHS:
        resp = within(lambda path=path: client.post(path, query_string=query,
                                                    data=b"x" * (limit + 1)))
        assert resp.status_code == 413


def test_a_ten_thousand_character_command_through_the_callback(web):
    client, app_crypto, _ = web
    for text in ["帮助 " + "x" * 10_000, "安排 " + "张三 明天下午3点 " * 800,
                 "[x](http://e) " * 800, "#" * 10_000]:
        plain = (f"<xml><ToUserName>{CORP_ID}</ToUserName><FromUserName>fuzz</FromUserName>"
                 f"<CreateTime>1</CreateTime><MsgType>text</MsgType>"
                 f"<Content><![CDATA[{text}]]></Content><MsgId>{len(text)}</MsgId></xml>")
        body, query = app_crypto.seal_callback(plain, nonce="n")
        resp = within(lambda q=query, b=body: client.post("/wecom/callback", query_string=q,
                                                          data=b))
        assert resp.status_code == 200


@pytest.mark.parametrize("fields", [
    {"MsgType": "text", "FromUserName": "u" * 65, "Content": "help", "MsgId": "1"},
    {"MsgType": "text", "FromUserName": "u", "Content": "help", "MsgId": "9" * 100},
    {"MsgType": "event", "FromUserName": "u", "Event": "e" * 100},
    {"MsgType": "t" * 100, "FromUserName": "u", "MsgId": "2"},
])
def test_overlong_fields_from_a_signed_callback_are_no_500(web, fields):
    client, app_crypto, _ = web
    plain = "<xml>" + "".join(f"<{k}>{v}</{k}>" for k, v in fields.items()) + "</xml>"
    body, query = app_crypto.seal_callback(plain, nonce="n")
    assert client.post("/wecom/callback", query_string=query, data=body).status_code \
        in {200, 400}


@pytest.mark.parametrize("plain", [
    "[" * 100_000 + "]" * 100_000, json.dumps({"msgtype": "text", "text": "not an object"}),
    json.dumps({"msgtype": "mixed", "mixed": {"msg_item": [1, {"msgtype": "text", "text": 2}]}}),
    json.dumps({"msgtype": "text", "from": {"userid": {"not": "a string"}}})])
def test_odd_aibot_json_is_no_500(web, plain):
    client, _, ai_crypto = web
    body, query = ai_crypto.seal_callback_json(plain, nonce="n")
    resp = within(lambda: client.post("/wecom/aibot", query_string=query, data=body))
    assert resp.status_code in {200, 400}
