"""Short versions of `make reliability` that need real processes: gunicorn, workers, the fake
WeCom API in its own process, and (for the restart) a private PostgreSQL instance."""
from __future__ import annotations

from reliability.scenarios import PgRestart, Storm, WorkerKill


def run(scenario):
    result = scenario(log=print)
    print(result.render())
    assert result.passed, result.render()
    return result


def test_retry_storm_has_one_effect_and_one_send_per_message():
    result = run(Storm(messages=100, users=40, rate=100, concurrency=16, workers=1))
    assert result.figures["callbacks_sent"] == 400
    assert result.figures["message_send_calls"] == 100


def test_postgres_restart_gives_503s_then_every_acked_message_is_answered_once():
    result = run(PgRestart(messages=80, users=40, rate=40, down_after=0.3, down_for=2,
                           workers=1, lease=2))
    assert result.figures["callbacks_during_outage"]["503"] > 0


def test_sigkilled_workers_lose_nothing_and_send_nothing_twice():
    result = run(WorkerKill(messages=100, users=40, rate=100, lease=3))
    assert "holding" in result.figures["killed"]
