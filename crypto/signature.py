"""WeCom msg_signature: SHA-1 over the four sorted strings (protocol §3.5)."""

from __future__ import annotations

import hashlib
import hmac
import re

from .errors import InvalidSignature, StaleTimestamp

# Plain ASCII digits only: int() would also accept " 12", "+12", "1_2" and non-ASCII digits.
_TIMESTAMP = re.compile(r"[0-9]{1,15}")


def sign(token: str, timestamp: str, nonce: str, payload: str) -> str:
    """Return the lower-hex SHA-1 of the sorted, concatenated four strings."""
    # The sort is on strings, not numbers: the timestamp sorts as text (protocol §3.5).
    joined = "".join(sorted([token, timestamp, nonce, payload]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def verify_signature(
    token: str,
    msg_signature: str | None,
    timestamp: str,
    nonce: str,
    payload: str,
    *,
    now: float | None = None,
    max_skew: int = 300,
) -> None:
    """Raise InvalidSignature (or StaleTimestamp) unless the signature and timestamp are good."""
    if not isinstance(msg_signature, str) or not msg_signature:
        raise InvalidSignature("missing signature")
    try:
        expected = sign(token, timestamp, nonce, payload).encode("ascii")
        given = msg_signature.lower().encode("utf-8")
    except (TypeError, UnicodeError):
        # Non-str parts or lone surrogates from a hostile query cannot match a real signature.
        raise InvalidSignature("signature mismatch") from None
    # compare_digest on bytes: constant time, and no TypeError on non-ASCII input.
    if not hmac.compare_digest(expected, given):
        raise InvalidSignature("signature mismatch")
    # Freshness is checked only after authenticity, so StaleTimestamp means "genuine but old".
    if max_skew > 0 and now is not None:
        if not _TIMESTAMP.fullmatch(timestamp):
            raise StaleTimestamp("timestamp not an integer")
        if abs(now - int(timestamp)) > max_skew:
            raise StaleTimestamp("timestamp outside allowed window")
