"""The four scenarios of issue 7; each returns a Result, and the sizes are parameters."""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from reliability.checks import FaultTarget, delivered_once, held_by, sent_count, wrap_up
from reliability.load import Sender, messages, steady_schedule, storm_schedule, wecom_retries
from reliability.privatepg import PrivatePostgres
from reliability.report import Result
from reliability.stack import FakeClient, ScratchDatabase, Stack
from store.db import upgrade


@dataclass
class Storm:
    """Retry storm: every message four times, partly at once, over many connections."""

    messages: int = 10_000
    users: int = 2_000
    rate: float = 60.0            # new messages a second (each four times): about capacity
    concurrency: int = 32
    workers: int = 2

    def __call__(self, log: Callable[[str], None] = print) -> Result:
        """Run it and check one effect and one message/send per message."""
        result = Result(f"retry storm ({self.messages} messages x 4)")
        started = time.monotonic()
        stack = Stack()
        try:
            with ScratchDatabase() as db, stack:   # processes stop before the drop
                fake = stack.fake()
                stack.configure(db.url, fake.url)
                base = stack.web()
                for i in range(self.workers):
                    stack.worker(f"worker{i}")
                cbs = messages(self.messages, self.users, "st")
                schedule = storm_schedule(self.messages, self.rate)
                log(f"storm: sending {len(schedule)} callbacks for {len(cbs)} messages")
                sender = Sender(base, self.concurrency)
                t0 = time.monotonic()
                sender.play(cbs, schedule)
                took = time.monotonic() - t0
                result.figures.update(messages_sent=len(cbs), callbacks_sent=len(schedule),
                                      callbacks_per_second=round(len(schedule) / took),
                                      http_statuses=sender.statuses())
                result.check(sender.statuses() == {"200": len(schedule)},
                             f"not every callback got 200: {sender.statuses()}")
                delivered_once(result, db.url, fake, cbs, "st", timeout=300,
                               allow_suppressed=False)
                result.check(result.figures["message_send_calls"] == len(cbs),
                             "message/send was called "
                             f"{result.figures['message_send_calls']} times, not {len(cbs)}")
        finally:
            wrap_up(result, stack, started)
        return result


@dataclass
class PgRestart:
    """PostgreSQL stopped in the middle of the load and started again a few seconds later."""

    messages: int = 2_000
    users: int = 500
    rate: float = 60.0            # messages a second, each once (plus WeCom's retries)
    down_after: float = 0.35      # share of the load sent before the database stops
    down_for: float = 5.0         # seconds without a database
    workers: int = 2
    lease: int = 5                # BOT_CLAIM_LEASE_SECONDS: a send cut off by the outage

    def __call__(self, log: Callable[[str], None] = print) -> Result:
        """Run it and check 503s during the outage and exactly one reply per ack."""
        result = Result(f"PostgreSQL restarted during load ({self.messages} messages)")
        started = time.monotonic()
        stack = Stack()
        try:
            with PrivatePostgres() as pg, stack:   # processes stop before PostgreSQL
                upgrade(pg.url)
                fake = stack.fake()
                stack.configure(pg.url, fake.url, BOT_CLAIM_LEASE_SECONDS=str(self.lease))
                base = stack.web()
                for i in range(self.workers):
                    stack.worker(f"worker{i}")
                self._run(result, stack, pg, base, fake, log)
        finally:
            wrap_up(result, stack, started)
        return result

    def _run(self, result: Result, stack: Stack, pg: PrivatePostgres, base: str,
             fake: FakeClient, log: Callable[[str], None]) -> None:
        cbs = messages(self.messages, self.users, "pg")
        sender = Sender(base, 16)

        load = threading.Thread(target=sender.play,
                                args=(cbs, steady_schedule(len(cbs), self.rate), wecom_retries(60)))
        log(f"pg-restart: sending {len(cbs)} messages at {self.rate:g}/s")
        load.start()
        time.sleep(len(cbs) / self.rate * self.down_after)
        down_begin = time.monotonic()
        pg.stop()
        down = time.monotonic()
        log(f"pg-restart: database stopped ({down - down_begin:.1f} s to stop)")
        time.sleep(self.down_for / 2)
        health = httpx.get(base + "/healthz", timeout=10).status_code
        time.sleep(self.down_for / 2)
        up_begin = time.monotonic()
        pg.start()
        log(f"pg-restart: database back after {time.monotonic() - down:.1f} s")
        load.join()
        inside = [a for a in sender.attempts if a.started >= down and a.ended <= up_begin]
        outage = Counter(str(a.status) for a in inside)
        statuses = sender.statuses()
        acked = sender.acknowledged()
        result.figures.update(messages_sent=len(cbs), callbacks_sent=len(sender.attempts),
                              http_statuses=statuses, outage_seconds=round(up_begin - down, 1),
                              callbacks_during_outage=dict(outage), healthz_during_outage=health,
                              acknowledged=len(acked), never_acknowledged=len(cbs) - len(acked))
        result.check(bool(inside), "no callback was sent while the database was down")
        result.check(set(outage) <= {"503"}, f"during the outage not only 503s: {dict(outage)}")
        result.check(set(statuses) <= {"200", "503"}, f"statuses other than 200/503: {statuses}")
        result.check(health == 503, f"/healthz answered {health} while the database was down")
        result.check(len(acked) == len(cbs), f"{len(cbs) - len(acked)} messages never acked")
        mine = [c for i, c in enumerate(cbs) if i in acked]
        delivered_once(result, pg.url, fake, mine, "pg", timeout=120,
                       allow_suppressed=True)


# (share of the load sent, what happens to the fake WeCom API, expiries it causes)
FAULTS: list[tuple[float, str, Callable[[FaultTarget], None], int]] = [
    (0.10, "3 message/send time out (no answer in 5 s)",
     lambda f: f.fail("message/send", 3, timeout=True), 0),
    (0.20, "3 x HTTP 500, 3 x 502, 3 x 503",
     lambda f: [f.fail("message/send", 3, status=s) for s in (500, 502, 503)] and None, 0),
    (0.30, "5 x errcode -1 (system busy)", lambda f: f.fail("message/send", 5, errcode=-1), 0),
    (0.40, "every access_token expires (42001)", lambda f: f.expire_tokens(), 1),
    (0.50, "1 x errcode 42001 on a valid token",
     lambda f: f.fail("message/send", 1, errcode=42001), 1),
    (0.60, "3 x errcode 45009 (frequency limit)",
     lambda f: f.fail("message/send", 3, errcode=45009), 0),
    (0.70, "3 message/send delivered, but answered after the 5 s timeout",
     lambda f: f.slow(3, 6.0), 0),
    (0.80, "every access_token expires again", lambda f: f.expire_tokens(), 1),
]
SLOW_ANSWERS = 3   # resends the duplicate check must catch: the answers that came too late
FAULTED_CALLS = 3 + 9 + 5 + 1 + 3 + SLOW_ANSWERS   # message/sends failed on purpose, at least


@dataclass
class ApiFaults:
    """The WeCom API fails in every way it does, in the middle of the load; two workers."""

    messages: int = 1_500
    users: int = 400
    rate: float = 50.0
    workers: int = 2

    def __call__(self, log: Callable[[str], None] = print) -> Result:
        """Run it and check one delivery per reply and one gettoken per expiry."""
        result = Result(f"WeCom API faults ({self.messages} messages, {self.workers} workers)")
        started = time.monotonic()
        stack = Stack()
        try:
            with ScratchDatabase() as db, stack:   # processes stop before the drop
                fake = stack.fake(timeout_seconds=6.0)
                stack.configure(db.url, fake.url)
                base = stack.web()
                for i in range(self.workers):
                    stack.worker(f"worker{i}")
                cbs = messages(self.messages, self.users, "af")
                sender = Sender(base, 8)
                load = threading.Thread(target=sender.play,
                                        args=(cbs, steady_schedule(len(cbs), self.rate)))
                load.start()
                expiries, t0, duration = 1, time.monotonic(), len(cbs) / self.rate
                for share, what, inject, expires in FAULTS:
                    time.sleep(max(0.0, t0 + share * duration - time.monotonic()))
                    log(f"api-faults: {what}")
                    inject(fake)
                    expiries += expires
                load.join()
                result.figures.update(messages_sent=len(cbs), http_statuses=sender.statuses(),
                                      faults="; ".join(what for _, what, _, _ in FAULTS))
                result.check(sender.statuses() == {"200": len(cbs)},
                             f"not every callback got 200: {sender.statuses()}")
                state = delivered_once(result, db.url, fake, cbs, "af", timeout=240,
                                       allow_suppressed=True)
                result.figures["token_expiries_incl_first_fetch"] = expiries
                result.check(state["gettoken_calls"] <= expiries,
                             f"{state['gettoken_calls']} gettoken calls for {expiries} expiries")
                faulted = FAULTED_CALLS + len(cbs)
                result.check(result.figures["message_send_calls"] >= faulted,
                             f"only {result.figures['message_send_calls']} message/send calls: "
                             f"not every injected fault was met ({faulted} expected at least)")
                result.check(state["suppressed_duplicates"] <= SLOW_ANSWERS,
                             f"{state['suppressed_duplicates']} resends, but only "
                             f"{SLOW_ANSWERS} answers were lost")
        finally:
            wrap_up(result, stack, started)
        return result


@dataclass
class WorkerKill:
    """Workers SIGKILLed in the middle of a batch (one, then two at once), three side by side."""

    messages: int = 2_000
    users: int = 500
    rate: float = 150.0           # callbacks a second, while the workers are sending
    workers: int = 3
    lease: int = 5                # BOT_CLAIM_LEASE_SECONDS
    answer_delay: float = 0.2     # every message/send answered this late: batches in flight

    def __call__(self, log: Callable[[str], None] = print) -> Result:
        """Run it and check nothing lost and nothing delivered twice."""
        result = Result(f"workers SIGKILLed mid-batch ({self.messages} messages, "
                        f"{self.workers} workers)")
        started = time.monotonic()
        stack = Stack()
        try:
            with ScratchDatabase() as db, stack:   # processes stop before the drop
                fake = stack.fake()
                fake.slow(-1, self.answer_delay)
                stack.configure(db.url, fake.url, BOT_CLAIM_LEASE_SECONDS=str(self.lease))
                base = stack.web()
                alive = [stack.worker(f"worker{i}") for i in range(self.workers)]
                cbs = messages(self.messages, self.users, "wk")
                sender = Sender(base, 8)
                load = threading.Thread(target=sender.play,
                                        args=(cbs, steady_schedule(len(cbs), self.rate)))
                load.start()
                kills: list[str] = []
                held_total = 0
                for share, count in ((0.3, 1), (0.6, 2)):
                    while sent_count(db.url) < share * len(cbs):
                        time.sleep(0.05)
                    victims, alive = alive[:count], alive[count:]
                    while not all(held_by(db.url, v.pid) for v in victims):
                        time.sleep(0.01)
                    for v in victims:
                        v.kill()
                    # Counted after the kill: what a dead worker holds can no longer change.
                    held = [held_by(db.url, v.pid) for v in victims]
                    held_total += sum(held)
                    kills.append(f"{' and '.join(v.name for v in victims)} holding "
                                 f"{'+'.join(map(str, held))} rows")
                    log(f"worker-kill: SIGKILL {kills[-1]}")
                    alive += [stack.worker(f"{v.name}-replacement") for v in victims]
                load.join()
                result.figures.update(messages_sent=len(cbs), http_statuses=sender.statuses(),
                                      killed="; ".join(kills))
                result.check(sender.statuses() == {"200": len(cbs)},
                             f"not every callback got 200: {sender.statuses()}")
                state = delivered_once(result, db.url, fake, cbs, "wk", timeout=240,
                                       allow_suppressed=True)
                result.check(state["suppressed_duplicates"] <= held_total,
                             f"{state['suppressed_duplicates']} resends, but the killed workers "
                             f"held only {held_total} rows")
        finally:
            wrap_up(result, stack, started)
        return result
