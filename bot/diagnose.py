"""Failures in plain words, each with what to do about it, for the admin tools.

check-config and verify-url used to print bare exception names (`OperationalError`,
`ConnectError`); an admin needs the cause and the remedy. Messages are matched on the texts
libpq, OpenSSL and the resolver write, which are stable; anything else is named as it is.
"""
from __future__ import annotations

import httpx

# errcode -> (what it means, what to do); the ones check-config's gettoken can meet.
API = {
    40001: ("wrong WECOM_SECRET: WeCom refused it", "set it to this app's Secret (应用管理 → "
            "the app → Secret); a Secret of another app or of the contacts API is refused too"),
    40013: ("wrong WECOM_CORP_ID: WeCom does not know it", "set it to 我的企业 → 企业ID"),
    40091: ("wrong WECOM_SECRET: WeCom refused it", "set it to this app's Secret"),
    41004: ("the Secret is empty", "set WECOM_SECRET"),
    60020: ("this server's IP address is not in the app's trusted IPs",
            "add it under the app → 企业可信IP, or call from an allowed address"),
    45009: ("WeCom's call limit is reached", "wait a minute and try again"),
    -1: ("WeCom is busy", "try again in a moment"),
}


def api_cause(errcode: int, errmsg: str = "") -> str:
    """A WeCom errcode in plain words with the remedy."""
    if errcode in API:
        what, todo = API[errcode]
        return f"{what} (errcode {errcode}): {todo}"
    return f"WeCom answered errcode {errcode} ({errmsg or 'no message'}): look it up at " \
           "https://developer.work.weixin.qq.com/document/path/90313"


def _text(exc: BaseException) -> str:
    parts, seen = [], set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        parts.append(str(cur))
        cur = cur.__cause__ or cur.__context__ or getattr(cur, "orig", None)
    return " ".join(parts).lower()


def network_cause(exc: BaseException) -> str:
    """An HTTP client failure in plain words, with what to check."""
    text = _text(exc)
    if isinstance(exc, httpx.TimeoutException) or "timed out" in text:
        return ("no answer in time: a firewall may be dropping the packets, or the server is "
                "overloaded")
    if any(s in text for s in ("name or service not known", "nodename nor servname",
                               "temporary failure in name resolution", "getaddrinfo",
                               "no address associated")):
        return "unknown host: the name does not resolve; check its spelling and this machine's DNS"
    if any(s in text for s in ("certificate", "ssl", "tls")):
        return ("TLS failed: the certificate is not valid for this host, has expired, or is "
                "not trusted here")
    if "refused" in text:
        return ("connection refused: nothing listens at that host and port; is the server "
                "running, and is the port right?")
    return f"network error ({type(exc).__name__}): {text[:200]}"


def database_cause(exc: BaseException) -> str:
    """A database connection failure in plain words, with what to check."""
    text = _text(exc)
    if "password authentication failed" in text or "no password supplied" in text:
        return ("the database refused the login: the user name or password in DATABASE_URL "
                "is wrong")
    if "no pg_hba.conf entry" in text:
        return ("the database refused this machine (pg_hba.conf has no entry for it): allow "
                "this host, user and database there")
    if "role" in text and "does not exist" in text:
        return "the database has no such user: check the user name in DATABASE_URL"
    if "database" in text and "does not exist" in text:
        return ("the database named in DATABASE_URL does not exist: create it, then run "
                "`interview-bot db upgrade`")
    if "could not translate host name" in text or "name or service not known" in text:
        return "unknown database host: check the host name in DATABASE_URL and this machine's DNS"
    if "ssl" in text or "certificate" in text:
        return ("TLS to the database failed: check sslmode in DATABASE_URL and the server's "
                "certificate")
    if "refused" in text:
        return ("database unreachable: connection refused; is PostgreSQL running, and are the "
                "host and port in DATABASE_URL right?")
    if "timeout" in text or "timed out" in text or "did not answer" in text:
        return ("database unreachable: no answer in time; a firewall may be dropping the "
                "packets, or the server is down or overloaded")
    if "unable to open database file" in text:
        return "the SQLite file cannot be opened: check the path in DATABASE_URL and its folder"
    return f"database error ({type(exc).__name__}): {text[:200]}"
