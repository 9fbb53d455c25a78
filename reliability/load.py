"""Callbacks as WeCom sends them, and a sender that plays them to the web server."""
from __future__ import annotations

import itertools
import queue
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from bot.wecom.messages import callback_xml
from crypto import WeComCrypto
from reliability.stack import AES_KEY, AGENT_ID, CORP_ID, TOKEN

CRYPTO = WeComCrypto(TOKEN, AES_KEY, CORP_ID)


_SEAL = threading.Lock()


@dataclass
class Callback:
    """One text message; `tag` is echoed in the bot's reply.

    Sealed (signed, encrypted, timestamped) when first sent, so that a slow run never trips
    the 300 s timestamp window; every later copy is that same request, as WeCom's retries are.
    """

    msg_id: int
    user: str
    tag: str
    plain: str
    _sealed: tuple[dict[str, str], bytes] | None = None

    def sealed(self) -> tuple[dict[str, str], bytes]:
        """(query, body) of the request, the same for every copy."""
        with _SEAL:
            if self._sealed is None:
                body, query = CRYPTO.seal_callback(self.plain, nonce=f"{self.msg_id % 10**9:x}",
                                                   agent_id=str(AGENT_ID))
                self._sealed = (query, body)
            return self._sealed

    @property
    def query(self) -> dict[str, str]:
        """The signed query string."""
        return self.sealed()[0]

    @property
    def body(self) -> bytes:
        """The encrypted XML body."""
        return self.sealed()[1]


def text_xml(user: str, content: str, msg_id: int, create_time: int) -> str:
    """The plaintext of a text message callback."""
    return callback_xml(CORP_ID, AGENT_ID, user, "text",
                        {"Content": content, "MsgId": str(msg_id)}, create_time)


def messages(n: int, users: int, prefix: str) -> list[Callback]:
    """n distinct messages from `users` members, round robin; each gets a reply naming its tag.

    The text is no command, so the reply is "I didn't understand “<tag>” …": one distinct
    reply per message, which WeCom's duplicate check must never mistake for a resend.
    """
    base = 7_000_000_000_000_000_000 + (uuid.uuid4().int % 10**12) * 10**6  # fresh each run
    now = int(time.time())
    out = []
    for i in range(n):
        tag, user = f"{prefix}{i:06d}", f"rel{i % users:05d}"
        out.append(Callback(base + i, user, tag, text_xml(user, f"zz {tag}", base + i, now)))
    return out


@dataclass
class Attempt:
    """One HTTP request: which message, when it started and ended, and what came back."""

    index: int
    started: float
    ended: float
    status: int | str          # the HTTP status, or the name of the transport error


def wecom_retries(limit: int) -> Callable[[Attempt], float | None]:
    """WeCom's way with a callback that was not acknowledged: again a second later, up to
    `limit` tries of each message (a `Sender.play` until_ok policy)."""
    tries: dict[int, int] = {}
    lock = threading.Lock()

    def again(attempt: Attempt) -> float | None:
        with lock:
            tries[attempt.index] = tries.get(attempt.index, 0) + 1
            return 1.0 if tries[attempt.index] < limit else None
    return again


@dataclass
class Sender:
    """Posts callbacks from `concurrency` threads, each with its own keep-alive connection."""

    base: str
    concurrency: int = 16
    attempts: list[Attempt] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, client: httpx.Client, index: int, cb: Callback) -> Attempt:
        """Send one copy of a callback and record the attempt."""
        started = time.monotonic()
        try:
            status: int | str = client.post("/wecom/callback", params=cb.query,
                                            content=cb.body).status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        attempt = Attempt(index, started, time.monotonic(), status)
        with self._lock:
            self.attempts.append(attempt)
        return attempt

    def play(self, callbacks: Sequence[Callback], schedule: Sequence[tuple[float, int]],
             until_ok: Callable[[Attempt], float | None] | None = None) -> None:
        """Send callbacks[i] at each (seconds from now, i) of the schedule.

        `until_ok` turns a sender into WeCom: given a failed attempt it returns the delay
        before the next try, or None to give up.
        """
        jobs: queue.PriorityQueue[tuple[float, int, int]] = queue.PriorityQueue()
        start = time.monotonic()
        seq = itertools.count()
        for due, i in schedule:
            jobs.put((start + due, next(seq), i))
        pending = [len(schedule)]
        done = threading.Condition()

        def run() -> None:
            with httpx.Client(base_url=self.base, timeout=30) as client:
                while True:
                    with done:
                        if pending[0] == 0:
                            return
                    try:
                        due, _, i = jobs.get(timeout=0.1)
                    except queue.Empty:
                        continue
                    wait = due - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                    attempt = self.post(client, i, callbacks[i])
                    delay = None if attempt.status == 200 or until_ok is None \
                        else until_ok(attempt)
                    with done:
                        if delay is None:
                            pending[0] -= 1
                        else:
                            jobs.put((time.monotonic() + delay, next(seq), i))

        threads = [threading.Thread(target=run, daemon=True) for _ in range(self.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def statuses(self) -> dict[str, int]:
        """How many attempts got each status."""
        out: dict[str, int] = {}
        for a in self.attempts:
            out[str(a.status)] = out.get(str(a.status), 0) + 1
        return dict(sorted(out.items()))

    def acknowledged(self) -> set[int]:
        """Indexes of the callbacks that got a 200 at least once."""
        return {a.index for a in self.attempts if a.status == 200}


def storm_schedule(n: int, rate: float, copies: int = 4, spread: float = 0.3,
                   together: float = 0.25, seed: int = 7) -> list[tuple[float, int]]:
    """Each of n messages `copies` times: a share `together` all at once, the others spread
    over `spread` seconds; messages start at `rate` a second."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        t = i / rate
        if rng.random() < together:
            out += [(t, i)] * copies
        else:
            out += [(t, i)] + [(t + rng.uniform(0, spread), i) for _ in range(copies - 1)]
    return sorted(out)


def steady_schedule(n: int, rate: float) -> list[tuple[float, int]]:
    """Each message once, at `rate` a second."""
    return [(i / rate, i) for i in range(n)]
