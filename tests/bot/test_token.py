"""The shared access_token: one gettoken per expiry across processes."""
from __future__ import annotations

import threading

from bot.wecom.client import GetToken, api_http
from bot.wecom.token import TokenStore
from store.db import make_sessionmaker
from tests.conftest import CORP_ID, SECRET


def stores(services, fake_wecom, clock, n):
    """n independent token stores, as n processes would have, sharing the database."""
    out = []
    for _ in range(n):
        http = api_http("https://qyapi.weixin.qq.com", fake_wecom.transport())
        out.append(TokenStore(make_sessionmaker(services.engine), "app",
                              GetToken(http, CORP_ID, SECRET), clock))
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


def test_a_token_wecom_expired_early_is_refreshed_once_and_the_call_resent(services,
                                                                           fake_wecom):
    client = services.client
    client.send_message({"touser": "lisi", "msgtype": "text", "agentid": 1000002,
                         "text": {"content": "one"}})
    fake_wecom.expire_tokens()        # WeCom dropped it before the expiry it announced
    client.send_message({"touser": "lisi", "msgtype": "text", "agentid": 1000002,
                         "text": {"content": "two"}})
    assert fake_wecom.messages_to("lisi") == ["one", "two"]
    assert fake_wecom.gettoken_calls == 2


def test_a_second_refusal_of_a_fresh_token_is_an_error_not_a_loop(services, fake_wecom):
    from bot.wecom.errors import ApiError

    fake_wecom.fail_next("message/send", errcode=42001)
    fake_wecom.fail_next("message/send", errcode=42001)
    try:
        services.client.send_message({"touser": "lisi", "msgtype": "text",
                                      "agentid": 1000002, "text": {"content": "x"}})
    except ApiError as exc:
        assert exc.errcode == 42001
    else:
        raise AssertionError("a token refused twice must surface")
    assert fake_wecom.gettoken_calls == 2 and fake_wecom.messages_to("lisi") == []
