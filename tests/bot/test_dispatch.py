"""Exactly-once processing: retries, concurrency, failing handlers, database outages."""
from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.services import build
from bot.web.app import create_app
from bot.wecom.messages import callback_xml, parse_message
from commands.context import Reply
from commands.registry import load
from commands.router import Router
from store.db import make_engine
from store.models import InboundMessage, OutboxMessage, User
from tests.support.pipeline import sibling, with_router
from tests.support.proxy import TcpProxy
from tests.support.rows import rows


def text_xml(user: str, content: str, msg_id: int) -> str:
    return callback_xml("ww", 1000002, user, "text", {"Content": content, "MsgId": str(msg_id)},
                        1764036000)


def test_same_message_four_times_at_once_has_one_effect(services, fake_wecom):
    router = Router()
    effects = []

    @router.command("slow")
    def slow(ctx):
        effects.append(1)
        ctx.session.add(User(wecom_userid="made-by-slow", name="x", role="interviewer",
                             created_at=ctx.now))
        time.sleep(0.3)   # the first worker is still acting when the others look
        return [Reply("done")]

    msg = parse_message(text_xml("wangwu", "slow", 9001))
    barrier = threading.Barrier(4)
    taken, acted = [], []

    def callback_then_worker():
        pipeline = with_router(sibling(services, fake_wecom), router)
        barrier.wait()   # four deliveries of one message, each to its own web process…
        taken.append(pipeline.take_in(msg, services.clock()))
        barrier.wait()   # …then four workers at once
        acted.append(pipeline.act())

    threads = [threading.Thread(target=callback_then_worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == [False] * 3 + [True]
    assert sorted(acted) == [0, 0, 0, 1]
    assert len(effects) == 1
    assert len(rows(services, User, wecom_userid="made-by-slow")) == 1
    assert [r.content for r in rows(services, OutboxMessage)] == ["done"]


def test_four_concurrent_posts_through_http_give_one_reply(wecom, services, fake_wecom, deliver):
    body, query = wecom.crypto.seal_callback(text_xml("zhaoliu", "帮助", 9002), nonce="7",
                                             timestamp=str(int(wecom.clock().timestamp())))
    app = create_app(services=services)
    statuses = []

    def post():
        statuses.append(app.test_client().post("/wecom/callback", query_string=query,
                                               data=body).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 4
    deliver()
    assert len(fake_wecom.messages_to("zhaoliu")) == 1


def test_failing_handler_is_rolled_back_and_the_user_gets_an_apology(services, caplog):
    router = Router()

    @router.command("boom")
    def boom(ctx):
        ctx.session.add(User(wecom_userid="half-written", name="x", role="interviewer",
                             created_at=ctx.now))
        ctx.session.flush()
        raise RuntimeError("handler bug")

    pipeline = with_router(services, router)
    msg = parse_message(text_xml("qianqi", "boom", 9003))
    assert pipeline.take_in(msg, services.clock()) and pipeline.act() == 1
    assert rows(services, User, wecom_userid="half-written") == []
    [inbound] = rows(services, InboundMessage)
    assert inbound.status == "failed" and "handler bug" in inbound.error
    [apology] = rows(services, OutboxMessage)
    assert apology.touser == "qianqi" and "Sorry" in apology.content
    assert "handler bug" in caplog.text
    # a retry of the failed message does not run the handler again
    assert not pipeline.take_in(msg, services.clock()) and pipeline.act() == 0


def test_database_down_gives_503_and_recovers_without_restart(settings, clock, fake_wecom, db):
    url = make_url(settings.database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(port=proxy.port).render_as_string(hide_password=False)
    engine = make_engine(proxied)
    svc = build(replace(settings, database_url=proxied), engine=engine, clock=clock,
                transport=fake_wecom.transport())
    app = create_app(services=svc)
    from crypto import WeComCrypto
    from tests.conftest import AES_KEY, CORP_ID, TOKEN, WeComSender

    sender = WeComSender(app.test_client(), clock, WeComCrypto(TOKEN, AES_KEY, CORP_ID,
                                                               clock=lambda: clock().timestamp()))
    try:
        assert sender.text("sunba", "帮助", msg_id=9100).status_code == 200
        proxy.cut()
        assert sender.text("sunba", "帮助", msg_id=9101).status_code == 503
        proxy.restore()
        assert sender.text("sunba", "帮助", msg_id=9101).status_code == 200
        with svc.sessions() as s:
            keys = s.scalars(select(InboundMessage.dedupe_key)).all()
        assert sorted(keys) == ["app:msg:9100", "app:msg:9101"]
    finally:
        proxy.close()
        svc.close()


def test_welcome_at_most_once_a_day(wecom, services, clock):
    wecom.event("zhouji", "enter_agent", EventKey="")
    clock.advance(seconds=5)
    wecom.event("zhouji", "subscribe")
    clock.advance(hours=2)
    wecom.event("zhouji", "enter_agent", EventKey="")
    assert len(rows(services, OutboxMessage, touser="zhouji")) == 1
    clock.advance(days=1)
    wecom.event("zhouji", "enter_agent", EventKey="")
    assert len(rows(services, OutboxMessage, touser="zhouji")) == 2


def test_menu_click_runs_the_command_in_its_event_key(wecom, services):
    wecom.event("wu", "click", EventKey="help")
    [reply] = rows(services, OutboxMessage, touser="wu")
    assert reply.content.startswith("Commands you can use")


def test_events_in_the_same_second_are_not_mistaken_for_retries(wecom, services):
    wecom.event("zheng", "enter_agent", EventKey="")
    wecom.event("zheng", "click", EventKey="help")
    assert len(rows(services, InboundMessage)) == 2


def test_non_text_messages_get_a_hint(wecom, services):
    wecom.post(wecom.xml("feng", "image", {"PicUrl": "http://x/p.png", "MediaId": "m1",
                                           "MsgId": "9200"}))
    [reply] = rows(services, OutboxMessage, touser="feng")
    assert "文字" in reply.content


def test_system_events_are_stored_without_creating_users(wecom, services):
    wecom.post(wecom.xml("sys", "event", {"Event": "change_contact", "ChangeType": "create_user",
                                          "UserID": "newbie"}))
    [inbound] = rows(services, InboundMessage)
    assert inbound.status == "ignored" and inbound.event == "change_contact"
    assert rows(services, User) == [] and rows(services, OutboxMessage) == []


def test_bot_admins_are_admins_from_the_start(wecom, services):
    wecom.text("Boss", "help")
    wecom.text("someone", "help")
    roles = {u.wecom_userid: u.role for u in rows(services, User)}
    assert roles == {"boss": "admin", "someone": "interviewer"}


def test_unknown_command_suggests_and_points_to_help(wecom, services):
    wecom.text("chen", "hlep")
    wecom.text("chen", "帮主")
    first, second = [r.content for r in rows(services, OutboxMessage, touser="chen")]
    assert "help" in first and "Did you mean" in first
    assert "\n帮助\n" in second and "你是不是想发" in second


@pytest.mark.parametrize("text", ["help", "HELP", "/help", " Help ", "帮助", "/帮助", "？"])
def test_help_aliases(services, text):
    router = load()
    assert router.match(text)[0].name == "help"


def test_a_flooding_user_is_slowed_down_politely(wecom, services, clock):
    for i in range(25):
        wecom.text("flood", "help", msg_id=9300 + i)
    replies = rows(services, OutboxMessage, touser="flood")
    assert len(replies) == 21          # 20 answers, then one polite note for the rest
    assert "too fast" in replies[-1].content
    statuses = {r.status for r in rows(services, InboundMessage, from_user="flood")}
    assert statuses == {"done", "throttled"}
    clock.advance(minutes=2)
    wecom.text("flood", "help", msg_id=9400)
    assert len(rows(services, OutboxMessage, touser="flood")) == 22
    wecom.text("calm", "help", msg_id=9401)                  # nobody else is affected
    assert len(rows(services, OutboxMessage, touser="calm")) == 1
