"""Issue 17 (2, 3): a database that stops answering, and a worker host that vanishes, through a
TCP proxy the test controls (tests/support/proxy.py). The short versions of reliability/'s
`frozen-db` and `half-open` scenarios.

Before: a callback hung for as long as the database did (WeCom gives up after 5 s); the rows a
vanished worker had taken stayed locked until the server's keepalive (two hours), and /healthz
said ok meanwhile.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import admin
from bot.pipeline.inbox import pending
from bot.pipeline.outbox import DUPLICATE_CHECK_INTERVAL
from bot.services import build
from bot.web.app import create_app
from config.settings import MAX_CLAIM_LEASE
from store.db import SESSION_LIMITS, Limits, make_engine, make_sessionmaker
from store.models import InboundMessage, OutboxMessage
from tests.admin.test_admin_tools import fake_api, run, wecom_env  # noqa: F401 (fixtures)
from tests.fuzz.support import within
from tests.support.pipeline import act_all
from tests.support.proxy import TcpProxy
from tests.support.rows import rows


@pytest.fixture
def proxy(pg_url):
    url = make_url(pg_url)
    p = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    p.url = url.set(port=p.port).render_as_string(hide_password=False)
    yield p
    p.close()


def test_every_session_gets_timeouts_and_keepalives(db):
    with db.connect() as conn:
        got = {name: conn.scalar(text(f"SHOW {name}")) for name in (
            "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
            "tcp_keepalives_idle", "tcp_user_timeout")}
    assert got == {"statement_timeout": "10s", "lock_timeout": "5s",
                   "idle_in_transaction_session_timeout": "20s", "tcp_keepalives_idle": "10",
                   "tcp_user_timeout": "25000"}


def test_the_duplicate_check_outlasts_the_longest_takeover():
    send = 5   # bot.wecom.client's timeout: the first send may land this long after its claim
    assert MAX_CLAIM_LEASE + SESSION_LIMITS.longest_hold() + send < DUPLICATE_CHECK_INTERVAL
    assert DUPLICATE_CHECK_INTERVAL <= 4 * 3600   # WeCom's maximum


def test_a_callback_answers_503_when_the_database_stops_answering(proxy, settings, fake_wecom,
                                                                  clock, wecom, db):
    svc = build(replace(settings, database_url=proxy.url), transport=fake_wecom.transport(),
                clock=clock, engine=make_engine(proxy.url))
    wecom.client, wecom.after = create_app(services=svc).test_client(), None
    try:
        assert wecom.text("lisi", "帮助", msg_id=1).status_code == 200   # connected
        proxy.freeze()
        # within(): fails instead of hanging, as every callback did before this fix
        assert within(lambda: wecom.text("lisi", "帮助", msg_id=2)).status_code == 503
        assert within(lambda: wecom.text("lisi", "帮助", msg_id=2)).status_code == 503
        proxy.thaw()
        assert within(lambda: wecom.text("lisi", "帮助", msg_id=2)).status_code == 200
    finally:
        proxy.thaw()
        svc.close()
    assert sorted(r.dedupe_key for r in rows(svc, InboundMessage)) == ["app:msg:1", "app:msg:2"]


def test_rows_held_by_a_vanished_worker_are_taken_over_once(proxy, services, wecom, app):
    wecom.after = None
    for i in range(6):
        wecom.text(f"user{i % 3}", "帮助", msg_id=100 + i)
    # The vanished worker: its session takes the oldest rows, then its host drops off the net.
    quick = Limits(idle_in_transaction=1, answer=3)   # the production value is 20 s
    gone = make_engine(proxy.url, limits=quick, pool_size=1)
    held = make_sessionmaker(gone)()
    taken = [r.dedupe_key for r in held.execute(pending(32)).all()]
    assert len(taken) == 3
    proxy.freeze()
    # The live worker cannot take them while that session holds them…
    deadline = time.monotonic() + 30   # …but does once the server ends that session (a hang guard)
    while time.monotonic() < deadline and rows(services, InboundMessage, status="pending"):
        act_all(services.pipeline)
        time.sleep(0.2)
    assert not rows(services, InboundMessage, status="pending")
    proxy.thaw()
    with pytest.raises(sa_exc.DBAPIError):   # the vanished worker, back: its session is gone
        held.commit()
    held.close()
    gone.dispose()
    assert {r.status for r in rows(services, InboundMessage)} == {"done"}
    answers = Counter(r.source_key for r in rows(services, OutboxMessage))
    assert set(answers) == {f"app:msg:{100 + i}" for i in range(6)}
    assert set(answers.values()) == {1}       # 0 lost, 0 doubled
    health = app.test_client().get("/healthz").get_json()
    assert health["inbox"]["pending"] == 0 and health["inbox"]["ok"]


def test_healthz_and_check_config_fail_when_a_message_waits_too_long(wecom, app, services,
                                                                      clock):
    wecom.after = None
    wecom.text("zhangsan", "帮助", msg_id=701)
    clock.advance(seconds=services.settings.inbox_max_age_seconds - 1)
    assert app.test_client().get("/healthz").status_code == 200
    clock.advance(seconds=2)
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json()["inbox"]["ok"] is False


def test_check_config_fails_on_a_stuck_message_with_a_live_worker(
        wecom_env, wecom, services, clock):  # noqa: F811
    wecom.after = None
    clock.advance(seconds=(datetime.now(UTC) - clock()).total_seconds() - 600)
    wecom.text("zhangsan", "帮助")   # stored ten minutes ago…
    with services.sessions.begin() as s:   # …and a worker beat just now without acting on it
        s.execute(text("INSERT INTO worker_heartbeats (worker_id, beat_at) VALUES ('w', now())"))
    rc, lines = run(admin.check_config)
    assert rc == 1
    [failed] = [line for line in lines if line.startswith("FAIL")]
    assert "BOT_INBOX_MAX_AGE" in failed and "worker is alive" in failed


def test_a_worker_whose_session_the_server_ended_leaves_the_message_pending(services, wecom,
                                                                            monkeypatch):
    wecom.after = None
    wecom.text("lisi", "帮助", msg_id=801)
    with services.engine.connect() as conn:
        conn.execute(text("SET idle_in_transaction_session_timeout = 0"))
    real = services.dispatcher.act

    def stall(s, *args, **kwargs):   # a worker stalled mid-batch past the server's limit
        s.execute(text("SET LOCAL idle_in_transaction_session_timeout = '100ms'"))
        time.sleep(0.5)
        return real(s, *args, **kwargs)

    monkeypatch.setattr(services.dispatcher, "act", stall)
    with pytest.raises(sa_exc.DBAPIError):
        services.pipeline.act()
    monkeypatch.setattr(services.dispatcher, "act", real)
    [row] = rows(services, InboundMessage)
    assert row.status == "pending"            # not "failed": another try will act on it
    assert act_all(services.pipeline) == 1
