"""CPU per callback of each WSGI app called directly, without a server: ours vs the peer.

    .venv/bin/python bench/wsgi_cost.py [--requests 4000]

Builds N distinct signed and encrypted 「帮助」 callbacks, then calls ours (`wsgi:app`, against a
scratch PostgreSQL database: verify, decrypt, parse, the inbox INSERT committed) and the peer
(`peer_app:app` in bench/.peer-venv) on the very same requests, one after the other in a
single thread, and prints each one's CPU time per request after a warm-up of 200. What is
left out is the same for both (gunicorn's HTTP parsing and sockets) and PostgreSQL's own CPU.
"""
from __future__ import annotations

import argparse
import atexit
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # devkit, also in the peer's venv
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    OUR_PATH,
    OUT,
    PEER_DIR,
    PEER_PATH,
    PEER_VENV,
    SECRET,
    TOKEN,
    MessageFactory,
    ScratchDB,
)
from reqfile import read_requests, write_requests  # noqa: E402

WARM_UP = 200


def cost(app: Any, path: str, requests: list[tuple[str, bytes]]) -> tuple[float, str]:
    """CPU seconds per request after the warm-up, and the last status."""
    from werkzeug.test import EnvironBuilder

    environs = [EnvironBuilder(path=path, method="POST", query_string=q, data=b,
                               content_type="text/xml").get_environ() for q, b in requests]
    status: list[str] = []

    def call(environ: dict[str, Any]) -> None:
        out = app(environ, lambda s, h, e=None: status.append(s))
        b"".join(out)
        getattr(out, "close", lambda: None)()

    for e in environs[:WARM_UP]:
        call(e)
    t0 = time.process_time()
    for e in environs[WARM_UP:]:
        call(e)
    return (time.process_time() - t0) / (len(environs) - WARM_UP), status[-1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=4000)
    p.add_argument("--peer", metavar="FILE", help=argparse.SUPPRESS)   # the peer's own run
    args = p.parse_args()
    if args.peer:
        sys.path.insert(0, str(PEER_DIR))
        from peer_app import app as peer

        per, status = cost(peer, PEER_PATH, read_requests(Path(args.peer)))
        print(f"peer: {per * 1e6:.0f} µs CPU per request (last answer {status})")
        return 0
    OUT.mkdir(exist_ok=True)
    requests = MessageFactory().many(args.requests, [f"u{i:05d}" for i in range(1000)])
    reqfile = OUT / "wsgi-cost.req"
    write_requests(reqfile, requests)
    db = ScratchDB()
    atexit.register(db.drop)
    db.create()
    from store.db import upgrade

    upgrade(db.url)
    os.environ.update(WECOM_CORP_ID=CORP_ID, WECOM_AGENT_ID=str(AGENT_ID), WECOM_SECRET=SECRET,
                      WECOM_TOKEN=TOKEN, WECOM_ENCODING_AES_KEY=AES_KEY, DATABASE_URL=db.url,
                      BOT_TIMESTAMP_WINDOW="0")
    from wsgi import app

    per, status = cost(app, OUR_PATH, requests)
    print(f"ours: {per * 1e6:.0f} µs CPU per request (last answer {status}; PostgreSQL's own "
          "CPU not included)")
    app.extensions["wecom"].close()
    return subprocess.run([str(PEER_VENV / "bin" / "python"), __file__, "--peer",
                           str(reqfile)]).returncode


if __name__ == "__main__":
    raise SystemExit(main())
