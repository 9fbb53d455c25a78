"""The shared access_token: one gettoken per expiry across processes."""
from __future__ import annotations

import threading

from bot.wecom.client import WeComClient
from bot.wecom.token import TokenStore
from store.db import make_sessionmaker
from tests.conftest import CORP_ID, SECRET


def stores(services, fake_wecom, clock, n):
    """n independent token stores, as n processes would have, sharing the database."""
    out = []
    for _ in range(n):
        client = WeComClient(api_base="https://qyapi.weixin.qq.com", corp_id=CORP_ID,
                             secret=SECRET, transport=fake_wecom.transport())
        out.append(TokenStore(make_sessionmaker(services.engine), "app", client.gettoken, clock))
    return out


def test_many_processes_and_threads_fetch_the_token_once(services, fake_wecom, clock):
    procs = stores(services, fake_wecom, clock, 4)
    barrier = threading.Barrier(16)
    got = []

    def use(store):
        barrier.wait()
        got.append(store.get())

    threads = [threading.Thread(target=use, args=(procs[i % 4],)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake_wecom.gettoken_calls == 1
    assert len(set(got)) == 1


def test_refreshed_a_few_minutes_before_expiry_once(services, fake_wecom, clock):
    a, b = stores(services, fake_wecom, clock, 2)
    first = a.get()
    clock.advance(seconds=7200 - 600)
    assert b.get() == first and fake_wecom.gettoken_calls == 1
    clock.advance(seconds=400)          # inside the 5-minute margin
    second = b.get()
    assert a.get() == second != first
    assert fake_wecom.gettoken_calls == 2


def test_invalidate_only_drops_the_named_token(services, fake_wecom, clock):
    a, b = stores(services, fake_wecom, clock, 2)
    old = a.get()
    a.invalidate(old)
    new = b.get()
    assert new != old
    a.invalidate(old)                   # a late 42001 about the old token changes nothing
    assert a.get() == new and fake_wecom.gettoken_calls == 2
