"""The 12 published WeCom vectors: signatures, decryption, envelopes, deterministic reply."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from crypto import WeComCrypto, aes_key, decrypt, encrypt, parse_xml, sign

from .conftest import VECTORS, vectors_of

ALL = vectors_of("verify_url", "post_xml", "post_json", "reply_xml")


def _crypto(v: dict[str, Any], **kwargs: Any) -> WeComCrypto:
    # max_skew=0: the vectors are years old, so the freshness window must be off.
    return WeComCrypto(v["token"], v["encoding_aes_key"], v["receive_id"], max_skew=0, **kwargs)


def test_vector_file_is_complete() -> None:
    assert len(WITH_QUERY) == 2
    assert len(VECTORS) == 12
    kinds = sorted({v["kind"] for v in VECTORS})
    assert kinds == ["post_json", "post_xml", "reply_xml", "verify_url"]


@pytest.mark.parametrize("v", ALL)
def test_signature_recomputes(v: dict[str, Any]) -> None:
    got = sign(v["token"], v["timestamp"], v["nonce"], v["encrypt_or_echostr"])
    assert got == v["msg_signature"]


@pytest.mark.parametrize("v", ALL)
def test_decrypt_gives_plaintext(v: dict[str, Any]) -> None:
    key = aes_key(v["encoding_aes_key"])
    plain = decrypt(key, v["encrypt_or_echostr"], v["receive_id"])
    assert plain == v["plaintext"].encode("utf-8")


@pytest.mark.parametrize("v", vectors_of("verify_url"))
def test_verify_url(v: dict[str, Any]) -> None:
    echostr = v["encrypt_or_echostr"]
    got = _crypto(v).verify_url(v["msg_signature"], v["timestamp"], v["nonce"], echostr)
    assert got == v["plaintext"]


WITH_QUERY = [p for p in vectors_of("verify_url") if "query_string" in p.values[0]]


@pytest.mark.parametrize("v", WITH_QUERY)
def test_verify_url_from_percent_encoded_query(v: dict[str, Any]) -> None:
    # Decode exactly once, as a web framework does (protocol §2.2).
    q = {k: vals[0] for k, vals in parse_qs(v["query_string"], strict_parsing=True).items()}
    assert q["echostr"] == v["encrypt_or_echostr"]
    got = _crypto(v).verify_url(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"])
    assert got == v["plaintext"]


@pytest.mark.parametrize("v", vectors_of("post_xml"))
def test_open_xml(v: dict[str, Any]) -> None:
    body = v["post_body"].encode("utf-8")
    got = _crypto(v).open_xml(body, v["msg_signature"], v["timestamp"], v["nonce"])
    assert got == v["plaintext"].encode("utf-8")


@pytest.mark.parametrize("v", vectors_of("post_xml"))
def test_inner_xml_parses(v: dict[str, Any]) -> None:
    inner = parse_xml(v["plaintext"].encode("utf-8"))
    assert inner["ToUserName"] == v["receive_id"]
    assert inner["MsgType"] == "text"


@pytest.mark.parametrize("v", vectors_of("post_json"))
def test_open_json(v: dict[str, Any]) -> None:
    body = v["post_body"].encode("utf-8")
    got = _crypto(v).open_json(body, v["msg_signature"], v["timestamp"], v["nonce"])
    # Bytes comparison: one sample plaintext is not valid JSON (a typo in Tencent's sample).
    assert got == v["plaintext"].encode("utf-8")


@pytest.mark.parametrize("v", vectors_of("reply_xml"))
def test_reply_is_byte_exact(v: dict[str, Any]) -> None:
    prefix = v["random_prefix"].encode("ascii")
    asked: list[int] = []

    def fixed(n: int) -> bytes:
        asked.append(n)
        return prefix

    key = aes_key(v["encoding_aes_key"])
    plain = v["plaintext"].encode("utf-8")
    assert encrypt(key, plain, v["receive_id"], random_bytes=fixed) == v["encrypt_or_echostr"]
    sealed = _crypto(v, random_bytes=fixed).seal_xml(v["plaintext"], v["nonce"], v["timestamp"])
    assert sealed == v["reply_body"]
    assert asked == [16, 16]


@pytest.mark.parametrize("v", vectors_of("reply_xml"))
def test_reply_body_opens(v: dict[str, Any]) -> None:
    # A passive reply is itself a signed Encrypt envelope, so the inbound path reads it.
    outer = parse_xml(v["reply_body"])
    assert outer["MsgSignature"] == v["msg_signature"]
    got = _crypto(v).open_xml(
        v["reply_body"].encode("utf-8"), outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
    )
    assert got == v["plaintext"].encode("utf-8")
