"""Issue 17 (9): no value from outside can write a log line of its own (CR/LF injection).

Before: the access log wrote PATH_INFO (percent-decoded) as it came, and the app's formatter
wrote messages as they came, so `%0A` in a request wrote a forged line.
"""
from __future__ import annotations

import logging
import re
import socket
from urllib.parse import urlsplit

import httpx

from bot.logs import OneLineFormatter, escape, one_line
from tests.e2e.conftest import env, fake_server, server  # noqa: F401 (fixtures)

FORGED = "2026-01-01 00:00:00,000 INFO bot.web.callback: FORGED admin login"
RECORD = re.compile(r"^\S")   # every record starts at column 0; continuation lines are indented


def test_escape_keeps_chinese_and_writes_controls_as_escapes():
    assert escape("面试\r\n\x00\x1b[31m\u2028ok\t") == "面试\\x0d\\x0a\\x00\\x1b[31m\\u2028ok\\x09"


def test_a_record_with_newlines_in_its_values_and_traceback_stays_one_record():
    fmt = OneLineFormatter("%(levelname)s %(message)s")
    try:
        raise ValueError("bad\n" + FORGED)
    except ValueError as exc:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "got %s", ("a\r\n" + FORGED,),
                                   (type(exc), exc, exc.__traceback__))
    lines = fmt.format(record).split("\n")
    assert lines[0] == "ERROR got a\\x0d\\x0a" + FORGED
    assert all(line.startswith("  ") for line in lines[1:]) and len(lines) > 2
    assert not any(line.startswith(FORGED) for line in lines)


def test_one_line_keeps_gunicorns_format():
    out = one_line(logging.Formatter("%(message)s"))
    record = logging.LogRecord("a", logging.INFO, __file__, 1, "GET /x\n%s", (FORGED,), None)
    assert out.format(record) == "GET /x\\x0a" + FORGED


def test_gunicorns_access_and_error_logs_hold_no_forged_line(server):  # noqa: F811
    host = urlsplit(server)
    forged = FORGED.replace(" ", "%20")
    httpx.get(f"{server}/healthz%0D%0A{forged}?x=%0A{forged}")
    httpx.post(f"{server}/wecom/callback%0A{forged}", content=b"x")
    with socket.create_connection((host.hostname, host.port)) as raw:   # no client cleans this
        raw.sendall(b"GET /healthz\x1b[2J HTTP/1.1\r\nHost: x\r\n\r\n")
        raw.recv(1000)
    log = server.proc.stop()
    assert "/healthz\\x0d\\x0a2026-01-01" in log       # the access log was on, and escaped
    for line in log.splitlines():
        assert not line.startswith(FORGED[:10]) or "FORGED" not in line, line
        assert "\x1b" not in line
