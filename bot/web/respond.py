"""What both callback views share: the app's services, plain answers, crypto error statuses."""
from __future__ import annotations

from flask import Response, current_app, request

from bot.services import Services
from crypto import CryptoError, InvalidSignature, ReceiveIdMismatch


def services() -> Services:
    """The Services of the current app."""
    return current_app.extensions["wecom"]  # type: ignore[no-any-return]


def plain(status: int, body: str = "") -> Response:
    """A text/plain answer (WeCom reads the body of a URL check, and only the status else)."""
    return Response(body, status=status, mimetype="text/plain")


def crypto_status(exc: CryptoError) -> int:
    """403 for anything that fails authentication, 400 for anything malformed."""
    return 403 if isinstance(exc, InvalidSignature | ReceiveIdMismatch) else 400


def signed_query() -> tuple[str, str, str]:
    """msg_signature, timestamp and nonce from the query string ('' when absent)."""
    a = request.args
    return a.get("msg_signature", ""), a.get("timestamp", ""), a.get("nonce", "")
