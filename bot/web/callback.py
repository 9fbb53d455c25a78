"""`GET/POST /wecom/callback`: a thin Flask adapter around crypto and the inbox.

Status codes are decided here and only here: a forged or stale request is 403, a malformed
one 400, an oversized one 413 (by MAX_CONTENT_LENGTH), a database outage 503 so that WeCom
retries, and everything taken in is an empty 200. Never a 500: WeCom would just retry it.
"Taken in" means committed to the inbox (bot.pipeline.inbox); a worker acts on it right after.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, request

from bot.pipeline.dispatch import DATABASE_DOWN
from bot.pipeline.inbox import InboxUnavailable
from bot.web.respond import crypto_status, plain, services, signed_query
from bot.wecom.messages import InboundError, parse_message
from crypto import CryptoError

log = logging.getLogger(__name__)
bp = Blueprint("wecom", __name__)


@bp.get("/wecom/callback")
def verify_url() -> Response:
    """WeCom's URL check: answer the decrypted echostr, raw, within a second."""
    signature, timestamp, nonce = signed_query()
    echostr = request.args.get("echostr", "")
    if not echostr:
        return plain(400, "missing echostr")
    try:
        echo = services().crypto.verify_url(signature, timestamp, nonce, echostr)
    except CryptoError as exc:
        log.warning("URL verification refused: %s (code %s)", type(exc).__name__, exc.code)
        return plain(crypto_status(exc), "forbidden" if crypto_status(exc) == 403 else "bad")
    return plain(200, echo)


@bp.post("/wecom/callback")
def receive() -> Response:
    """A message or event: verify, decrypt, store it once, answer an empty 200."""
    signature, timestamp, nonce = signed_query()
    body = request.get_data(cache=False)   # over MAX_CONTENT_LENGTH: werkzeug answers 413
    svc = services()
    try:
        plaintext = svc.crypto.open_xml(body, signature, timestamp, nonce)
        msg = parse_message(plaintext)
    except CryptoError as exc:
        status = crypto_status(exc)
        log.warning("callback refused with %d: %s (code %s)", status, type(exc).__name__,
                    exc.code)
        return plain(status, "forbidden" if status == 403 else "bad request")
    except InboundError as exc:
        log.warning("callback refused with 400: undecodable message: %s", exc)
        return plain(400, "bad request")
    try:
        svc.pipeline.take_in(msg, svc.clock())
    except (InboxUnavailable, *DATABASE_DOWN):
        log.error("database unavailable; answering 503 so WeCom retries")
        return plain(503, "try again")
    # The worker acts on it and replies through message/send; the callback only acknowledges.
    return plain(200)

