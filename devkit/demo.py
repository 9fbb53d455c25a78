"""`interview-bot demo`: the bot, its worker, a fake WeCom API and the simulator in one process.

Everything runs on embedded defaults: a SQLite file and generated dev credentials under
instance/ (kept across restarts), the fake WeCom API mounted at /fake-wecom on the same port,
and a clock the simulator can move forward. Ctrl-C (or SIGTERM) stops it all cleanly.
"""
from __future__ import annotations

import errno
import json
import logging
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import redirect
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from bot.pipeline.worker import Worker
from bot.services import Services, build
from config.settings import Settings
from devkit import demo_seed
from devkit.fakewecom import FakeWeCom
from devkit.simulator import install
from devkit.simulator.clock import OffsetClock
from devkit.simulator.devcreds import DevCredentials, load_or_create
from devkit.simulator.fakelink import LocalFake
from store.db import upgrade

log = logging.getLogger(__name__)
FAKE_PREFIX = "/fake-wecom"
RUNNING_FILE = "demo.json"      # tells `interview-bot simulate` a demo is up, and where
CLOCK_FILE = "demo-clock.json"
DB_FILE = "demo.sqlite3"   # never the file a real app defaults to (config.settings)


def instance_dir() -> Path:
    """Where the demo keeps its database, credentials and clock: ./instance."""
    return Path("instance").resolve()


def database_url(instance: Path) -> str:
    """The demo's SQLite database."""
    return f"sqlite:///{instance / DB_FILE}"


def demo_settings(creds: DevCredentials, api_base: str, db_url: str,
                  public_url: str = "") -> Settings:
    """Settings for the demo: dev credentials, the fake API, the simulator on; links to the
    candidate page (邀约) point at the demo's own address."""
    return Settings(corp_id=creds.corp_id, agent_id=creds.agent_id, secret=creds.secret,
                    token=creds.token, encoding_aes_key=creds.encoding_aes_key,
                    aibot_token=creds.aibot_token,
                    aibot_encoding_aes_key=creds.aibot_encoding_aes_key,
                    api_base=api_base, database_url=db_url, simulator=True,
                    public_url=public_url).validated()


def loopback_for(host: str) -> str:
    """The address this process uses to reach its own server bound to `host`."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::", "localhost") else host


class _QuietHandler(WSGIRequestHandler):
    """No access log: the page polls twice a second."""

    def log_request(self, *args: Any) -> None:
        """Discard."""


@dataclass
class Demo:
    """The running demo: server, worker thread, services and fake."""

    host: str = "127.0.0.1"
    port: int = 8080
    instance: Path = field(default_factory=instance_dir)
    server: BaseWSGIServer | None = None
    services: Services | None = None
    fake: FakeWeCom | None = None
    url: str = ""
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self, seed: bool = True) -> str:
        """Build and start everything; returns the simulator's URL."""
        creds = load_or_create(self.instance)
        db_url = database_url(self.instance)
        logging.getLogger("alembic").setLevel(logging.WARNING)
        upgrade(db_url)
        clock = OffsetClock.load(self.instance / CLOCK_FILE)
        # Bind first: the port (maybe a free one) decides the fake API's URL.
        self._wsgi: Any = None
        try:
            self.server = make_server(self.host, self.port, lambda e, s: self._wsgi(e, s),
                                      threaded=True, request_handler=_QuietHandler)
        except SystemExit:   # werkzeug exits on a busy port; we want to say it our way
            raise OSError(errno.EADDRINUSE, "the port is in use") from None
        port = self.server.server_port
        base = f"http://{loopback_for(self.host)}:{port}"
        self.fake = FakeWeCom(corp_id=creds.corp_id, secret=creds.secret,
                              agent_id=creds.agent_id, clock=lambda: clock().timestamp())
        settings = demo_settings(creds, base + FAKE_PREFIX, db_url, public_url=base)
        self.services = svc = build(settings, clock=clock)
        from bot.web.app import create_app

        app = create_app(services=svc)
        sim = install(app, link=LocalFake(self.fake), callback_url=base + "/wecom/callback",
                      aibot_url=base + "/wecom/aibot")
        app.add_url_rule("/", "demo_root", lambda: redirect("/simulator/"))
        app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
            app.wsgi_app, {FAKE_PREFIX: self.fake.wsgi_app})
        self._wsgi = app

        worker = demo_worker(svc)
        clock.listeners.append(worker.wake)         # reminders fire as soon as time moves
        self._spawn("demo-worker", lambda: worker.run(self._stop))
        self._spawn("demo-http", lambda: self.server.serve_forever(0.2))

        created = demo_seed.seed_users(svc.sessions, clock()) if seed else 0
        self.fake.add_users({u["userid"]: u["name"] for u in _members(svc)})
        scheduled = 0
        if seed:
            try:
                scheduled = demo_seed.seed_interviews(svc.sessions, svc.dispatcher.router,
                                                      lambda u, t: sim.side.text(u, t),
                                                      now=clock(), tz=svc.settings.timezone)
            except Exception:   # a failed sample must not stop the demo itself
                log.exception("demo seed: scheduling the sample interviews failed")
        if created or scheduled:
            log.info("demo seed: %d member(s), %d scheduling message(s)", created, scheduled)
        self.url = f"http://{'127.0.0.1' if self.host in ('', '0.0.0.0') else self.host}" \
                   f":{port}/simulator/"
        (self.instance / RUNNING_FILE).write_text(json.dumps(
            {"url": base, "pid": os.getpid()}))
        return self.url

    def _spawn(self, name: str, target: Any) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self) -> None:
        """Stop serving, let the worker finish its sends, release the database."""
        self._stop.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        for t in self._threads:
            t.join(timeout=15)
        if self.services is not None:
            self.services.close()
        (self.instance / RUNNING_FILE).unlink(missing_ok=True)


def demo_worker(svc: Services) -> Worker:
    """The app's worker (make_worker gives it the reminder clock and the name sync)."""
    return svc.make_worker()


def _members(svc: Services) -> list[dict[str, str]]:
    from bot.admin import list_users

    return [{"userid": u.wecom_userid, "name": u.name} for u in list_users(svc.sessions)]


def run_demo(host: str, port: int, seed: bool) -> int:
    """Run the demo in the foreground until Ctrl-C or SIGTERM; 0 on a clean stop."""
    demo = Demo(host=host, port=port)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            url = demo.start(seed=seed)
        except OSError as exc:
            print(f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                  "(try `interview-bot demo --port 8081`)", flush=True)
            return 1
        print(f"\n  Interview bot demo is running: open {url}\n"
              f"  data and dev credentials: {demo.instance}/ · Ctrl-C stops it\n", flush=True)
        while not stop.wait(0.5):   # a short wait keeps Ctrl-C responsive everywhere
            pass
        print("stopping…", flush=True)
        return 0
    finally:
        demo.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print("demo stopped", flush=True)
