"""The inbox: a callback is committed as a pending row before its 200; workers act on it after."""
from __future__ import annotations

from sqlalchemy import select, text

from bot.pipeline import outbox
from bot.pipeline.inbox import backlog, pending
from store.models import InboundMessage, OutboxMessage
from tests.support.pipeline import act_all
from tests.support.rows import rows


def test_the_200_comes_after_a_committed_pending_row_and_nothing_else(wecom, services):
    wecom.after = None   # act as the web process alone: no worker yet
    resp = wecom.text("zhangsan", "帮助", msg_id=101)
    assert resp.status_code == 200 and resp.data == b""
    [row] = rows(services, InboundMessage)
    assert (row.status, row.from_user, row.msg_type) == ("pending", "zhangsan", "text")
    assert "帮助" in row.payload and row.dedupe_key == "app:msg:101"
    assert rows(services, OutboxMessage) == []
    assert backlog(services.sessions, services.clock())["pending"] == 1


def test_a_worker_acts_on_it_once_and_replies(wecom, services, fake_wecom, deliver):
    wecom.after = None
    for _ in range(3):   # WeCom's retries of a message still waiting in the inbox
        assert wecom.text("zhangsan", "帮助", msg_id=102).status_code == 200
    assert len(rows(services, InboundMessage)) == 1
    deliver()   # the worker: inbox first, then the outbox
    assert rows(services, InboundMessage)[0].status == "done"
    assert len(fake_wecom.messages_to("zhangsan")) == 1
    assert wecom.text("zhangsan", "帮助", msg_id=102).status_code == 200   # a late retry
    deliver()
    assert len(fake_wecom.messages_to("zhangsan")) == 1
    assert backlog(services.sessions, services.clock()) == {"pending": 0, "oldest_age_seconds": 0.0}


def test_a_message_is_handled_at_the_time_it_was_received(wecom, services, clock):
    wecom.after = None
    received = clock()
    wecom.text("zhangsan", "帮助", msg_id=103)
    clock.advance(hours=30)   # the worker was down for a day
    assert act_all(services.pipeline) == 1
    [reply] = rows(services, OutboxMessage)
    assert reply.created_at == received


def test_a_member_s_messages_run_in_order_one_at_a_time(wecom, services, db):
    wecom.after = None
    wecom.text("zhangsan", "帮助", msg_id=201)
    wecom.text("zhangsan", "help", msg_id=202)
    wecom.text("lisi", "帮助", msg_id=203)
    # Worker A takes the oldest messages and is still working on them…
    with services.sessions.begin() as a:
        taken = [r.dedupe_key for r in a.execute(pending(1)).all()]
        assert taken == ["app:msg:201"]
        # …worker B skips them and must not run zhangsan's second message before the first.
        with services.sessions.begin() as b:
            other = [r.dedupe_key for r in b.execute(pending(10)).all()]
        assert other == ["app:msg:203"]
    assert act_all(services.pipeline) == 3
    with services.sessions() as s:
        replies = s.execute(select(OutboxMessage.source_key).where(
            OutboxMessage.touser == "zhangsan").order_by(OutboxMessage.id)).scalars().all()
    assert replies == ["app:msg:201", "app:msg:202"]


def test_the_flood_limit_counts_the_minute_before_each_message(wecom, services, fake_wecom,
                                                               deliver):
    wecom.after = None
    limit = services.settings.user_rate_limit
    for i in range(limit + 2):
        wecom.text("wangwu", "帮助", msg_id=300 + i)
    act_all(services.pipeline)
    statuses = [r.status for r in sorted(rows(services, InboundMessage),
                                         key=lambda r: r.dedupe_key)]
    assert statuses == ["done"] * limit + ["throttled"] * 2


def test_a_message_that_breaks_outside_its_handler_does_not_block_the_rest(
        wecom, services, monkeypatch):
    wecom.after = None
    wecom.text("zhangsan", "帮助", msg_id=401)
    wecom.text("lisi", "帮助", msg_id=402)
    real = outbox.deliver

    def broken(s, replies, *, sender, source_key, now):
        if source_key == "app:msg:401":
            raise RuntimeError("a bug around the handler")
        return real(s, replies, sender=sender, source_key=source_key, now=now)

    monkeypatch.setattr(outbox, "deliver", broken)
    assert services.pipeline.act() == 1   # the batch failed: that one is marked
    act_all(services.pipeline)
    status = {r.dedupe_key: r.status for r in rows(services, InboundMessage)}
    assert status == {"app:msg:401": "failed", "app:msg:402": "done"}
    assert [r.touser for r in rows(services, OutboxMessage)] == ["lisi"]


def test_an_unreadable_stored_payload_is_marked_failed(wecom, services):
    wecom.after = None
    wecom.text("zhangsan", "帮助", msg_id=501)
    with services.sessions.begin() as s:
        s.execute(text("UPDATE inbound_messages SET payload = '<xml><broken'"))
    act_all(services.pipeline)
    [row] = rows(services, InboundMessage)
    assert row.status == "failed" and "unreadable" in row.error


def test_the_inbox_reconnects_after_its_connection_is_cut(wecom, services, db):
    wecom.after = None
    assert wecom.text("zhangsan", "帮助", msg_id=601).status_code == 200
    with db.connect() as conn:   # e.g. a PostgreSQL restart or a proxy dropping idle links
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                          "AND application_name = ''"))
        conn.commit()
    assert wecom.text("zhangsan", "帮助", msg_id=602).status_code == 200
    assert len(rows(services, InboundMessage, status="pending")) == 2


def test_healthz_shows_the_backlog(wecom, app, services, clock):
    wecom.after = None
    wecom.text("zhangsan", "帮助", msg_id=701)
    clock.advance(seconds=42)
    body = app.test_client().get("/healthz").get_json()
    assert body["inbox"] == {"pending": 1, "oldest_age_seconds": 42.0}
    act_all(services.pipeline)
    body = app.test_client().get("/healthz").get_json()
    assert body["inbox"]["pending"] == 0


def test_only_pending_rows_are_in_the_inbox_index(db):
    with db.connect() as conn:
        indexdef = conn.scalar(text("SELECT indexdef FROM pg_indexes "
                                    "WHERE indexname = 'ix_inbound_pending'"))
    assert "WHERE ((status)::text = 'pending'::text)" in indexdef


def test_a_batch_looks_members_and_rate_limits_up_once(wecom, services, db):
    from sqlalchemy import event

    wecom.after = None
    for i in range(20):
        wecom.text(f"member{i}", "帮助", msg_id=800 + i)
    act_all(services.pipeline)   # first contact: the members are created
    for i in range(20):
        wecom.text(f"member{i}", "帮助", msg_id=900 + i)
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db, "before_cursor_execute", count)
    try:
        assert services.pipeline.act() == 20
    finally:
        event.remove(db, "before_cursor_execute", count)
    # Per message: SAVEPOINT, RELEASE and the reply's INSERT; per batch a handful more.
    assert len(statements) < 3 * 20 + 8, statements
    assert sum("FROM users" in q for q in statements) == 1


def test_any_database_refusal_is_a_503_not_a_500(wecom, services, db):
    wecom.after = None
    with db.connect() as conn:   # e.g. a full disk or a revoked grant: the INSERT fails
        conn.execute(text("ALTER TABLE inbound_messages ADD CONSTRAINT no_more CHECK (false) "
                          "NOT VALID"))
        conn.commit()
    try:
        assert wecom.text("zhangsan", "帮助", msg_id=1001).status_code == 503
    finally:
        with db.connect() as conn:
            conn.execute(text("ALTER TABLE inbound_messages DROP CONSTRAINT no_more"))
            conn.commit()
    assert wecom.text("zhangsan", "帮助", msg_id=1001).status_code == 200   # WeCom's retry
    assert len(rows(services, InboundMessage)) == 1


def test_a_worker_that_dies_mid_batch_leaves_its_messages_to_the_next(wecom, services, db):
    from bot.wecom.messages import from_stored
    from store.models import User

    wecom.after = None
    for i in range(3):
        wecom.text(f"member{i}", "帮助", msg_id=1100 + i)
    dying = services.sessions()
    dying.begin()
    taken = dying.execute(pending(10)).all()
    assert len(taken) == 3
    for row in taken[:2]:   # it has done part of the work, uncommitted…
        acted = services.dispatcher.act(dying, row.dedupe_key, from_stored(row.payload),
                                        row.received_at, recent=1, known={})
        outbox.deliver(dying, acted.replies, sender=acted.sender.wecom_userid,
                       source_key=row.dedupe_key, now=row.received_at)
    pid = dying.execute(text("SELECT pg_backend_pid()")).scalar()
    with db.connect() as conn:   # …when the process is killed: its connection drops
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        conn.commit()
    dying.invalidate()
    assert act_all(services.pipeline) == 3   # another worker takes all three, once each
    assert [r.status for r in rows(services, InboundMessage)] == ["done"] * 3
    assert sorted(r.source_key for r in rows(services, OutboxMessage)) == \
        ["app:msg:1100", "app:msg:1101", "app:msg:1102"]
    assert len(rows(services, User)) == 3


def test_a_failure_before_any_message_is_raised_not_spun_on(wecom, services, monkeypatch):
    import pytest

    import bot.pipeline.inbox

    wecom.after = None
    wecom.text("zhangsan", "帮助", msg_id=1201)

    def broken(limit):
        raise RuntimeError("a bug in the claim")

    monkeypatch.setattr(bot.pipeline.inbox, "pending", broken)
    with pytest.raises(RuntimeError):   # the worker's step logs it and pauses a second
        act_all(services.pipeline)
    assert rows(services, InboundMessage)[0].status == "pending"
