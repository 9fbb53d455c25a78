"""Errors from the WeCom API, and which of them are worth retrying.

WeComError
  + ApiError(errcode, errmsg)     an answer with errcode != 0
  + TransportError                 timeout, connection error or HTTP 5xx: retry later
  + TokenUnavailable               gettoken is failing (wrong secret, IP not trusted, limit)
"""
from __future__ import annotations

# Worth another try later: system busy, frequency/concurrency limits, expired tokens.
RETRYABLE = frozenset({-1, 45009, 45033, 40014, 42001, 42007, 42009})
TOKEN_INVALID = frozenset({40014, 42001, 42007, 42009})
# Codes that need minutes, not seconds, before the next try.
SLOW_DOWN = frozenset({45009, 45033})


class WeComError(Exception):
    """Base of every WeCom client error."""


class ApiError(WeComError):
    """WeCom answered with a non-zero errcode; errmsg is kept as WeCom wrote it."""

    def __init__(self, errcode: int, errmsg: str, path: str = ""):
        super().__init__(f"{path} errcode {errcode}: {errmsg}")
        self.errcode, self.errmsg, self.path = errcode, errmsg, path

    @property
    def retryable(self) -> bool:
        """True when a later try may succeed without anyone changing anything."""
        return self.errcode in RETRYABLE


class TransportError(WeComError):
    """The request did not get a WeCom answer: timeout, connection error, HTTP 5xx.

    `detail`: the cause in plain words with what to check (bot.diagnose), for admin tools.
    """

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail or message


class TokenUnavailable(WeComError):
    """No access_token can be had right now; `retry_after` seconds until the next gettoken."""

    def __init__(self, reason: str, retry_after: float):
        super().__init__(reason)
        self.retry_after = retry_after
