"""The fake WeCom API in its own process, plus one fault the fake lacks: a slow answer.

GET /_rel/calls counts the requests of each API (the worker also calls user/get).

`python -m reliability.fake --corp-id … --secret … --agent-id …` prints {"url": …} once
listening and serves until SIGTERM. POST /_rel/slow {"times": n, "seconds": s} makes the next
n message/sends be delivered at once but answered only after s seconds: with s above the
client's 5 s timeout that is WeCom delivering a message whose answer we never see.
"""
from __future__ import annotations

import argparse
import json
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

from devkit.fakewecom import FakeWeCom


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        """No access log: tens of thousands of lines would say nothing."""


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
        if path == "/_rel/slow":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            rule = json.loads(environ["wsgi.input"].read(size) or b"{}")
            with self.lock:
                self.times, self.seconds = int(rule["times"]), float(rule["seconds"])
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"errcode":0,"errmsg":"ok"}']
        if path == "/_rel/calls":
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


def main() -> None:
    """Serve until SIGTERM or SIGINT."""
    p = argparse.ArgumentParser()
    p.add_argument("--corp-id", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--agent-id", type=int, required=True)
    p.add_argument("--timeout-seconds", type=float, default=6.0)
    args = p.parse_args()
    fake = FakeWeCom(corp_id=args.corp_id, secret=args.secret, agent_id=args.agent_id,
                     timeout_seconds=args.timeout_seconds)
    server = make_server("127.0.0.1", 0, SlowFront(fake), threaded=True, request_handler=_Quiet)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_port}"}), flush=True)
    stop.wait()
    server.shutdown()


if __name__ == "__main__":
    main()
