"""Hostile and broken input: every failure maps to one exact error class and code."""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Callable
from typing import Any

import pytest
from Crypto.Cipher import AES
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import (
    CryptoError,
    DecodeBase64Error,
    DecryptError,
    EncryptError,
    GenReturnError,
    IllegalAesKey,
    IllegalBuffer,
    InvalidSignature,
    ParseError,
    ReceiveIdMismatch,
    StaleTimestamp,
    WeComCrypto,
    aes_key,
    decrypt,
    parse_xml,
    sign,
    verify_signature,
)

from .conftest import CORP_ID, KEY, TOKEN, VECTORS

Thunk = Callable[[], object]

KEY_BYTES = aes_key(KEY)
VEC = next(v for v in VECTORS if v["name"] == "official-go-xml-post")  # same token/key/id
OTHER_KEY = aes_key("6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt")
NOW = 1_409_659_813.0  # the vector's own timestamp, so the window check passes by default
TS = VEC["timestamp"]


def _craft(buf: bytes) -> str:
    """AES-encrypt an arbitrary (already padded) buffer with the test key, no framing checks."""
    return base64.b64encode(AES.new(KEY_BYTES, AES.MODE_CBC, KEY_BYTES[:16]).encrypt(buf)).decode()


def _frame(msg_len: int, body: bytes, pad_bytes: bytes) -> str:
    return _craft(b"0123456789abcdef" + struct.pack(">I", msg_len) + body + pad_bytes)


def _app(**kwargs: Any) -> WeComCrypto:
    kwargs.setdefault("clock", lambda: NOW)
    kwargs.setdefault("receive_id", CORP_ID)
    return WeComCrypto(TOKEN, KEY, **kwargs)


def _dec(encrypted: str, receive_id: str = CORP_ID, key: bytes = KEY_BYTES) -> Thunk:
    return lambda: decrypt(key, encrypted, receive_id)


def _key(encoding_aes_key: str) -> Thunk:
    return lambda: aes_key(encoding_aes_key)


def _xml(body: bytes | str) -> Thunk:
    data = body.encode("utf-8") if isinstance(body, str) else body
    # Parsing happens before authentication, so the signature is deliberately junk.
    return lambda: _app().open_xml(data, "0" * 40, TS, VEC["nonce"])


def _json(body: bytes) -> Thunk:
    return lambda: _app().open_json(body, "0" * 40, TS, VEC["nonce"])


def _signed_open(encrypted: str) -> Thunk:
    """open_xml on a correctly signed body around `encrypted`, so only decryption can fail."""
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
    return lambda: _app().open_xml(body, sign(TOKEN, TS, "n", encrypted), TS, "n")


def _open_vector(app: WeComCrypto, signature: str = VEC["msg_signature"]) -> Thunk:
    body = VEC["post_body"].encode()
    return lambda: app.open_xml(body, signature, TS, VEC["nonce"])


def _verify(sig: str | None, ts: str = TS, now: float = NOW, payload: str = "payload") -> Thunk:
    return lambda: verify_signature(TOKEN, sig, ts, "n", payload, now=now, max_skew=300)


def _signed_ts(ts: str, now: float) -> Thunk:
    """A signature that is genuinely valid over an odd timestamp: only freshness can fail."""
    return _verify(sign(TOKEN, ts, "n", "payload"), ts=ts, now=now)


def _verify_url(echostr: str, signed_over: str, clock_offset: float = 0) -> Thunk:
    app = _app(clock=lambda: NOW + clock_offset)
    return lambda: app.verify_url(sign(TOKEN, TS, "n", signed_over), TS, "n", echostr)


def _seal(use: Callable[[WeComCrypto], object], **kwargs: Any) -> Thunk:
    return lambda: use(_app(**kwargs))


GOOD_SIG = sign(TOKEN, TS, "n", "payload")
BAD_SIG = GOOD_SIG[:-1] + ("0" if GOOD_SIG[-1] != "0" else "1")
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1 or "") + ";") * 10}">' for i in range(1, 10))
    + "]><xml><Encrypt>&lol9;</Encrypt></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><Encrypt>&xxe;</Encrypt></xml>"
)
PARAM_XXE = '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><xml/>'
DOCTYPE_ONLY = "<!DOCTYPE xml><xml><Encrypt>QUJD</Encrypt></xml>"
PI = '<?xml-stylesheet href="x"?><xml><Encrypt>QUJD</Encrypt></xml>'
DEEP = "<xml>" + "<a>" * 10_000 + "x" + "</a>" * 10_000 + "</xml>"
LATIN1 = b'<?xml version="1.0" encoding="ISO-8859-1"?><xml><Encrypt>\xe9</Encrypt></xml>'
GARBAGE = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(64))
ENC = VEC["encrypt_or_echostr"]
NEWLINED = ENC[:40] + "\n" + ENC[40:]
NOT_UTF8_ECHO = _frame(2, b"\xff\xfe" + CORP_ID.encode(), b"\x08" * 8)
SURROGATE = "\ud800"


def _short_random(n: int) -> bytes:
    """A random source that returns one byte too few."""
    return b"x" * (n - 1)


def _seal_any(app: WeComCrypto) -> object:
    return app.seal_xml("x", "1")


def _bad_agent(app: WeComCrypto) -> object:
    return app.seal_callback("x", nonce="1", agent_id="]]>")


DUP = "<xml><Encrypt>QQ</Encrypt><Encrypt>QQ</Encrypt></xml>"

# (id, action, exact error class, official code)
CASES: list[tuple[str, Thunk, type[CryptoError], int]] = [
    # --- base64 and ciphertext framing ---
    ("bad-base64-chars", _dec("not base64!!"), DecodeBase64Error, -40010),
    ("bad-base64-padding", _dec("QUJDRA"), DecodeBase64Error, -40010),
    ("base64-with-newline", _dec(NEWLINED), DecodeBase64Error, -40010),
    ("base64-non-ascii", _dec("QUJD\u00e9"), DecodeBase64Error, -40010),
    ("empty-string", _dec(""), DecryptError, -40007),
    ("length-not-multiple-of-16", _dec(base64.b64encode(b"x" * 40).decode()), DecryptError, -40007),
    ("wrong-key", _dec(ENC, key=OTHER_KEY), DecryptError, -40007),
    ("pad-0", _dec(_craft(b"a" * 63 + b"\x00")), DecryptError, -40007),
    ("pad-33", _dec(_craft(b"a" * 31 + b"\x21" * 33)), DecryptError, -40007),
    ("pad-inconsistent", _dec(_craft(b"a" * 59 + b"\x05\x05\x04\x05\x05")), DecryptError, -40007),
    ("pad-longer-than-buffer", _dec(_craft(b"\x20" * 16)), DecryptError, -40007),
    ("truncated-buffer", _dec(_craft(b"x" * 13 + b"\x13" * 19)), IllegalBuffer, -40008),
    ("msg-len-past-end", _dec(_frame(1000, b"hi", b"\x0a" * 10)), IllegalBuffer, -40008),
    ("msg-len-one-past-end", _dec(_frame(3, b"hi", b"\x0a" * 10), ""), IllegalBuffer, -40008),
    ("wrong-receive-id", _dec(ENC, "ww0000000000000000"), ReceiveIdMismatch, -40005),
    ("receive-id-prefix", _dec(ENC, CORP_ID[:-1]), ReceiveIdMismatch, -40005),
    ("empty-receive-id-expected", _dec(ENC, ""), ReceiveIdMismatch, -40005),
    ("signed-but-bad-padding", _signed_open(_craft(b"a" * 63 + b"\x00")), DecryptError, -40007),
    ("signed-wrong-receive-id", _open_vector(_app(receive_id="x")), ReceiveIdMismatch, -40005),
    # --- signatures and timestamps ---
    ("tampered-signature", _verify(BAD_SIG), InvalidSignature, -40001),
    ("tampered-payload", _verify(GOOD_SIG, payload="payload2"), InvalidSignature, -40001),
    ("missing-signature-empty", _verify(""), InvalidSignature, -40001),
    ("missing-signature-none", _verify(None), InvalidSignature, -40001),
    ("non-ascii-signature", _verify("\u00e9" * 40), InvalidSignature, -40001),
    ("stale-future", _verify(GOOD_SIG, now=NOW - 301), StaleTimestamp, -40001),
    ("stale-past", _verify(GOOD_SIG, now=NOW + 301), StaleTimestamp, -40001),
    ("timestamp-not-integer", _signed_ts("12.5", now=12.0), StaleTimestamp, -40001),
    ("timestamp-leading-space", _signed_ts(" 12", now=12.0), StaleTimestamp, -40001),
    ("timestamp-arabic-digits", _signed_ts("\u0661\u0662", now=12.0), StaleTimestamp, -40001),
    ("open-xml-stale", _open_vector(_app(clock=lambda: NOW + 3600)), StaleTimestamp, -40001),
    ("open-xml-tampered", _open_vector(_app(), "0" * 40), InvalidSignature, -40001),
    ("verify-url-space-not-plus", _verify_url("ab cd", "something else"), InvalidSignature, -40001),
    ("verify-url-signed-space-stale", _verify_url("ab cd", "ab cd", 301), StaleTimestamp, -40001),
    ("verify-url-repaired-but-stale", _verify_url("ab cd", "ab+cd", 301), StaleTimestamp, -40001),
    # --- keys ---
    ("key-42-chars", _key(KEY[:42]), IllegalAesKey, -40004),
    ("key-44-chars", _key(KEY + "A"), IllegalAesKey, -40004),
    ("key-with-plus", _key(KEY[:42] + "+"), IllegalAesKey, -40004),
    ("key-with-equals", _key(KEY[:42] + "="), IllegalAesKey, -40004),
    ("key-non-ascii-digit", _key(KEY[:42] + "\u0663"), IllegalAesKey, -40004),
    ("key-empty", _key(""), IllegalAesKey, -40004),
    ("key-in-constructor", lambda: WeComCrypto(TOKEN, KEY[:42], CORP_ID), IllegalAesKey, -40004),
    ("raw-key-16-bytes", _dec(ENC, key=KEY_BYTES[:16]), IllegalAesKey, -40004),
    # --- envelopes (parsed before authentication, so hostile) ---
    ("xxe-body", _xml(XXE), ParseError, -40002),
    ("billion-laughs-body", _xml(LAUGHS), ParseError, -40002),
    ("parameter-entity-body", _xml(PARAM_XXE), ParseError, -40002),
    ("doctype-without-entities", _xml(DOCTYPE_ONLY), ParseError, -40002),
    ("processing-instruction", _xml(PI), ParseError, -40002),
    ("nested-10000-levels", _xml(DEEP), ParseError, -40002),
    ("invalid-utf8", _xml(b"<xml><Encrypt>\xff\xfeQUJD</Encrypt></xml>"), ParseError, -40002),
    ("latin1-declared", _xml(LATIN1), ParseError, -40002),
    ("utf16-body", _xml("<xml><Encrypt>QUJD</Encrypt></xml>".encode("utf-16")), ParseError, -40002),
    ("garbage-bytes", _xml(GARBAGE), ParseError, -40002),
    ("empty-body", _xml(b""), ParseError, -40002),
    ("unclosed-xml", _xml("<xml><Encrypt>QUJD</Encrypt>"), ParseError, -40002),
    ("missing-encrypt", _xml("<xml><ToUserName>x</ToUserName></xml>"), ParseError, -40002),
    ("empty-encrypt", _xml("<xml><Encrypt><![CDATA[]]></Encrypt></xml>"), ParseError, -40002),
    ("duplicate-encrypt", _xml(DUP), ParseError, -40002),
    ("nested-encrypt", _xml("<xml><Encrypt><a>QUJD</a></Encrypt></xml>"), ParseError, -40002),
    ("root-text-only", _xml("<xml>QUJD</xml>"), ParseError, -40002),
    ("json-not-object", _json(b'["encrypt"]'), ParseError, -40002),
    ("json-string", _json(b'"encrypt"'), ParseError, -40002),
    ("json-malformed", _json(b'{"encrypt": '), ParseError, -40002),
    ("json-invalid-utf8", _json(b'{"encrypt": "\xff"}'), ParseError, -40002),
    ("json-deeply-nested", _json(b"[" * 200_000), ParseError, -40002),
    ("json-missing-encrypt", _json(b'{"tousername": "x"}'), ParseError, -40002),
    ("json-encrypt-not-string", _json(b'{"encrypt": 5}'), ParseError, -40002),
    ("json-encrypt-empty", _json(b'{"encrypt": ""}'), ParseError, -40002),
    # --- building replies ---
    ("nonce-breaks-cdata", _seal(lambda a: a.seal_xml("x", "a]]>b")), GenReturnError, -40011),
    ("nonce-control-char", _seal(lambda a: a.seal_xml("x", "a\x00b")), GenReturnError, -40011),
    ("timestamp-not-digits", _seal(lambda a: a.seal_xml("x", "1", "1<")), GenReturnError, -40011),
    ("agent-id-breaks-cdata", _seal(_bad_agent), GenReturnError, -40011),
    ("short-random-prefix", _seal(_seal_any, random_bytes=_short_random), EncryptError, -40006),
    ("lone-surrogate-text", _seal(lambda a: a.seal_json(SURROGATE, "1")), EncryptError, -40006),
    ("echostr-not-utf8", _verify_url(NOT_UTF8_ECHO, NOT_UTF8_ECHO), IllegalBuffer, -40008),
]


@pytest.mark.parametrize(
    ("action", "error", "code"), [pytest.param(a, e, c, id=i) for i, a, e, c in CASES]
)
def test_bad_input(action: Thunk, error: type[CryptoError], code: int) -> None:
    with pytest.raises(CryptoError) as info:
        action()
    assert type(info.value) is error
    assert info.value.code == code
    # Messages may be logged: they must never carry the token or key material.
    assert TOKEN not in str(info.value) and KEY not in str(info.value)


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


def test_stale_timestamp_is_an_invalid_signature() -> None:
    assert issubclass(StaleTimestamp, InvalidSignature)
    assert StaleTimestamp.code == InvalidSignature.code == -40001


def test_window_edges_and_switch() -> None:
    verify_signature(TOKEN, GOOD_SIG, TS, "n", "payload", now=NOW + 300)  # |skew| == max_skew: ok
    verify_signature(TOKEN, GOOD_SIG, TS, "n", "payload", now=NOW - 300)
    verify_signature(TOKEN, GOOD_SIG, TS, "n", "payload", now=None)  # no clock: no window
    verify_signature(TOKEN, GOOD_SIG.upper(), TS, "n", "payload")  # case-insensitive hex


def test_max_skew_zero_disables_window() -> None:
    ancient = WeComCrypto(TOKEN, KEY, CORP_ID, max_skew=0, clock=lambda: NOW + 10**9)
    got = ancient.open_xml(VEC["post_body"].encode(), VEC["msg_signature"], TS, VEC["nonce"])
    assert got == VEC["plaintext"].encode()
    verify_signature(TOKEN, sign(TOKEN, "x", "n", "p"), "x", "n", "p", now=NOW, max_skew=0)


def test_parse_xml_depth_limit_is_exact() -> None:
    assert parse_xml("<a>" * 16 + "</a>" * 16) is not None
    with pytest.raises(ParseError):
        parse_xml("<a>" * 17 + "</a>" * 17)
    assert parse_xml("<xml><b><c>1</c></b></xml>", max_depth=3) == {"b": {"c": "1"}}
    with pytest.raises(ParseError):
        parse_xml("<xml><b><c>1</c></b></xml>", max_depth=2)


def test_mebibyte_of_nested_tags_is_refused() -> None:
    body = b"<a>" * ((1 << 20) // 3)  # 1 MiB of opening tags, never closed
    with pytest.raises(ParseError):
        parse_xml(body)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=512) | st.text(max_size=256).map(lambda s: "<xml>" + s + "</xml>"))
def test_parse_xml_fuzz_only_parse_error(data: bytes | str) -> None:
    try:
        result = parse_xml(data)
    except ParseError as exc:
        assert type(exc) is ParseError and exc.code == -40002
    else:
        assert isinstance(result, dict)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=120))
def test_decrypt_fuzz_only_crypto_errors(text: str) -> None:
    try:
        decrypt(KEY_BYTES, text, CORP_ID)
    except CryptoError as exc:
        assert exc.code in {-40005, -40007, -40008, -40010}
