"""`GET/POST /wecom/callback`: a thin Flask adapter around crypto and the inbox.

Status codes are decided here and only here: a forged or stale request is 403, a malformed
one 400, an oversized one 413 (by MAX_CONTENT_LENGTH), a database outage 503 so that WeCom
retries, and everything taken in is an empty 200. Never a 500: WeCom would just retry it.
"Taken in" means committed to the inbox (bot.inbox); a worker acts on it right after.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request

from bot.dispatch import DATABASE_DOWN
from bot.inbound import InboundError, parse_message
from bot.inbox import InboxUnavailable
from bot.services import Services
from crypto import CryptoError, InvalidSignature, ReceiveIdMismatch, StaleTimestamp

log = logging.getLogger(__name__)
bp = Blueprint("wecom", __name__)


def services() -> Services:
    """The Services of the current app."""
    return current_app.extensions["wecom"]  # type: ignore[no-any-return]


def _text(status: int, body: str = "") -> Response:
    return Response(body, status=status, mimetype="text/plain")


def crypto_status(exc: CryptoError) -> int:
    """403 for anything that fails authentication, 400 for anything malformed."""
    return 403 if isinstance(exc, InvalidSignature | ReceiveIdMismatch) else 400


def _query() -> tuple[str, str, str]:
    a = request.args
    return a.get("msg_signature", ""), a.get("timestamp", ""), a.get("nonce", "")


@bp.get("/wecom/callback")
def verify_url() -> Response:
    """WeCom's URL check: answer the decrypted echostr, raw, within a second."""
    signature, timestamp, nonce = _query()
    echostr = request.args.get("echostr", "")
    if not echostr:
        return _text(400, "missing echostr")
    svc = services()
    try:
        plain = svc.crypto.verify_url(signature, timestamp, nonce, echostr)
    except CryptoError as exc:
        log.warning("URL verification refused: %s (code %s)", type(exc).__name__, exc.code)
        return _text(crypto_status(exc), refusal(exc, svc.clock().timestamp()))
    return _text(200, plain)


def refusal(exc: CryptoError, now: float) -> str:
    """The body of a refused URL check, naming the step that failed so `verify-url` can say
    which setting is wrong. Only a bad signature is answered blandly: every later step is
    reached only by someone holding the Token, so naming it tells a stranger nothing (and the
    server's time is in every Date header anyway)."""
    if isinstance(exc, StaleTimestamp):
        return f"stale timestamp; server time {int(now)}"
    if isinstance(exc, ReceiveIdMismatch):
        return "receive id mismatch"
    if isinstance(exc, InvalidSignature):
        return "forbidden"
    return "cannot decrypt"


@bp.post("/wecom/callback")
def receive() -> Response:
    """A message or event: verify, decrypt, store it once, answer an empty 200."""
    signature, timestamp, nonce = _query()
    body = request.get_data(cache=False)   # over MAX_CONTENT_LENGTH: werkzeug answers 413
    svc = services()
    try:
        plaintext = svc.crypto.open_xml(body, signature, timestamp, nonce)
        msg = parse_message(plaintext)
    except CryptoError as exc:
        status = crypto_status(exc)
        log.warning("callback refused with %d: %s (code %s)", status, type(exc).__name__,
                    exc.code)
        return _text(status, "forbidden" if status == 403 else "bad request")
    except InboundError as exc:
        log.warning("callback refused with 400: undecodable message: %s", exc)
        return _text(400, "bad request")
    try:
        new = svc.inbox.accept(msg, plaintext.decode("utf-8", "replace"), svc.clock())
    except (InboxUnavailable, *DATABASE_DOWN):
        log.error("database unavailable; answering 503 so WeCom retries")
        return _text(503, "try again")
    if new:
        for hook in svc.bot.after_commit:   # in-process workers (demo) start at once
            hook()
    # The worker acts on it and replies through message/send; the callback only acknowledges.
    return _text(200)

