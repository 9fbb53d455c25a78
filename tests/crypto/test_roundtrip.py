"""Round trips: cipher framing, padding, and every seal_* paired with its open/verify."""

from __future__ import annotations

import base64
import json
import struct
from itertools import count

import pytest
from Crypto.Cipher import AES
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import WeComCrypto, aes_key, decrypt, encrypt, parse_xml

from .conftest import CORP_ID, KEY, TOKEN

KEY_BYTES = aes_key(KEY)
NOW = 1_700_000_000.0
FAST = settings(max_examples=150, deadline=None)


def _raw_buffer(encrypt_b64: str) -> bytes:
    """Decrypt without unpadding, to inspect the framing the encrypter produced."""
    raw = base64.b64decode(encrypt_b64)
    return AES.new(KEY_BYTES, AES.MODE_CBC, KEY_BYTES[:16]).decrypt(raw)


def _app(receive_id: str = CORP_ID, **kwargs: object) -> WeComCrypto:
    return WeComCrypto(TOKEN, KEY, receive_id, clock=lambda: NOW, **kwargs)  # type: ignore[arg-type]


@FAST
@given(text=st.text(), receive_id=st.text(max_size=40))
def test_text_round_trip(text: str, receive_id: str) -> None:
    msg = text.encode("utf-8")
    enc = encrypt(KEY_BYTES, msg, receive_id)
    assert decrypt(KEY_BYTES, enc, receive_id) == msg


@FAST
@given(msg=st.binary(max_size=300))
def test_binary_round_trip_and_block_alignment(msg: bytes) -> None:
    enc = encrypt(KEY_BYTES, msg, CORP_ID)
    assert len(base64.b64decode(enc)) % 32 == 0
    assert decrypt(KEY_BYTES, enc, CORP_ID) == msg


@pytest.mark.parametrize("size", [1024, 4096, 65536])
def test_large_round_trip(size: int) -> None:
    msg = bytes(i % 251 for i in range(size))
    assert decrypt(KEY_BYTES, encrypt(KEY_BYTES, msg, CORP_ID), CORP_ID) == msg


@pytest.mark.parametrize("msg_len", range(32))
def test_every_pad_length_occurs(msg_len: int) -> None:
    # 20-byte header + msg + empty receive id: lengths 20..51 cover every pad 32..1.
    msg = b"m" * msg_len
    expected_pad = 32 - (20 + msg_len) % 32
    buf = _raw_buffer(encrypt(KEY_BYTES, msg, ""))
    assert buf[-expected_pad:] == bytes([expected_pad]) * expected_pad
    assert len(buf) == 20 + msg_len + expected_pad
    assert decrypt(KEY_BYTES, encrypt(KEY_BYTES, msg, ""), "") == msg


def test_pads_cover_1_to_32() -> None:
    pads = {32 - (20 + n) % 32 for n in range(32)}
    assert pads == set(range(1, 33))


def test_msg_len_counts_utf8_bytes() -> None:
    text = "你好🙂"  # 2 CJK characters (3 bytes each) + one astral emoji (4 bytes)
    msg = text.encode("utf-8")
    buf = _raw_buffer(encrypt(KEY_BYTES, msg, CORP_ID, random_bytes=lambda n: b"r" * n))
    assert buf[:16] == b"r" * 16
    (msg_len,) = struct.unpack(">I", buf[16:20])
    assert msg_len == len(msg) == 10 != len(text)
    assert buf[20 : 20 + msg_len] == msg
    assert buf[20 + msg_len : 20 + msg_len + len(CORP_ID)] == CORP_ID.encode()


def test_empty_receive_id_round_trip() -> None:
    bot = _app("")
    body, q = bot.seal_callback_json('{"msgtype":"text","text":{"content":"hi 🙂"}}', nonce="n1")
    opened = bot.open_json(body, q["msg_signature"], q["timestamp"], q["nonce"])
    assert opened == '{"msgtype":"text","text":{"content":"hi 🙂"}}'.encode()
    buf = _raw_buffer(json.loads(body)["encrypt"])
    (msg_len,) = struct.unpack(">I", buf[16:20])
    assert len(buf) == 20 + msg_len + buf[-1]  # nothing but padding after msg


@FAST
@given(text=st.text(min_size=1), nonce=st.from_regex(r"[0-9A-Za-z]{1,16}", fullmatch=True))
def test_seal_xml_opens(text: str, nonce: str) -> None:
    app = _app()
    reply = app.seal_xml(text, nonce)
    outer = parse_xml(reply)
    assert set(outer) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert outer["TimeStamp"] == str(int(NOW)) and outer["Nonce"] == nonce
    got = app.open_xml(reply.encode(), outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
    assert got == text.encode("utf-8")


@FAST
@given(text=st.text(min_size=1))
def test_seal_json_opens(text: str) -> None:
    bot = _app("")
    reply = bot.seal_json(text, "nonce9", "1700000001")
    obj = json.loads(reply)
    assert set(obj) == {"encrypt", "msgsignature", "timestamp", "nonce"}
    assert obj["timestamp"] == "1700000001"
    got = bot.open_json(reply.encode(), obj["msgsignature"], obj["timestamp"], obj["nonce"])
    assert got == text.encode("utf-8")


@FAST
@given(text=st.text(), agent=st.from_regex(r"[0-9]{0,7}", fullmatch=True))
def test_seal_callback_open_xml(text: str, agent: str) -> None:
    app = _app()
    body, q = app.seal_callback(text, nonce="1372623149", agent_id=agent)
    assert set(q) == {"msg_signature", "timestamp", "nonce"}
    outer = parse_xml(body)
    assert outer["ToUserName"] == CORP_ID and outer.get("AgentID") == (agent or None)
    assert app.open_xml(body, q["msg_signature"], q["timestamp"], q["nonce"]) == text.encode()


def test_seal_callback_to_user_name_override() -> None:
    body, _ = _app().seal_callback("x", nonce="1", timestamp="2", to_user_name="other")
    assert parse_xml(body)["ToUserName"] == "other"
    body, _ = _app().seal_callback("x", nonce="1", timestamp="2", to_user_name="")
    assert b"<ToUserName><![CDATA[]]></ToUserName>" in body


@FAST
@given(text=st.text())
def test_seal_callback_json_open_json(text: str) -> None:
    bot = _app("")
    body, q = bot.seal_callback_json(text, nonce="abc")
    assert set(json.loads(body)) == {"encrypt"}
    assert bot.open_json(body, q["msg_signature"], q["timestamp"], q["nonce"]) == text.encode()


@FAST
@given(echo=st.from_regex(r"[0-9]{1,24}", fullmatch=True))
def test_verify_url_query_then_verify_url(echo: str) -> None:
    app = _app()  # default max_skew=300, clock pinned: the freshness path is exercised
    q = app.verify_url_query(echo, nonce="263014780")
    assert q["timestamp"] == str(int(NOW))
    assert app.verify_url(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"]) == echo


def test_plus_turned_space_still_verifies() -> None:
    # Deterministic random prefixes until the echostr contains a '+' (most do).
    counter = count()
    app = _app(random_bytes=lambda n: next(counter).to_bytes(n, "big"))
    queries = (app.verify_url_query("1616140317555161061", nonce="1") for _ in range(64))
    q = next(q for q in queries if "+" in q["echostr"])
    mangled = q["echostr"].replace("+", " ")
    got = app.verify_url(q["msg_signature"], q["timestamp"], q["nonce"], mangled)
    assert got == "1616140317555161061"


def test_timestamp_defaults_to_clock() -> None:
    body, q = _app().seal_callback("x", nonce="1")
    assert q["timestamp"] == "1700000000"
    assert "<TimeStamp>1700000000</TimeStamp>" in _app().seal_xml("x", "1")
