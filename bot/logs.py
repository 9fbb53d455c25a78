"""Logging set-up that keeps secrets out of the logs."""
from __future__ import annotations

import logging
import os
import re

# access_token and corpsecret travel in query strings; never let a URL reach a log line whole.
_SECRET_QUERY = re.compile(r"((?:access_token|corpsecret|echostr|msg_signature)=)[^&\s\"']+")


class RedactSecrets(logging.Filter):
    """Blank out secret query parameters in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _SECRET_QUERY.sub(r"\1***", message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: str | None = None) -> None:
    """Configure root logging once; httpx's per-request INFO lines (full URLs) are silenced."""
    root = logging.getLogger()
    if not any(isinstance(f, RedactSecrets) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactSecrets())
        root.addHandler(handler)
    root.setLevel(level or os.environ.get("BOT_LOG_LEVEL", "INFO"))
    for noisy in ("httpx", "httpcore", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
