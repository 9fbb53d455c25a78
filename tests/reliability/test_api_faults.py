"""The API-faults scenario in one process with a clock we move: the same faults as
`make reliability`, two workers with their own token caches, and 45009's minute skipped."""
from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from bot.services import build
from devkit.fakewecom import FakeWeCom
from reliability.checks import effects, fake_figures
from reliability.report import Result, exactly_once, outbox_counts, tags_delivered
from reliability.scenarios import FAULTED_CALLS, FAULTS, SLOW_ANSWERS


class LateAnswers(httpx.BaseTransport):
    """Delivers a message/send, then loses its answer: the client sees a timeout."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner, self.times = inner, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/message/send") and self.times:
            self.times -= 1
            raise httpx.ReadTimeout("answer lost after delivery", request=request)
        return response


class InProcess:
    """The FaultTarget of reliability.scenarios over an in-process FakeWeCom."""

    def __init__(self, fake: FakeWeCom, late: LateAnswers):
        self.fake, self.late = fake, late

    def fail(self, path: str, times: int = 1, **kind: Any) -> None:
        self.fake.fail_next(path, times, **kind)

    def expire_tokens(self) -> None:
        self.fake.expire_tokens()

    def slow(self, times: int, seconds: float) -> None:
        self.late.times = times

    def state(self) -> dict[str, Any]:
        calls = Counter(r.path.removeprefix("/cgi-bin/") for r in self.fake.requests)
        return {**self.fake.snapshot(), "calls": dict(calls)}


def test_every_reply_once_and_one_gettoken_per_expiry(services, settings, fake_wecom, clock,
                                                      wecom, db):
    late = LateAnswers(fake_wecom.transport())
    target = InProcess(fake_wecom, late)
    processes = [build(settings, transport=late, clock=clock, engine=db) for _ in range(2)]
    workers = [p.make_worker() for p in processes]
    url = settings.database_url.replace("+psycopg", "")
    n, faults, expiries, keys = 120, list(FAULTS), 1, set()

    def step(times: int = 1) -> None:
        for _ in range(times):
            for w in workers:
                w.step()

    for i in range(n):
        msg_id = 8_800_000 + i
        assert wecom.text(f"rel{i % 40}", f"zz af{i:06d}", msg_id=msg_id).status_code == 200
        keys.add(f"app:msg:{msg_id}")
        while faults and i >= faults[0][0] * n:
            _, what, inject, expires = faults.pop(0)
            inject(target)
            expiries += expires
        if i % 10 == 9:
            step()
            clock.advance(seconds=1)
    for _ in range(100):      # the 45009 back-off is a minute: let the clock run
        step(3)
        counts = outbox_counts(url)
        if not counts.get("pending") and not counts.get("sending"):
            break
        clock.advance(seconds=5)
    result = Result("api faults, in process")
    effects(result, url, keys)
    state = fake_figures(result, target, allow_suppressed=True)
    exactly_once(result, (f"af{i:06d}" for i in range(n)), tags_delivered(state, "af"))
    print(result.render())
    assert result.passed, result.render()
    assert state["gettoken_calls"] <= expiries == 4
    assert state["suppressed_duplicates"] == SLOW_ANSWERS   # every lost answer was resent
    assert result.figures["message_send_calls"] >= n + FAULTED_CALLS
    for p in processes:
        p.client.close()
