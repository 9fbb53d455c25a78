"""Signed links for candidate self-scheduling: `<id>.<nonce>.<mac>`, checked without the
database first, so forged or altered tokens cost no query.

The key is derived from the settings secret with HMAC under a fixed label, never the secret
itself: a leaked link key reveals nothing about the WeCom app secret, and the label keeps it
apart from any other key derived from the same secret. Slot ids and the form's CSRF field are
MACs under the same key, bound to one invitation.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_LABEL = b"interview-bot/self-scheduling-link/v1"
_TOKEN = re.compile(r"([1-9]\d{0,17})\.([A-Za-z0-9_-]{8,16})\.([A-Za-z0-9_-]{22})")
_SLOT = re.compile(r"([1-9]\d{0,17})-(\d{1,12})-([A-Za-z0-9_-]{16})")


def derive_key(secret: str) -> bytes:
    """The link key: HMAC-SHA256(secret, label); ValueError when there is no secret."""
    if not secret:
        raise ValueError("no secret to derive the link key from")
    return hmac.new(secret.encode(), _LABEL, hashlib.sha256).digest()


def new_nonce() -> str:
    """A random nonce stored with the invitation."""
    return secrets.token_urlsafe(9)   # 12 characters


def _mac(key: bytes, *parts: str, size: int = 16) -> str:
    msg = "|".join(parts).encode()
    raw = hmac.new(key, msg, hashlib.sha256).digest()[:size]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def make(key: bytes, invitation_id: int, nonce: str) -> str:
    """The token for one invitation."""
    return f"{invitation_id}.{nonce}.{_mac(key, 'link', str(invitation_id), nonce)}"


def read(key: bytes, token: str) -> tuple[int, str] | None:
    """(invitation id, nonce) when the token is well formed and its MAC is ours; else None."""
    m = _TOKEN.fullmatch(token or "")
    if m is None:
        return None
    iid, nonce, mac = m.groups()
    if not hmac.compare_digest(mac, _mac(key, "link", iid, nonce)):
        return None
    return int(iid), nonce


def slot_id(key: bytes, invitation_id: int, nonce: str, start_minute: int) -> str:
    """A slot the page offers: bound to its invitation, so it means nothing for another."""
    mac = _mac(key, "slot", str(invitation_id), nonce, str(start_minute), size=12)
    return f"{invitation_id}-{start_minute}-{mac}"


def read_slot(key: bytes, invitation_id: int, nonce: str, value: str) -> int | None:
    """The slot's start (Unix minutes) when it was made for this invitation; else None."""
    m = _SLOT.fullmatch(value or "")
    if m is None or int(m.group(1)) != invitation_id:
        return None
    expected = _mac(key, "slot", str(invitation_id), nonce, m.group(2), size=12)
    return int(m.group(2)) if hmac.compare_digest(m.group(3), expected) else None


def csrf(key: bytes, invitation_id: int, nonce: str) -> str:
    """The form's hidden field: proves the POST came from the page this link served."""
    return _mac(key, "csrf", str(invitation_id), nonce)


def csrf_ok(key: bytes, invitation_id: int, nonce: str, value: str) -> bool:
    """True when the form's field is the one csrf() made."""
    return hmac.compare_digest((value or "").encode(), csrf(key, invitation_id, nonce).encode())
