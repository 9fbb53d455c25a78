"""BOT_CLAIM_LEASE_SECONDS: how long a dead worker's claim blocks its rows."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.pipeline import outbox
from bot.services import build
from config.settings import Settings, SettingsError
from tests.test_settings import GOOD


def test_lease_defaults_to_a_minute_and_is_read_from_the_environment():
    assert Settings.from_env(GOOD, dotenv=None).claim_lease_seconds == 60
    assert Settings.from_env(dict(GOOD, BOT_CLAIM_LEASE_SECONDS="5"),
                             dotenv=None).claim_lease_seconds == 5


@pytest.mark.parametrize("value", ["0", "-3", "180", "600", "soon"])
def test_a_lease_outside_the_duplicate_check_window_is_refused(value):
    with pytest.raises(SettingsError) as info:
        Settings.from_env(dict(GOOD, BOT_CLAIM_LEASE_SECONDS=value), dotenv=None)
    assert "BOT_CLAIM_LEASE_SECONDS" in str(info.value)


def test_the_worker_uses_the_configured_lease(services, settings, fake_wecom, clock):
    svc = build(replace(settings, claim_lease_seconds=5), transport=fake_wecom.transport(),
                clock=clock, engine=services.engine)
    worker = svc.make_worker()
    assert worker.pipeline.sender.config.lease == timedelta(seconds=5)
    with svc.sessions.begin() as s:
        outbox.enqueue(s, touser="lisi", content="x", now=clock())
    outbox.claim(svc.sessions, worker_id="dead-worker", now=clock(), limit=10)
    clock.advance(seconds=4)
    worker.drain()
    assert fake_wecom.delivered == []          # still the dead worker's
    clock.advance(seconds=2)
    worker.drain()
    assert fake_wecom.messages_to("lisi") == ["x"]
    svc.client.close()


def test_the_default_lease_is_unchanged_for_callers_of_claim(services, clock):
    with services.sessions.begin() as s:
        outbox.enqueue(s, touser="lisi", content="x", now=clock())
    outbox.claim(services.sessions, worker_id="a", now=clock(), limit=1)
    clock.advance(seconds=59)
    assert outbox.claim(services.sessions, worker_id="b", now=clock(), limit=1) == []
    clock.advance(seconds=2)
    assert len(outbox.claim(services.sessions, worker_id="b", now=clock(), limit=1)) == 1
