"""Replays, forgeries, XXE, SQL injection and floods against the real callback endpoints."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import event, func, inspect, select

from bot.services import build
from bot.web.app import create_app
from crypto import WeComCrypto
from store.models import InboundMessage, OutboxMessage, User
from tests.support.pipeline import act_all

AIBOT_TOKEN, AIBOT_KEY = "secAibotToken1", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


def count(svc, model, *where):
    with svc.sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def sealed(wecom, user, content, msg_id, nonce="1"):
    xml = wecom.xml(user, "text", {"Content": content, "MsgId": str(msg_id)})
    return wecom.crypto.seal_callback(xml, nonce=nonce,
                                      timestamp=str(int(wecom.clock().timestamp())))


def post(client, body, query, path="/wecom/callback"):
    return client.post(path, query_string=query, data=body).status_code


def test_a_replay_days_later_is_refused_and_changes_nothing(wecom, services, clock):
    body, query = sealed(wecom, "lisi", "help", 5_000_001)
    assert post(wecom.client, body, query) == 200
    clock.advance(days=3)
    assert post(wecom.client, body, query) == 403            # genuine, but stale
    captured = sealed(wecom, "lisi", "help", 5_000_002)
    clock.advance(minutes=6)                                 # never delivered, then replayed
    assert post(wecom.client, *captured) == 403
    act_all(services.pipeline)   # what the worker does next
    assert count(services, InboundMessage) == 1 and count(services, OutboxMessage) == 1


def test_a_replay_inside_the_window_is_deduplicated(wecom, services, clock):
    body, query = sealed(wecom, "lisi", "help", 5_000_003)
    for _ in range(3):
        assert post(wecom.client, body, query) == 200
        clock.advance(seconds=60)
    act_all(services.pipeline)   # what the worker does next
    assert count(services, InboundMessage) == 1 and count(services, OutboxMessage) == 1


@pytest.fixture
def both(settings, db, fake_wecom, clock):
    """An app with the intelligent bot too; its engine counts every database use."""
    svc = build(replace(settings, aibot_token=AIBOT_TOKEN, aibot_encoding_aes_key=AIBOT_KEY),
                transport=fake_wecom.transport(), clock=clock, engine=db)
    uses = []
    listeners = [(db, "before_cursor_execute", lambda *a: uses.append("sql")),
                 (db.pool, "checkout", lambda *a: uses.append("connection"))]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    accept = svc.pipeline.inbox.accept   # its own psycopg connection: SQLAlchemy's events miss it
    svc.pipeline.inbox.accept = lambda *a, **k: (uses.append("inbox"), accept(*a, **k))[1]
    yield create_app(services=svc).test_client(), svc, uses
    for target, name, fn in listeners:
        event.remove(target, name, fn)
    svc.client.close()


def test_a_flood_of_invalid_requests_costs_no_database_work(both, wecom, clock):
    client, svc, uses = both
    body, query = sealed(wecom, "lisi", "help", 5_000_004)
    ai = WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "", clock=lambda: clock().timestamp())
    ai_body, ai_query = ai.seal_callback_json(json.dumps({"msgtype": "text"}), nonce="n")
    stale = str(int(clock().timestamp()) - 3600)
    for i in range(100):
        assert post(client, body, dict(query, msg_signature=f"{i:040x}")) == 403
        assert post(client, body, dict(query, timestamp=stale)) == 403
        assert post(client, b"<xml><Encrypt>" + b"A" * i, query) == 400
        assert post(client, ai_body, dict(ai_query, msg_signature="0" * 40),
                    "/wecom/aibot") == 403
        assert client.get("/wecom/callback", query_string=dict(query, echostr="x" * i)) \
            .status_code in (400, 403)
    assert uses == []                   # not one connection, not one statement
    assert post(client, body, query) == 200 and uses   # and the counter does count


XXE_PAYLOADS = [
    '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
    '<xml><FromUserName>lisi</FromUserName><MsgType>text</MsgType><Content>&x;</Content>'
    '<MsgId>5000005</MsgId></xml>',
    '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>'
    '<xml><MsgType>text</MsgType></xml>',
    '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><MsgType>text'
    '</MsgType></xml>',
]


@pytest.mark.parametrize("xml", XXE_PAYLOADS)
def test_xxe_inside_a_genuine_message_is_refused_before_any_entity_is_read(wecom, services, xml):
    body, query = wecom.crypto.seal_callback(xml, nonce="1",
                                             timestamp=str(int(wecom.clock().timestamp())))
    assert post(wecom.client, body, query) == 400
    assert count(services, InboundMessage) == 0


INJECTIONS = ["'); DROP TABLE users;--", "Robert'); DROP TABLE candidates;--",
              "x' OR '1'='1", "%_%", "\\'; SELECT pg_sleep(10);--"]


@pytest.mark.parametrize("name", INJECTIONS)
def test_sql_in_command_arguments_is_stored_and_shown_as_text(wecom, services, deliver,
                                                              fake_wecom, name):
    tables = set(inspect(services.engine).get_table_names())
    users_before = count(services, User)
    assert wecom.text("boss", f"add candidate {name} position:QA").status_code == 200
    assert wecom.text("boss", f"candidate {name}").status_code == 200
    assert wecom.text("lisi", "help").status_code == 200
    assert wecom.text("boss", f"name @lisi {name}").status_code == 200
    deliver()
    assert set(inspect(services.engine).get_table_names()) == tables
    assert count(services, User) == users_before + 2
    from store.hiring import Candidate

    with services.sessions() as s:
        assert s.scalars(select(Candidate.name)).all() == [name]
        assert s.scalars(select(User.name).where(User.wecom_userid == "lisi")).one() == name
    created, shown = fake_wecom.messages_to("boss")[:2]
    assert "Created candidate" in created and name in shown


def test_one_user_flooding_through_the_intelligent_bot_is_slowed_down(both, clock):
    client, svc, _ = both
    ai = WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "", clock=lambda: clock().timestamp())
    replies = []
    for i in range(25):
        msg = {"msgid": f"flood{i}", "chattype": "single", "from": {"userid": "flood"},
               "msgtype": "text", "text": {"content": "help"}}
        body, query = ai.seal_callback_json(json.dumps(msg), nonce=f"n{i}")
        resp = client.post("/wecom/aibot", query_string=query, data=body)
        env = json.loads(resp.data)
        plain = ai.open_json(json.dumps({"encrypt": env["encrypt"]}).encode(),
                             env["msgsignature"], str(env["timestamp"]), env["nonce"])
        replies.append(json.loads(plain)["stream"]["content"])
    assert all("too fast" not in r for r in replies[:20])
    assert all("too fast" in r for r in replies[20:])
    assert count(svc, InboundMessage, InboundMessage.status == "throttled") == 5


def test_the_limit_counts_both_entry_points_together(both, wecom, clock):
    client, svc, _ = both
    for i in range(15):
        wecom.text("mixed", "help", msg_id=5_100_000 + i)
    ai = WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "", clock=lambda: clock().timestamp())
    for i in range(10):
        msg = {"msgid": f"mix{i}", "chattype": "single", "from": {"userid": "mixed"},
               "msgtype": "text", "text": {"content": "help"}}
        body, query = ai.seal_callback_json(json.dumps(msg), nonce=f"m{i}")
        assert client.post("/wecom/aibot", query_string=query, data=body).status_code == 200
    assert count(svc, InboundMessage, InboundMessage.status == "throttled") == 5
