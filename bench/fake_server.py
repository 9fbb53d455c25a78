"""Serve devkit.fakewecom on 127.0.0.1 in its own process until stdin closes or SIGTERM.

Prints one JSON line {"url": ...} once listening. A separate process, so the fake's request
handling never competes for a GIL with the bench orchestrator; the bench reads what it
recorded (with wall-clock `at` timestamps) through the control API, GET /_fake/state.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from devkit.fakewecom import CorpLimits, FakeWeCom


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--corp-id", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--agent-id", type=int, required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--limits", action="store_true",
                   help="enforce WeCom's corp-wide limits (45009), devkit.fakewecom.ratelimits")
    p.add_argument("--per-minute", type=int, default=CorpLimits.per_minute)
    p.add_argument("--per-hour", type=int, default=CorpLimits.per_hour)
    p.add_argument("--minute-seconds", type=float, default=60.0,
                   help="a minute's length in seconds (scales every window)")
    args = p.parse_args()
    limits = CorpLimits(args.per_minute, args.per_hour, args.minute_seconds) \
        if args.limits else None
    fake = FakeWeCom(corp_id=args.corp_id, secret=args.secret, agent_id=args.agent_id,
                     limits=limits)
    server = fake.serve("127.0.0.1", args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    print(json.dumps({"url": server.url}), flush=True)
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
