"""Typed errors carrying the official WXBizMsgCrypt return codes (protocol §3.6)."""

from __future__ import annotations


class CryptoError(Exception):
    """Base of every crypto failure; `.code` is the official negative return code."""

    code: int = -40000

    def __init__(self, message: str = "") -> None:
        # Messages are short fixed phrases: callers may log them, so they must never
        # echo tokens, keys, ciphertext or plaintext.
        super().__init__(message or type(self).__name__)
        self.message = message or type(self).__name__

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidSignature(CryptoError):
    """msg_signature missing or not matching sha1(sort(token, timestamp, nonce, payload))."""

    code = -40001


class StaleTimestamp(InvalidSignature):
    """Timestamp is not an integer or lies outside the allowed clock skew window."""

    # Same official code as a bad signature: WeCom has no dedicated replay code.
    code = -40001


class ParseError(CryptoError):
    """Malformed or unsafe XML/JSON envelope, or a missing Encrypt field."""

    code = -40002


class IllegalAesKey(CryptoError):
    """EncodingAESKey is not 43 characters of [A-Za-z0-9] (or the key is not 32 bytes)."""

    code = -40004


class ReceiveIdMismatch(CryptoError):
    """The receive id inside the plaintext buffer differs from the expected one."""

    code = -40005


class EncryptError(CryptoError):
    """AES encryption failed (bad random prefix, oversized or unencodable message)."""

    code = -40006


class DecryptError(CryptoError):
    """AES decryption failed: bad ciphertext length, bad padding or wrong key."""

    code = -40007


class IllegalBuffer(CryptoError):
    """Decrypted buffer is truncated or its msg_len points past its end."""

    code = -40008


class EncodeBase64Error(CryptoError):
    """Base64 encoding of the ciphertext failed."""

    code = -40009


class DecodeBase64Error(CryptoError):
    """The ciphertext is not strict base64."""

    code = -40010


class GenReturnError(CryptoError):
    """A reply envelope could not be built (e.g. a value would break the XML)."""

    code = -40011
