"""Logging set-up that keeps secrets out of the logs and one record on one line."""
from __future__ import annotations

import logging
import os
import re
from typing import Any

# access_token and corpsecret travel in query strings; never let a URL reach a log line whole.
_SECRET_QUERY = re.compile(r"((?:access_token|corpsecret|echostr|msg_signature)=)[^&\s\"']+")
# Anything that could end a line or redraw a terminal: C0 and C1 controls, DEL, and the Unicode
# line and paragraph separators. Logged values come from strangers (paths, message fields).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def escape(text: str) -> str:
    """The text with every control character written as an escape, so it stays on one line."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


class RedactSecrets(logging.Filter):
    """Blank out secret query parameters in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _SECRET_QUERY.sub(r"\1***", message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class OneLineFormatter(logging.Formatter):
    """Writes the message escaped (no CR/LF injection) and indents a traceback, so that every
    line a record adds that does not start with a timestamp visibly belongs to the one above."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape(record.getMessage())
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        out = self.formatMessage(record)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        for extra in (record.exc_text, record.stack_info and self.formatStack(record.stack_info)):
            if extra:
                out += "".join("\n  " + escape(line) for line in extra.splitlines())
        return out


def one_line(formatter: logging.Formatter | None) -> OneLineFormatter:
    """An escaping formatter with the same format and date format as `formatter`."""
    if formatter is None or isinstance(formatter, OneLineFormatter):
        return formatter or OneLineFormatter(FORMAT)
    style: Any = formatter._style   # noqa: SLF001 (the format string lives only there)
    return OneLineFormatter(style._fmt, formatter.datefmt)


def setup_logging(level: str | None = None) -> None:
    """Configure root logging once; httpx's per-request INFO lines (full URLs) are silenced."""
    root = logging.getLogger()
    if not any(isinstance(f, RedactSecrets) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(OneLineFormatter(FORMAT))
        handler.addFilter(RedactSecrets())
        root.addHandler(handler)
    root.setLevel(level or os.environ.get("BOT_LOG_LEVEL", "INFO"))
    for noisy in ("httpx", "httpcore", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
