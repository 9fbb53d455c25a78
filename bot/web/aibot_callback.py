"""`GET/POST /wecom/aibot`: the intelligent bot's callback (JSON envelopes, ReceiveId "")."""
from __future__ import annotations

import json
import logging
import secrets

from flask import Blueprint, Response, request

from bot.pipeline.dispatch import DATABASE_DOWN
from bot.web.respond import crypto_status, plain, services
from bot.wecom.aibot_messages import AibotError, parse_aibot
from crypto import CryptoError

log = logging.getLogger(__name__)
bp = Blueprint("aibot", __name__)


@bp.get("/wecom/aibot")
def verify_url() -> Response:
    """The same URL check as the app's, with the intelligent bot's Token and key."""
    svc = services()
    if svc.aibot_crypto is None:
        return plain(404, "intelligent bot not configured")
    a = request.args
    if not a.get("echostr"):
        return plain(400, "missing echostr")
    try:
        echo = svc.aibot_crypto.verify_url(a.get("msg_signature", ""), a.get("timestamp", ""),
                                            a.get("nonce", ""), a.get("echostr", ""))
    except CryptoError as exc:
        return plain(crypto_status(exc), "refused")
    return plain(200, echo)


@bp.post("/wecom/aibot")
def receive() -> Response:
    """A message or event: answer with an encrypted passive reply, or an empty 200."""
    svc = services()
    if svc.aibot_crypto is None:
        return plain(404, "intelligent bot not configured")
    a = request.args
    nonce = a.get("nonce", "")
    try:
        plaintext = svc.aibot_crypto.open_json(request.get_data(cache=False),
                                               a.get("msg_signature", ""),
                                               a.get("timestamp", ""), nonce)
        msg = parse_aibot(plaintext)
    except CryptoError as exc:
        status = crypto_status(exc)
        log.warning("aibot callback refused with %d: %s", status, type(exc).__name__)
        return plain(status, "refused")
    except AibotError as exc:
        log.warning("aibot callback refused with 400: %s", exc)
        return plain(400, "bad request")
    try:
        reply = svc.aibot.process(msg, plaintext.decode("utf-8", "replace"))
    except DATABASE_DOWN:
        log.error("database unavailable; answering 503 so WeCom retries")
        return plain(503, "try again")
    if reply is None:
        return plain(200)
    sealed = svc.aibot_crypto.seal_json(json.dumps(reply, ensure_ascii=False),
                                        nonce or secrets.token_hex(8))
    return Response(sealed, status=200, mimetype="application/json")
