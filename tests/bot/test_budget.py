"""The corp-wide WeCom budget: shared through PostgreSQL by every worker, and the fake's 45009."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.pipeline import outbox
from bot.services import build
from bot.wecom.errors import TokenUnavailable
from bot.wecom.token import TokenStore
from devkit.fakewecom import CorpLimits, FakeWeCom
from store.budget import Budget, Limit, from_settings
from store.models import OutboxMessage
from tests.conftest import AGENT_ID, CORP_ID, SECRET, make_settings


def put(services, users, *, rank=None, due=None):
    with services.sessions.begin() as s:
        for i, user in enumerate(users):
            outbox.enqueue(s, touser=user, content=f"to {user}", now=services.clock(),
                           due_at=due, rank_at=rank[i] if rank else None)


def rows(services):
    with services.sessions() as s:
        return s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


@pytest.fixture
def limited(db, pg_url, clock):
    """A fake WeCom enforcing 10 calls a minute, and services budgeted to exactly that."""
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID,
                     clock=lambda: clock().timestamp(), limits=CorpLimits(per_minute=10))
    settings = make_settings(pg_url, budget_per_minute=10, budget_headroom=100)
    svc = build(settings, transport=fake.transport(), clock=clock, engine=db)
    yield svc, fake
    svc.client.close()


def test_limit_windows_are_aligned_and_the_day_starts_at_local_midnight():
    now = datetime(2026, 11, 25, 2, 0, 30, tzinfo=UTC)            # 10:00:30 in Shanghai
    assert Limit(60, 1).start(now) == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    assert Limit(60, 1).end(now) == datetime(2026, 11, 25, 2, 1, tzinfo=UTC)
    day = Limit(86400, 1, offset=8 * 3600)
    assert day.start(now) == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 00:00 CST


def test_settings_give_the_documented_limits_with_headroom(pg_url):
    budget = from_settings(make_settings(pg_url))
    assert [(lim.seconds, lim.most) for lim in budget.limits("message/send")] == \
        [(60, 9000), (3600, 135000)]
    budget = from_settings(make_settings(pg_url, budget_licensed_members=1000,
                                         budget_minute_seconds=6, budget_headroom=100))
    assert [(lim.seconds, lim.most) for lim in budget.limits("message/send")] == \
        [(6, 10000), (360, 150000), (8640, 200000)]
    assert [lim.seconds for lim in budget.limits("gettoken")] == [6, 360]


def test_concurrent_claims_never_exceed_the_minute(services, clock):
    put(services, [f"u{i}" for i in range(60)])
    budget = Budget((Limit(60, 25), Limit(3600, 40)))
    claimed: list[int] = []
    start = threading.Barrier(4)

    def claimer(name: str) -> None:
        start.wait()
        for _ in range(30):   # each its own session and connection, all at once
            got = outbox.claim(services.sessions, worker_id=name, now=clock(), limit=3,
                               budget=budget)
            claimed.extend(r.id for r in got)

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == len(set(claimed)) == 25
    with services.sessions() as s:
        assert budget.used(s, "message/send", clock()) == {"60s": 25, "3600s": 25}
    waiting = [r for r in rows(services) if r.status == "pending"]
    assert len(waiting) == 35 and all(r.attempts == 0 for r in waiting)
    assert all(r.next_attempt_at <= clock() + timedelta(seconds=60) for r in waiting)
    clock.advance(seconds=60)    # the next minute: only 15 left in the hour
    more = outbox.claim(services.sessions, worker_id="w9", now=clock(), limit=30, budget=budget)
    assert len(more) == 15


def test_rows_due_together_go_earliest_rank_first_and_replies_before_them(services, clock):
    nine = clock()
    ranks = [nine + timedelta(hours=h) for h in (5, 1, 8, 2, 3)]
    put(services, ["e", "a", "h", "b", "c"], rank=ranks)
    put(services, ["reply"])   # an answer due now goes before the agendas
    got = outbox.claim(services.sessions, worker_id="w", now=clock(), limit=3)
    assert [r.touser for r in got] == ["reply", "a", "b"]
    got = outbox.claim(services.sessions, worker_id="w", now=clock(), limit=3)
    assert [r.touser for r in got] == ["c", "e", "h"]


def test_a_45009_is_waited_out_and_sent_later_without_counting_an_attempt(
        db, pg_url, clock):
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID,
                     clock=lambda: clock().timestamp(), limits=CorpLimits(per_minute=3))
    # The bot believes it may send 100 a minute: WeCom's answer must still hold it back.
    settings = make_settings(pg_url, budget_per_minute=100, budget_headroom=100)
    services = build(settings, transport=fake.transport(), clock=clock, engine=db)
    put(services, [f"u{i}" for i in range(6)])
    services.make_worker().drain()
    assert len(fake.delivered) == 3
    refused = fake.snapshot()["limits"]["refused"]
    assert refused == {"message/send 45009": 3}    # all six were in flight at once
    waiting = [r for r in rows(services) if r.status == "pending"]
    assert len(waiting) == 3 and all(r.attempts == 0 for r in waiting)
    assert all(r.next_attempt_at >= clock() + timedelta(seconds=60) for r in waiting)
    # The refusal spent the budget's minute: new messages wait instead of calling again.
    calls = len(fake.requests)
    clock.advance(seconds=30)
    put(services, ["v1", "v2"])
    services.make_worker().drain()
    assert len(fake.requests) == calls
    for _ in range(4):    # three a minute, each refusal waited out
        clock.advance(seconds=61)
        services.make_worker().drain()
    assert sorted(m.touser for m in fake.delivered) == \
        sorted([f"u{i}" for i in range(6)] + ["v1", "v2"])
    assert [r.status for r in rows(services)] == ["sent"] * 8
    services.client.close()


def test_budget_and_fake_agree_so_nothing_is_refused(limited, clock):
    services, fake = limited
    put(services, [f"u{i}" for i in range(35)])
    worker = services.make_worker()
    for _ in range(5):
        worker.drain()
        clock.advance(seconds=60)
    figures = fake.snapshot()["limits"]
    assert len(fake.delivered) == 35 and figures["refused_total"] == 0
    assert figures["peak_per_minute"]["message/send"] == 10


def test_per_member_refusal_45033_is_not_a_failure(db, pg_url, clock):
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID,
                     clock=lambda: clock().timestamp(),
                     limits=CorpLimits(member_errcode=45033))
    services = build(make_settings(pg_url), transport=fake.transport(), clock=clock, engine=db)
    for _ in range(30):      # someone else's app used up lisi's minute
        fake._state.limiter.allow("lisi", clock().timestamp())
    put(services, ["lisi"])
    services.make_worker().drain()
    [row] = rows(services)
    assert row.status == "pending" and row.attempts == 0 and "45033" in row.last_error
    assert row.next_attempt_at >= clock() + timedelta(seconds=60)
    clock.advance(seconds=91)
    services.make_worker().drain()
    assert fake.messages_to("lisi") == ["to lisi"]
    services.client.close()


def test_fake_refuses_over_the_minute_and_forgets_it_the_next(clock):
    limits = CorpLimits(per_minute=2, per_hour=3)
    t = clock().timestamp()
    assert [limits.allow("message/send", t) for _ in range(3)] == [True, True, False]
    assert limits.allow("gettoken", t)                 # per API
    assert limits.allow("message/send", t + 60)
    assert not limits.allow("message/send", t + 120)   # the hour is spent
    assert limits.snapshot()["refused"] == {"message/send 45009": 2}


def test_gettoken_is_budgeted_across_processes(services, clock):
    calls = []

    def fetch():
        calls.append(1)
        return f"token{len(calls)}", 7200

    budget = Budget((Limit(60, 1),))
    one = TokenStore(services.sessions, "corp:1", fetch, clock, budget)
    two = TokenStore(services.sessions, "corp:1", fetch, clock, budget)
    assert one.get() == "token1"
    one.invalidate("token1")
    with pytest.raises(TokenUnavailable) as refused:
        two.get()
    assert 0 < refused.value.retry_after <= 60 and len(calls) == 1
    clock.advance(seconds=60)
    assert two.get() == "token2"


def test_budget_settings_from_the_environment():
    from config.settings import Settings, SettingsError
    from tests.test_settings import GOOD

    s = Settings.from_env(dict(GOOD, WECOM_BUDGET_PER_MINUTE="500",
                               WECOM_BUDGET_LICENSED_MEMBERS="20000",
                               WECOM_BUDGET_MINUTE_SECONDS="10"), dotenv=None)
    assert (s.budget_per_minute, s.budget_per_hour, s.budget_licensed_members,
            s.budget_headroom, s.budget_minute_seconds) == (500, 150_000, 20_000, 90, 10)
    with pytest.raises(SettingsError) as bad:
        Settings.from_env(dict(GOOD, WECOM_BUDGET_HEADROOM="150",
                               WECOM_BUDGET_MINUTE_SECONDS="0"), dotenv=None)
    assert "WECOM_BUDGET_HEADROOM" in str(bad.value)
    assert "WECOM_BUDGET_MINUTE_SECONDS" in str(bad.value)
