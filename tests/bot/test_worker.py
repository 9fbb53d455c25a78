"""The outbox and the worker against the fake WeCom API: retries, dead letters, limits."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.pipeline import outbox
from store.models import AccessToken, OutboxMessage
from tests.support.pipeline import sibling


def put(services, touser, content, n=1, **kw):
    with services.sessions.begin() as s:
        for i in range(n):
            outbox.enqueue(s, touser=touser, content=content.format(i=i),
                           now=services.clock(), **kw)


def rows(services):
    with services.sessions() as s:
        return s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_transient_failures_are_retried_until_delivered_once(services, fake_wecom, clock):
    worker = services.make_worker()
    put(services, "lisi", "hello")
    fake_wecom.fail_next("message/send", errcode=-1)
    fake_wecom.fail_next("message/send", status=502)
    fake_wecom.fail_next("message/send", timeout=True)
    for _ in range(4):
        worker.drain()
        clock.advance(minutes=1)
    assert fake_wecom.messages_to("lisi") == ["hello"]
    [row] = rows(services)
    assert row.status == "sent" and row.attempts == 4


def test_permanent_errors_are_dead_at_once_with_wecoms_errmsg(services, fake_wecom):
    worker = services.make_worker()
    put(services, "lisi", "x")
    fake_wecom.fail_next("message/send", errcode=60020)
    worker.drain()
    [row] = rows(services)
    assert row.status == "dead" and row.attempts == 1
    assert "60020" in row.last_error and "not allow to access from your ip" in row.last_error


@pytest.fixture
def directory(services, settings, clock):
    """Services whose fake WeCom knows only lisi, so other userids are invalid."""
    from bot.services import build
    from devkit.fakewecom import FakeWeCom
    from tests.conftest import AGENT_ID, CORP_ID, SECRET

    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID,
                     users={"lisi": "李四"}, clock=lambda: clock().timestamp())
    svc = build(settings, transport=fake.transport(), clock=clock, engine=services.engine)
    yield svc, fake
    svc.client.close()


def test_all_recipients_invalid_is_dead(directory):
    svc, fake = directory
    put(svc, "nobody", "x")
    svc.make_worker().drain()
    [row] = rows(svc)
    assert row.status == "dead" and "81013" in row.last_error


def test_invaliduser_is_recorded(directory):
    svc, fake = directory
    put(svc, "lisi|ghost", "x")
    svc.make_worker().drain()
    [row] = rows(svc)
    assert row.status == "sent" and row.invaliduser == "ghost"
    assert fake.messages_to("lisi") == ["x"]


def test_expired_token_is_refreshed_once_and_the_send_retried(services, fake_wecom, clock):
    worker = services.make_worker()
    put(services, "lisi", "one")
    worker.drain()
    assert fake_wecom.gettoken_calls == 1
    fake_wecom.expire_tokens()
    put(services, "lisi", "two")
    worker.drain()
    assert fake_wecom.messages_to("lisi") == ["one", "two"]
    assert fake_wecom.gettoken_calls == 2


def test_wrong_secret_never_loops_on_gettoken(services, fake_wecom, clock):
    fake_wecom.fail_next("gettoken", times=100, errcode=40001)
    worker = services.make_worker()
    put(services, "lisi", "m{i}", n=5)
    for _ in range(5):
        worker.drain()
        clock.advance(seconds=10)
    assert fake_wecom.gettoken_calls == 1       # remembered for a minute, not retried per row
    clock.advance(minutes=2)
    worker.drain()
    assert fake_wecom.gettoken_calls == 2
    assert all(r.status == "pending" for r in rows(services))
    with services.sessions() as s:
        token = s.get(AccessToken, "wwtestcorp0000001:1000002")
    assert "40001" in token.last_error


def test_frequency_limit_backs_off_for_minutes(services, fake_wecom, clock):
    fake_wecom.fail_next("message/send", errcode=45009)
    put(services, "lisi", "x")
    services.make_worker().drain()
    [row] = rows(services)
    assert row.status == "pending" and row.next_attempt_at - clock() >= timedelta(seconds=60)


def test_per_member_limit_holds_the_excess_instead_of_losing_it(services, fake_wecom, clock):
    worker = services.make_worker()
    put(services, "lisi", "m{i}", n=40)
    put(services, "wangwu", "w{i}", n=3)
    for _ in range(20):
        worker.drain()
        clock.advance(seconds=3)
    assert len(fake_wecom.messages_to("lisi")) == 30       # one minute's worth
    assert len(fake_wecom.messages_to("wangwu")) == 3      # others are not held up
    clock.advance(seconds=61)
    for _ in range(5):
        worker.drain()
        clock.advance(seconds=3)
    assert fake_wecom.messages_to("lisi") == [f"m{i}" for i in range(40)]  # in order
    assert fake_wecom.dropped == []                       # WeCom silently dropped nothing


def test_hourly_member_limit(services, fake_wecom, clock):
    worker = sibling(services, fake_wecom, concurrency=1).make_worker()
    put(services, "lisi", "m{i}", n=1005)
    for _ in range(60):
        with services.engine.begin() as conn:
            # What autovacuum does as the rows change (it is off on the test cluster): without
            # statistics each claim walks the member's backlog once per candidate (~75 ms).
            conn.execute(text("ANALYZE outbox"))
        for _ in range(40):
            if not worker.step():
                break
        clock.advance(seconds=61)
    assert len(fake_wecom.messages_to("lisi")) == 1000
    assert fake_wecom.dropped == []


def test_long_text_is_split_on_line_boundaries_utf8_safe(services, fake_wecom):
    text = "".join(f"#{i} 面试安排：" + "张三" * 20 + "\n" for i in range(40))  # ~5 KB
    put(services, "lisi", text)
    services.make_worker().drain()
    parts = fake_wecom.messages_to("lisi")
    assert len(parts) >= 3
    assert all(len(p.encode()) <= 2048 for p in parts)
    assert "\n".join(parts) + "\n" == text
    assert all(p.endswith("张三") for p in parts)


def test_split_utf8_cuts_an_overlong_line_at_a_character_boundary():
    text = "😀" * 1000          # 4 KB, one line, 4-byte characters
    parts = outbox.split_utf8(text)
    assert "".join(parts) == text and all(len(p.encode()) <= 2048 for p in parts)


def test_markdown_falls_back_to_text_when_turned_off(services, fake_wecom):
    put(services, "lisi", "**#12** <font color=\"info\">已安排</font>", msgtype="markdown")
    sibling(services, fake_wecom, markdown=False).make_worker().drain()
    [d] = fake_wecom.delivered
    assert d.msgtype == "text" and d.content == "#12 已安排"


def test_markdown_is_sent_as_markdown(services, fake_wecom):
    put(services, "lisi", "**hi**", msgtype="markdown")
    services.make_worker().drain()
    assert fake_wecom.delivered[0].msgtype == "markdown"


def test_two_workers_side_by_side_send_nothing_twice(services, fake_wecom):
    put(services, "u{i}", "msg", n=1)
    with services.sessions.begin() as s:
        for i in range(200):
            outbox.enqueue(s, touser=f"user{i % 25}", content=f"m{i}", now=services.clock())
    workers = [sibling(services, fake_wecom, concurrency=4).make_worker() for _ in range(2)]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop,)) for w in workers]
    for t in threads:
        t.start()
    assert fake_wecom.wait_for(lambda: len(fake_wecom.delivered) >= 201, timeout=30)
    stop.set()
    for t in threads:
        t.join()
    contents = [d.content for d in fake_wecom.delivered if d.touser.startswith("user")]
    assert sorted(contents) == sorted(f"m{i}" for i in range(200))
    for i in range(25):   # each member's messages arrived in the order they were written
        mine = fake_wecom.messages_to(f"user{i}")
        assert mine == sorted(mine, key=lambda c: int(c[1:]))


def test_a_crashed_workers_claim_is_taken_over_after_the_lease(services, fake_wecom, clock):
    put(services, "lisi", "x")
    outbox.claim(services.sessions, worker_id="dead-worker", now=clock(), limit=10)
    survivor = services.make_worker()
    survivor.drain()
    assert fake_wecom.delivered == []
    clock.advance(seconds=61)
    survivor.drain()
    assert fake_wecom.messages_to("lisi") == ["x"]
    [row] = rows(services)
    assert row.claimed_by == survivor.worker_id and row.status == "sent"


def test_resend_after_crash_is_suppressed_by_duplicate_check(services, fake_wecom, clock):
    put(services, "lisi", "only once")
    worker = services.make_worker()
    [row] = outbox.claim(services.sessions, worker_id=worker.worker_id, now=clock(), limit=1)
    worker.pipeline.sender.send(row)                       # delivered, then "crash" before the next step...
    with services.sessions.begin() as s:   # ...simulated by undoing the bookkeeping
        r = s.get(OutboxMessage, row.id)
        r.status, r.claimed_at = "sending", clock() - timedelta(seconds=61)
    worker.drain()
    assert fake_wecom.messages_to("lisi") == ["only once"]
    assert fake_wecom.suppressed_duplicates == 1


def test_the_same_answer_asked_for_twice_is_delivered_twice(wecom, fake_wecom, clock,
                                                           deliver):
    wecom.text("lisi", "帮助")
    deliver()
    clock.advance(seconds=60)   # inside WeCom's 180 s duplicate-check window
    wecom.text("lisi", "帮助")   # a new question, word for word: the answer is identical
    deliver()
    assert len(fake_wecom.messages_to("lisi")) == 2
    assert fake_wecom.suppressed_duplicates == 0
    first, second = (d.raw for d in fake_wecom.delivered)
    assert first["enable_duplicate_check"] == 1 and second["enable_duplicate_check"] == 0


def test_a_resend_of_a_repeated_answer_keeps_the_duplicate_check(services, fake_wecom, clock):
    put(services, "lisi", "same")
    worker = services.make_worker()
    worker.drain()
    put(services, "lisi", "same")
    [row] = outbox.claim(services.sessions, worker_id=worker.worker_id, now=clock(), limit=1)
    assert row.repeats_recent   # its first attempt: WeCom must not drop it
    with services.sessions.begin() as s:   # the worker died before it could send
        r = s.get(OutboxMessage, row.id)
        r.claimed_at = clock() - timedelta(seconds=61)
    [again] = outbox.claim(services.sessions, worker_id="other", now=clock(), limit=1)
    assert again.attempts == 2 and not again.repeats_recent   # a resend: the check stays on


def test_dead_rows_can_be_retried(services, fake_wecom, clock):
    fake_wecom.fail_next("message/send", errcode=81013)
    put(services, "lisi", "x")
    worker = services.make_worker()
    worker.drain()
    assert outbox.retry_dead(services.sessions, None, clock()) == 1
    worker.drain()
    assert fake_wecom.messages_to("lisi") == ["x"]


def test_dedupe_key_makes_enqueue_idempotent(services):
    put(services, "lisi", "remind", dedupe_key="remind:1:lisi:60")
    put(services, "lisi", "remind", dedupe_key="remind:1:lisi:60")
    assert len(rows(services)) == 1


def test_text_is_made_inert_before_it_is_split(services, fake_wecom):
    text = "\n".join(f"<a href='x'>{i}</a> " + "<" * 60 for i in range(60))   # grows 3x
    put(services, "lisi", text)
    services.make_worker().drain()
    parts = fake_wecom.messages_to("lisi")
    assert parts and all(len(p.encode()) <= 2048 for p in parts)
    assert not any("<" in p for p in parts)
    assert all(r.status == "sent" for r in rows(services))


def test_the_long_english_help_of_an_admin_is_delivered(services, wecom, fake_wecom, deliver):
    wecom.text("boss", "help")      # BOT_ADMINS: the longest help there is
    deliver()
    assert fake_wecom.messages_to("boss")
    assert all(r.status == "sent" for r in rows(services))
