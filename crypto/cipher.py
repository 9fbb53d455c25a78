"""AES-256-CBC message crypto with WeCom's 32-byte PKCS#7 framing (protocol §3.1-3.4)."""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from Crypto.Cipher import AES

from .errors import (
    DecodeBase64Error,
    DecryptError,
    EncryptError,
    IllegalAesKey,
    IllegalBuffer,
    ReceiveIdMismatch,
)

if TYPE_CHECKING:
    from Crypto.Cipher._mode_cbc import CbcMode

BLOCK = 32  # WeCom pads to 32 bytes, not AES's 16: 16-byte unpadders reject pads 17..32.
RANDOM_LEN = 16
_HEADER = RANDOM_LEN + 4  # random prefix + big-endian msg_len
_KEY_CHARS = re.compile(r"[A-Za-z0-9]{43}")
_MAX_MSG = 2**32 - 1  # msg_len is an unsigned 32-bit field


def valid_aes_key(encoding_aes_key: str) -> bool:
    """True when `encoding_aes_key` is an EncodingAESKey WeCom would accept."""
    return isinstance(encoding_aes_key, str) and bool(_KEY_CHARS.fullmatch(encoding_aes_key))


def aes_key(encoding_aes_key: str) -> bytes:
    """Derive the 32-byte AES key from a 43-character EncodingAESKey."""
    if not valid_aes_key(encoding_aes_key):
        raise IllegalAesKey("EncodingAESKey must be 43 characters of [A-Za-z0-9]")
    # Lenient decode on purpose: official sample keys carry non-zero trailing bits (§3.1).
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:  # cannot happen for 43 valid chars; kept as a guard
        raise IllegalAesKey("EncodingAESKey must decode to 32 bytes")
    return key


def _cipher(key: bytes) -> CbcMode:
    if not isinstance(key, bytes) or len(key) != 32:
        raise IllegalAesKey("AES key must be 32 bytes")
    # The IV is the first half of the key; WeCom never transmits one.
    return AES.new(key, AES.MODE_CBC, key[:16])


def pad(buf: bytes) -> bytes:
    """Apply PKCS#7 padding to a multiple of 32 bytes (always 1..32 pad bytes)."""
    n = BLOCK - len(buf) % BLOCK
    return buf + bytes([n]) * n


def unpad(buf: bytes) -> bytes:
    """Strip and validate 32-byte PKCS#7 padding, raising DecryptError when malformed."""
    if not buf:
        raise DecryptError("empty buffer")
    n = buf[-1]
    # Tencent's decoders trust the pad byte blindly; checking every byte also catches wrong keys.
    if not 1 <= n <= BLOCK or n > len(buf) or buf[-n:] != bytes([n]) * n:
        raise DecryptError("bad padding")
    return buf[:-n]


def encrypt(
    key: bytes,
    msg: bytes,
    receive_id: str,
    *,
    random_bytes: Callable[[int], bytes] = secrets.token_bytes,
) -> str:
    """Encrypt msg for receive_id and return the base64 ciphertext."""
    cipher = _cipher(key)
    prefix = random_bytes(RANDOM_LEN)
    if not isinstance(prefix, bytes) or len(prefix) != RANDOM_LEN:
        raise EncryptError("random prefix must be 16 bytes")
    if not isinstance(msg, bytes) or len(msg) > _MAX_MSG:
        raise EncryptError("message must be bytes shorter than 4 GiB")
    try:
        rid = receive_id.encode("utf-8")
    except (AttributeError, UnicodeError):
        raise EncryptError("receive id must be encodable text") from None
    buf = prefix + struct.pack(">I", len(msg)) + msg + rid
    return base64.b64encode(cipher.encrypt(pad(buf))).decode("ascii")


def decrypt(key: bytes, encrypt_b64: str, receive_id: str) -> bytes:
    """Decrypt a base64 ciphertext, check its receive id, and return the message bytes."""
    cipher = _cipher(key)
    try:
        # Strict: validate=True refuses characters outside the alphabet instead of skipping them.
        raw = base64.b64decode(encrypt_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise DecodeBase64Error("ciphertext is not valid base64") from None
    if not raw or len(raw) % AES.block_size:
        raise DecryptError("ciphertext length is not a positive multiple of 16")
    # Distinct padding/buffer errors are no padding oracle here: callers verify the
    # signature before decrypting, so unauthenticated ciphertexts never get this far.
    buf = unpad(cipher.decrypt(raw))
    if len(buf) < _HEADER:
        raise IllegalBuffer("buffer shorter than its header")
    (msg_len,) = struct.unpack(">I", buf[RANDOM_LEN:_HEADER])
    end = _HEADER + msg_len
    if end > len(buf):
        raise IllegalBuffer("msg_len beyond end of buffer")
    if not hmac.compare_digest(buf[end:], receive_id.encode("utf-8")):
        raise ReceiveIdMismatch("receive id mismatch")
    return buf[_HEADER:end]
