"""Issue 17 (1): slow clients do not starve the web tier, with nginx in front (the documented
production set-up, config/nginx-site.conf, Debian's nginx) or with gunicorn exposed directly.
The short version of reliability/'s `slow-clients` scenario.

Before: six connections sending a body (or headers) a byte at a time made /healthz time out
for 30 s, then gunicorn killed its sync workers (WORKER TIMEOUT); 0 of 7 probes answered.
"""
from __future__ import annotations

import time

import httpx
import pytest

from store.models import InboundMessage
from tests.e2e.conftest import env, fake_server, server  # noqa: F401 (fixtures)
from tests.e2e.test_spine import post, text_xml
from tests.support.nginx import Nginx
from tests.support.rows import rows
from tests.support.slowloris import attack

GUARD = 10   # seconds: a hang guard for each probe, twice WeCom's 5 s


@pytest.fixture
def nginx(server, tmp_path):  # noqa: F811
    proxy = Nginx(int(server.rsplit(":", 1)[1]), tmp_path / "nginx")
    yield proxy
    proxy.stop()


def _probe(base: str, first: int) -> None:
    """/healthz and real callbacks are answered while the attack goes on."""
    for i in range(first, first + 3):
        assert httpx.get(base + "/healthz", timeout=GUARD).status_code == 200
        resp = post(base, text_xml("prober", f"帮助 {i}", 5_500_000 + i), nonce=str(i))
        assert resp.status_code == 200


def test_slow_clients_neither_through_nginx_nor_straight_at_gunicorn_starve_it(
        nginx, server, db, services):  # noqa: F811
    # The production set-up: nginx holds them all, more than gunicorn's 2 × 8 threads.
    slow = attack(nginx.url, headers=20, bodies=20, addresses=4)   # four attacking hosts
    try:
        time.sleep(0.5)          # every connection has started trickling
        _probe(nginx.url, 0)
    finally:
        for c in slow:
            c.close()
    # gunicorn exposed directly, the attack as reported: answered meanwhile, and cut off.
    slow = attack(server, headers=6, bodies=6)
    try:
        time.sleep(0.5)
        _probe(server, 3)
        deadline = time.monotonic() + 30   # a hang guard: the server cuts them after 5 s
        while time.monotonic() < deadline and not all(c.closed_by_server.is_set() for c in slow):
            time.sleep(0.2)
        assert all(c.closed_by_server.is_set() for c in slow)
    finally:
        for c in slow:
            c.close()
    keys = {r.dedupe_key for r in rows(services, InboundMessage)}
    assert {f"app:msg:{5_500_000 + i}" for i in range(6)} <= keys
    assert "WORKER TIMEOUT" not in server.proc.stop()
