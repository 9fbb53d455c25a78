"""The file of pre-built callback requests shared by wrk (loadgen.lua) and openloop.py.

One record per request: a header line "<query length> <body length>\\n", then the query string
(already URL-encoded, without "?") and the raw body, byte for byte. Length-prefixed so that any
body works; Lua reads it with file:read(n).
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def write_requests(path: Path, requests: Iterable[tuple[str, bytes]]) -> int:
    """Write (query, body) pairs; returns how many."""
    n = 0
    with open(path, "wb") as f:
        for query, body in requests:
            q = query.encode("ascii")
            f.write(b"%d %d\n" % (len(q), len(body)))
            f.write(q)
            f.write(body)
            n += 1
    return n


def read_requests(path: Path) -> list[tuple[str, bytes]]:
    """Read the (query, body) pairs back."""
    out: list[tuple[str, bytes]] = []
    with open(path, "rb") as f:
        while True:
            header = f.readline()
            if not header:
                return out
            qlen, blen = (int(x) for x in header.split())
            out.append((f.read(qlen).decode("ascii"), f.read(blen)))
