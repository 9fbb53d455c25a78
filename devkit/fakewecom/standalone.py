"""The fake WeCom API in a process of its own, for the benchmarks and the reliability runs.

`python -m devkit.fakewecom.standalone --corp-id … --secret … --agent-id … [--port N]` prints
one JSON line {"url": …} once listening and serves until SIGTERM or SIGINT (and, with
`--until-stdin-closes`, until its parent closes stdin, so it never outlives a crashed bench).
A process of its own, so the fake's request handling never competes for a GIL with the
harness; the harness reads what it recorded through the control API (GET /_fake/state).

Beside the fake's control API it adds one fault the fake lacks, a slow answer, and a count
of calls per API:
- POST /_fake/slow {"times": n, "seconds": s}: the next n message/sends are delivered at once
  but answered only after s seconds (above the client's 5 s timeout, that is WeCom delivering
  a message whose answer we never see);
- GET /_fake/calls: requests per API, e.g. {"message/send": 12, "user/get": 3}.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import make_server

from .adapters import QuietHandler
from .core import FakeWeCom
from .ratelimits import CorpLimits


class SlowFront:
    """WSGI wrapper that delays the answers (not the effect) of some message/sends."""

    def __init__(self, fake: FakeWeCom):
        self.fake = fake
        self.times, self.seconds = 0, 0.0
        self.calls: Counter[str] = Counter()   # requests per API, e.g. "message/send"
        self.lock = threading.Lock()

    def _take(self) -> float:
        with self.lock:
            if self.times == 0:
                return 0.0
            if self.times > 0:
                self.times -= 1
            return self.seconds

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/_fake/slow":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            rule = json.loads(environ["wsgi.input"].read(size) or b"{}")
            with self.lock:
                self.times, self.seconds = int(rule["times"]), float(rule["seconds"])
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"errcode":0,"errmsg":"ok"}']
        if path == "/_fake/calls":
            with self.lock:
                body = json.dumps(dict(self.calls)).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        if path.startswith("/cgi-bin/"):
            with self.lock:
                self.calls[path.removeprefix("/cgi-bin/")] += 1
        delay = self._take() if path.endswith("/message/send") else 0.0
        body = b"".join(self.fake.wsgi_app(environ, start_response))  # delivered now...
        if delay:
            time.sleep(delay)                                          # ...answered later
        return [body]


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM or SIGINT (or stdin closing, if asked)."""
    p = argparse.ArgumentParser(prog="python -m devkit.fakewecom.standalone")
    p.add_argument("--corp-id", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--agent-id", type=int, required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--timeout-seconds", type=float, default=None,
                   help="how long a fault of kind timeout holds the answer")
    p.add_argument("--until-stdin-closes", action="store_true")
    p.add_argument("--limits", action="store_true",
                   help="enforce WeCom's corp-wide limits (45009), devkit.fakewecom.ratelimits")
    p.add_argument("--per-minute", type=int, default=CorpLimits.per_minute)
    p.add_argument("--per-hour", type=int, default=CorpLimits.per_hour)
    p.add_argument("--minute-seconds", type=float, default=60.0,
                   help="a minute's length in seconds (scales every window)")
    args = p.parse_args(argv)
    extra: dict[str, Any] = {} if args.timeout_seconds is None \
        else {"timeout_seconds": args.timeout_seconds}
    if args.limits:
        extra["limits"] = CorpLimits(args.per_minute, args.per_hour, args.minute_seconds)
    fake = FakeWeCom(corp_id=args.corp_id, secret=args.secret, agent_id=args.agent_id, **extra)
    server = make_server("127.0.0.1", args.port, SlowFront(fake), threaded=True,
                         request_handler=QuietHandler)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.until_stdin_closes:
        def watch_stdin() -> None:
            sys.stdin.read()
            stop.set()
        threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_port}"}), flush=True)
    stop.wait()
    server.shutdown()


if __name__ == "__main__":
    main()
