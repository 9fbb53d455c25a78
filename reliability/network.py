"""The three network scenarios of issue 17: slow clients, a half-open partition, a frozen
database. Each returns a Result; the sizes are parameters (run.py has the full and quick ones).

The database is put behind tests/support/proxy.TcpProxy, which this process controls:
`freeze()` forwards nothing either way while every connection stays open, which is both a
frozen server and a host that vanished without closing its connections.
"""
from __future__ import annotations

import os
import re
import signal
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from sqlalchemy.engine import make_url

from reliability.checks import delivered_once, held_by, wrap_up
from reliability.load import Attempt, Sender, messages, steady_schedule, wecom_retries
from reliability.report import Result, query
from reliability.stack import BIN, ScratchDatabase, Stack
from tests.support.nginx import Nginx
from tests.support.proxy import TcpProxy
from tests.support.slowloris import attack

WECOM_WAIT = 5.0   # seconds WeCom waits for an answer to a callback


def _proxy(url: str) -> tuple[TcpProxy, str]:
    u = make_url(url)
    proxy = TcpProxy(u.host or "127.0.0.1", u.port or 5432)
    return proxy, u.set(port=proxy.port).render_as_string(hide_password=False)


class _Prober:
    """GET /healthz every `every` seconds in a thread; keeps (started, seconds, status)."""

    def __init__(self, base: str, every: float = 0.5):
        self.base, self.every, self.seen = base, every, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self.stop.is_set():
                t0 = time.monotonic()
                try:
                    status: int | str = client.get(self.base + "/healthz").status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                self.seen.append((t0, time.monotonic() - t0, status))
                self.stop.wait(self.every)

    def end(self) -> list[tuple[float, float, int | str]]:
        """Stop and return what was seen."""
        self.stop.set()
        self.thread.join(35)
        return self.seen


def _slowest(attempts: list[Attempt]) -> float:
    return round(max((a.ended - a.started for a in attempts), default=0.0), 2)


@dataclass
class SlowClients:
    """Slow-header and slow-body connections, through nginx (config/nginx-site.conf, the
    production set-up) and straight at gunicorn, while real callbacks and /healthz go on."""

    slow_via_nginx: int = 200     # connections, half trickling headers, half bodies
    slow_direct: int = 12         # the attack as reported: six of each
    messages: int = 300
    users: int = 100
    rate: float = 20.0
    strict: bool = True           # also check every answer came within WeCom's 5 s

    def __call__(self, log: Callable[[str], None] = print) -> Result:
        """Run both attacks; check every callback and probe answered, and in time."""
        result = Result(f"slow clients ({self.slow_via_nginx} via nginx, {self.slow_direct} "
                        "straight at gunicorn)")
        started = time.monotonic()
        stack = Stack()
        nginx = None
        try:
            with ScratchDatabase() as db, stack:
                fake = stack.fake()
                stack.configure(db.url, fake.url)
                base = stack.web()
                stack.worker()
                nginx = Nginx(int(base.rsplit(":", 1)[1]), stack.workdir / "nginx")
                cbs = messages(self.messages, self.users, "sc")
                half = len(cbs) // 2
                for phase, target, n, part in (("nginx", nginx.url, self.slow_via_nginx,
                                                cbs[:half]),
                                               ("direct", base, self.slow_direct, cbs[half:])):
                    log(f"slow-clients: {n} slow connections {phase}, {len(part)} callbacks")
                    # Through nginx: from many addresses, each under its per-address cap.
                    slow = attack(target, headers=n // 2, bodies=n - n // 2,
                                  addresses=max(1, n // 10) if phase == "nginx" else 0)
                    time.sleep(1)
                    prober = _Prober(target)
                    sender = Sender(target, 8)
                    sender.play(part, steady_schedule(len(part), self.rate))
                    probes = prober.end()
                    cut = sum(c.closed_by_server.is_set() for c in slow)
                    for c in slow:
                        c.close()
                    statuses = Counter(str(s) for _, _, s in probes)
                    slowest_probe = round(max(d for _, d, _ in probes), 2)
                    result.figures.update({
                        f"{phase}_callback_statuses": sender.statuses(),
                        f"{phase}_callback_slowest_seconds": _slowest(sender.attempts),
                        f"{phase}_callback_median_ms": round(1000 * statistics.median(
                            a.ended - a.started for a in sender.attempts)),
                        f"{phase}_healthz_statuses": dict(statuses),
                        f"{phase}_healthz_slowest_seconds": slowest_probe,
                        f"{phase}_slow_connections_cut_by_server": f"{cut} of {len(slow)}"})
                    result.check(sender.statuses() == {"200": len(part)},
                                 f"{phase}: not every callback got 200: {sender.statuses()}")
                    result.check(set(statuses) == {"200"},
                                 f"{phase}: /healthz not always 200: {dict(statuses)}")
                    if self.strict:
                        result.check(_slowest(sender.attempts) < WECOM_WAIT
                                     and slowest_probe < WECOM_WAIT,
                                     f"{phase}: an answer took {WECOM_WAIT:g} s or more")
                result.check("WORKER TIMEOUT" not in stack.logs(), "gunicorn killed a worker")
                delivered_once(result, db.url, fake, cbs, "sc", timeout=120,
                               allow_suppressed=False)
        finally:
            if nginx is not None:
                nginx.stop()
            wrap_up(result, stack, started)
        return result


@dataclass
class HalfOpen:
    """A worker's host drops off the network without closing its connections, in the middle
    of the load (its PostgreSQL link frozen, the process stopped); a second worker must take
    over what it held, and when it comes back nothing is done twice."""

    messages: int = 600
    users: int = 150
    rate: float = 20.0
    vanish_at: float = 0.3        # share of the load sent when the host vanishes
    lease: int = 60               # BOT_CLAIM_LEASE_SECONDS (the production default)
    back_after: float = 5.0       # seconds after the survivor finished: the host returns

    def __call__(self, log: Callable[[str], None] = print) -> Result:
        """Run it and check: taken over, 0 lost, 0 doubled."""
        result = Result(f"half-open partition of a worker ({self.messages} messages)")
        started = time.monotonic()
        stack = Stack()
        proxy = None
        try:
            with ScratchDatabase() as db, stack:
                proxy, proxied = _proxy(db.url)
                fake = stack.fake()
                stack.configure(db.url, fake.url, BOT_CLAIM_LEASE_SECONDS=str(self.lease))
                base = stack.web()
                doomed = stack.start("worker-doomed", [str(BIN / "interview-bot"), "worker"],
                                     env={**stack.env, "DATABASE_URL": proxied})
                cbs = messages(self.messages, self.users, "ho")
                sender = Sender(base, 8)
                load = threading.Thread(target=sender.play,
                                        args=(cbs, steady_schedule(len(cbs), self.rate)))
                load.start()
                time.sleep(len(cbs) / self.rate * self.vanish_at)
                survivor_started = False
                while not held_by(db.url, doomed.pid):   # vanish while it holds something
                    time.sleep(0.01)
                proxy.freeze()
                os.kill(doomed.pid, signal.SIGSTOP)
                vanished = time.monotonic()
                log("half-open: the doomed worker's host vanished")
                stack.worker("worker-survivor")
                survivor_started = True
                prober = _Prober(base, every=1.0)
                load.join()
                oldest = 0.0
                while time.monotonic() - vanished < 600:
                    [(waiting, age)] = query(db.url, "SELECT count(*), coalesce(extract(epoch "
                                                     "FROM now() - min(received_at)), 0) FROM "
                                                     "inbound_messages WHERE status = 'pending'")
                    oldest = max(oldest, float(age))
                    [(busy,)] = query(db.url, "SELECT count(*) FROM outbox WHERE status IN "
                                              "('pending', 'sending')")
                    if not waiting and not busy:
                        break
                    time.sleep(0.5)
                took_over = round(time.monotonic() - vanished, 1)
                probes = prober.end()
                log(f"half-open: everything done {took_over} s after the host vanished")
                time.sleep(self.back_after)
                proxy.thaw()
                os.kill(doomed.pid, signal.SIGCONT)
                log("half-open: the host is back")
                time.sleep(5)
                unhealthy = sum(1 for _, _, s in probes if s != 200)
                result.figures.update(messages_sent=len(cbs), http_statuses=sender.statuses(),
                                      seconds_until_all_done_after_vanishing=took_over,
                                      oldest_pending_age_seconds_seen=round(oldest, 1),
                                      healthz_not_200_while_waiting=unhealthy,
                                      claim_lease_seconds=self.lease)
                result.check(survivor_started, "the survivor never started")
                result.check(sender.statuses() == {"200": len(cbs)},
                             f"not every callback got 200: {sender.statuses()}")
                state = delivered_once(result, db.url, fake, cbs, "ho", timeout=120,
                                       allow_suppressed=True)
                result.figures["resends_caught_by_duplicate_check"] = \
                    state["suppressed_duplicates"]
        finally:
            if proxy is not None:
                proxy.close()
            wrap_up(result, stack, started)
        return result


@dataclass
class FrozenDatabase:
    """PostgreSQL stops answering on open connections (and new ones hang) for `frozen_for`
    seconds, in the middle of the load; WeCom retries what was not acknowledged."""

    messages: int = 600
    users: int = 150
    rate: float = 20.0
    freeze_at: float = 0.35
    frozen_for: float = 15.0
    strict: bool = True           # also check the answers' times (below)

    def __call__(self, log: Callable[[str], None] = print) -> Result:
        """Run it and check 503s in time during the freeze, then each message answered once."""
        result = Result(f"frozen database ({self.messages} messages, {self.frozen_for:g} s)")
        started = time.monotonic()
        stack = Stack()
        proxy = None
        try:
            with ScratchDatabase() as db, stack:
                proxy, proxied = _proxy(db.url)
                fake = stack.fake()
                stack.configure(proxied, fake.url)
                base = stack.web()
                stack.worker()
                cbs = messages(self.messages, self.users, "fz")
                sender = Sender(base, 16)
                load = threading.Thread(target=sender.play, args=(
                    cbs, steady_schedule(len(cbs), self.rate), wecom_retries(120)))
                load.start()
                time.sleep(len(cbs) / self.rate * self.freeze_at)
                proxy.freeze()
                frozen = time.monotonic()
                log(f"frozen-db: frozen for {self.frozen_for:g} s")
                time.sleep(self.frozen_for / 2)
                t0 = time.monotonic()
                try:
                    health: int | str = httpx.get(base + "/healthz", timeout=30).status_code
                except httpx.HTTPError as exc:
                    health = type(exc).__name__
                health_took = round(time.monotonic() - t0, 2)
                time.sleep(max(0.0, frozen + self.frozen_for - time.monotonic()))
                thawed = time.monotonic()
                proxy.thaw()
                log("frozen-db: thawed")
                load.join()
                inside = [a for a in sender.attempts if a.started >= frozen
                          and a.ended <= thawed]
                outage = Counter(str(a.status) for a in inside)
                acked = sender.acknowledged()
                result.figures.update(
                    messages_sent=len(cbs), callbacks_sent=len(sender.attempts),
                    http_statuses=sender.statuses(), callbacks_during_freeze=dict(outage),
                    slowest_answer_during_freeze_seconds=_slowest(inside),
                    healthz_during_freeze=health, healthz_took_seconds=health_took,
                    acknowledged=len(acked))
                result.check(bool(inside), "no callback was answered during the freeze")
                result.check(set(outage) <= {"503"}, f"during the freeze not only 503s: "
                                                     f"{dict(outage)}")
                result.check(health == 503, f"/healthz answered {health} during the freeze")
                # The server's own time for each 503 (gunicorn's access log), and the time the
                # sender saw, which adds any wait for a free thread on this loaded machine.
                server_ms = [int(m) for m in re.findall(r'"POST /wecom/callback" 503 \S+ (\d+)ms',
                                                        stack.logs())]
                result.figures["slowest_503_server_side_ms"] = max(server_ms, default=0)
                if self.strict:
                    result.check(max(server_ms, default=0) <= 2500,
                                 f"the server took {max(server_ms, default=0)} ms for a 503")
                    result.check(_slowest(inside) < WECOM_WAIT,
                                 f"a callback took {_slowest(inside)} s to get its 503")
                    result.check(health_took < WECOM_WAIT, f"/healthz took {health_took} s")
                result.check(len(acked) == len(cbs), f"{len(cbs) - len(acked)} never acked")
                delivered_once(result, db.url, fake, [c for i, c in enumerate(cbs)
                                                      if i in acked], "fz", timeout=180,
                               allow_suppressed=True)
        finally:
            if proxy is not None:
                proxy.close()
            wrap_up(result, stack, started)
        return result
