"""Fuzzing the crypto: hostile envelopes, signatures, ciphertexts -> only CryptoError."""
from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import CryptoError, WeComCrypto, aes_key, decrypt, encrypt, sign
from tests.fuzz.support import HOSTILE_XML, fuzz, within

TOKEN, KEY, CORP = "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7"
NOW = 1_700_000_000
APP = WeComCrypto(TOKEN, KEY, CORP, clock=lambda: NOW)
TS = str(NOW)
b64 = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
              max_size=400)
junk = st.text(max_size=80) | st.sampled_from(["", " ", "0" * 40, TS, "-1", "1e9", "١٢٣"])


def refused(fn, *args):
    """True when the call fails with a CryptoError (any other exception fails the test)."""
    try:
        fn(*args)
    except CryptoError:
        return True
    return False


@fuzz(150)
@given(body=st.binary(max_size=3000), sig=junk, ts=junk, nonce=junk)
def test_open_xml_on_anything(body, sig, ts, nonce):
    assert refused(APP.open_xml, body, sig, ts, nonce)   # no forged signature passes


@fuzz(150)
@given(body=st.binary(max_size=3000) | st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=50),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(
        ["encrypt", "Encrypt", "x"]), c, max_size=3)).map(lambda v: json.dumps(v).encode()),
       sig=junk)
def test_open_json_on_anything(body, sig):
    assert refused(APP.open_json, body, sig, TS, "n")


@fuzz(150)
@given(encrypted=b64 | st.text(max_size=300), nonce=st.text(max_size=20))
def test_correctly_signed_garbage_reaches_decrypt_and_fails_cleanly(encrypted, nonce):
    body = json.dumps({"encrypt": encrypted}).encode()
    # Signed, but not sealed with our key: decryption (or the ReceiveId check) refuses it.
    assert refused(APP.open_json, body, sign(TOKEN, TS, nonce, encrypted), TS, nonce)
    assert refused(APP.verify_url, sign(TOKEN, TS, nonce, encrypted), TS, nonce, encrypted)


@fuzz(150)
@given(plain=st.binary(max_size=2000), receive_id=st.text(max_size=40))
def test_any_plaintext_round_trips_and_a_wrong_receive_id_is_refused(plain, receive_id):
    key = aes_key(KEY)
    sealed = encrypt(key, plain, receive_id)
    assert decrypt(key, sealed, receive_id) == plain
    if receive_id != CORP:
        with pytest.raises(CryptoError):
            decrypt(key, sealed, CORP)


@fuzz(150)
@given(data=st.data())
def test_bit_flips_in_a_sealed_callback_are_refused(data):
    body, query = APP.seal_callback("<xml><Content>帮助</Content></xml>", nonce="n1",
                                    timestamp=TS)
    i = data.draw(st.integers(0, len(body) - 1))
    bit = data.draw(st.integers(0, 7))
    flipped = body[:i] + bytes([body[i] ^ (1 << bit)]) + body[i + 1:]
    try:
        result = APP.open_xml(flipped, query["msg_signature"], TS, "n1")
    except CryptoError:
        return
    # Outside the ciphertext (ToUserName, AgentID) a flip may pass: the signature covers
    # only Encrypt. Inside it, nothing passes: what opens is exactly what was sealed.
    assert result == b"<xml><Content>\xe5\xb8\xae\xe5\x8a\xa9</Content></xml>"


@fuzz(100)
@given(raw=st.binary(min_size=0, max_size=600).map(lambda b: b + b"\x00" * (-len(b) % 16)))
def test_signed_ciphertext_of_random_blocks_fails_cleanly(raw):
    encrypted = base64.b64encode(raw).decode()
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
    assert refused(APP.open_xml, body, sign(TOKEN, TS, "n", encrypted), TS, "n")


@pytest.mark.parametrize("xml", HOSTILE_XML, ids=range(len(HOSTILE_XML)))
def test_hostile_envelopes_are_refused_in_bounded_time(xml):
    with pytest.raises(CryptoError):
        within(lambda: APP.open_xml(xml, "0" * 40, TS, "n"))


def test_a_megabyte_ciphertext_is_handled_in_bounded_time():
    key = aes_key(KEY)
    sealed = encrypt(key, b"x" * 1_000_000, CORP)
    body = f"<xml><Encrypt>{sealed}</Encrypt></xml>".encode()
    got = within(lambda: APP.open_xml(body, sign(TOKEN, TS, "n", sealed), TS, "n"))
    assert len(got) == 1_000_000
