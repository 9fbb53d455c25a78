"""WeComCrypto: verify and open inbound callbacks, and seal replies (protocol §2, §4, §5, §8)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .cipher import aes_key, decrypt, encrypt
from .errors import EncryptError, IllegalBuffer, InvalidSignature, StaleTimestamp
from .formats import (
    callback_json,
    callback_xml,
    check_text,
    check_timestamp,
    extract_json_encrypt,
    extract_xml_encrypt,
    reply_json,
    reply_xml,
)
from .signature import sign, verify_signature


@dataclass(frozen=True)
class WeComCrypto:
    """Per-app crypto context: token, EncodingAESKey and the expected receive id."""

    # Secrets stay out of repr() so that logging the object cannot leak them.
    token: str = field(repr=False)
    encoding_aes_key: str = field(repr=False)
    receive_id: str
    max_skew: int = 300
    random_bytes: Callable[[int], bytes] = field(default=secrets.token_bytes, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)
    _key: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Validate once at construction so a bad config fails at startup, not per request.
        object.__setattr__(self, "_key", aes_key(self.encoding_aes_key))

    # --- inbound -----------------------------------------------------------------

    def _verify(self, msg_signature: str, timestamp: str, nonce: str, payload: str) -> None:
        now = self.clock() if self.max_skew > 0 else None
        verify_signature(
            self.token, msg_signature, timestamp, nonce, payload, now=now, max_skew=self.max_skew
        )

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """Check the GET handshake and return the decrypted echostr to send back verbatim."""
        try:
            self._verify(msg_signature, timestamp, nonce, echostr)
        except StaleTimestamp:
            raise
        except InvalidSignature:
            # A proxy may have turned '+' into ' ' (protocol §2.3); base64 never contains ' '.
            if not isinstance(echostr, str) or " " not in echostr:
                raise
            echostr = echostr.replace(" ", "+")
            self._verify(msg_signature, timestamp, nonce, echostr)
        plain = decrypt(self._key, echostr, self.receive_id)
        try:
            return plain.decode("utf-8")
        except UnicodeDecodeError:
            raise IllegalBuffer("echostr plaintext is not UTF-8") from None

    def open_xml(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> bytes:
        """Verify and decrypt an XML callback body; return the inner plaintext bytes."""
        encrypted = extract_xml_encrypt(body)
        self._verify(msg_signature, timestamp, nonce, encrypted)
        return decrypt(self._key, encrypted, self.receive_id)

    def open_json(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> bytes:
        """Verify and decrypt a JSON {"encrypt": ...} callback body; return the plaintext bytes."""
        encrypted = extract_json_encrypt(body)
        self._verify(msg_signature, timestamp, nonce, encrypted)
        return decrypt(self._key, encrypted, self.receive_id)

    # --- outbound ----------------------------------------------------------------

    def _seal(
        self, plaintext: str | bytes, nonce: str, timestamp: str | None
    ) -> tuple[str, str, str]:
        """Encrypt and sign; return (encrypt, signature, timestamp)."""
        if isinstance(plaintext, str):
            try:
                plaintext = plaintext.encode("utf-8")
            except UnicodeEncodeError:
                raise EncryptError("plaintext is not encodable as UTF-8") from None
        ts = check_timestamp(str(int(self.clock())) if timestamp is None else timestamp)
        nonce = check_text(nonce, "nonce")
        encrypted = encrypt(self._key, plaintext, self.receive_id, random_bytes=self.random_bytes)
        return encrypted, sign(self.token, ts, nonce, encrypted), ts

    def seal_xml(self, plaintext: str | bytes, nonce: str, timestamp: str | None = None) -> str:
        """Build the encrypted passive-reply XML envelope for an app callback."""
        encrypted, signature, ts = self._seal(plaintext, nonce, timestamp)
        return reply_xml(encrypted, signature, ts, nonce)

    def seal_json(self, plaintext: str | bytes, nonce: str, timestamp: str | None = None) -> str:
        """Build the encrypted passive-reply JSON envelope for an intelligent bot."""
        encrypted, signature, ts = self._seal(plaintext, nonce, timestamp)
        return reply_json(encrypted, signature, ts, nonce)

    def seal_callback(
        self,
        plaintext: str | bytes,
        *,
        nonce: str,
        timestamp: str | None = None,
        agent_id: str = "",
        to_user_name: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """Build what WeCom POSTs to an app: (XML body, query parameters)."""
        encrypted, signature, ts = self._seal(plaintext, nonce, timestamp)
        to = self.receive_id if to_user_name is None else to_user_name
        body = callback_xml(encrypted, to, agent_id)
        return body, {"msg_signature": signature, "timestamp": ts, "nonce": nonce}

    def seal_callback_json(
        self, plaintext: str | bytes, *, nonce: str, timestamp: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """Build what WeCom POSTs to an intelligent bot: (JSON body, query parameters)."""
        encrypted, signature, ts = self._seal(plaintext, nonce, timestamp)
        query = {"msg_signature": signature, "timestamp": ts, "nonce": nonce}
        return callback_json(encrypted), query

    def verify_url_query(
        self, echo_plain: str, *, nonce: str, timestamp: str | None = None
    ) -> dict[str, str]:
        """Build the (not URL-encoded) query WeCom's console sends to verify a callback URL."""
        encrypted, signature, ts = self._seal(echo_plain, nonce, timestamp)
        return {"msg_signature": signature, "timestamp": ts, "nonce": nonce, "echostr": encrypted}
