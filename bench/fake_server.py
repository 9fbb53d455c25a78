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

from devkit.fakewecom import FakeWeCom


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--corp-id", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--agent-id", type=int, required=True)
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args()
    fake = FakeWeCom(corp_id=args.corp_id, secret=args.secret, agent_id=args.agent_id)
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
