"""User text quoted in replies never becomes a link, an image, a tag or formatting."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.pipeline.sender import build_request
from bot.services import build
from bot.web.app import create_app
from commands.context import Context, Reply
from commands.registry import load
from commands.router import Param, Router
from commands.sanitize import inert, no_markdown, no_tags
from config.settings import Settings
from crypto import WeComCrypto
from store.models import OutboxMessage, User

HOSTILE = ['[click](http://evil.example/login)', '![x](http://evil.example/pixel.png)',
           '<a href="http://evil.example">点我</a>', '<font color="warning">紧急</font>',
           '**bold** `code`', '<http://evil.example>']
ACTIVE = ("](", "<a", "<font", "<http", "**", "`")


def is_inert(text: str) -> bool:
    return not any(marker in text for marker in ACTIVE)


def ctx(role: str = "interviewer") -> Context:
    user = User(wecom_userid="lisi", name="李四", role=role)
    return Context(sender=user, session=None, now=datetime(2026, 11, 25, 2, tzinfo=UTC),
                   settings=Settings())


@pytest.mark.parametrize("text", HOSTILE)
def test_quote_makes_markup_inert_and_keeps_it_readable(text):
    shown = inert(text, limit=100)
    assert is_inert(shown)
    assert [c for c in shown if c.isalnum()] == [c for c in text if c.isalnum()]


@given(st.text())
def test_quoting_is_idempotent_one_line_and_bounded(text):
    once = inert(text)
    assert inert(once) == once
    assert "\n" not in once and len(once) <= 31
    assert no_markdown(no_markdown(text)) == no_markdown(text)
    assert "<" not in no_tags(text) and ">" not in no_tags(text)


def test_a_heading_at_a_line_start_is_no_heading():
    assert no_markdown("ok\n# 标题\n  #x") == "ok\n＃ 标题\n  ＃x"
    assert no_markdown("#12 张三") == "＃12 张三"


@pytest.mark.parametrize("text", HOSTILE)
def test_the_routers_did_not_understand_echo_is_inert(text):
    [reply] = load().dispatch(ctx(), text)
    assert type(reply) is Reply and is_inert(reply.text)   # plain text, not markdown


@pytest.mark.parametrize("text", HOSTILE)
def test_help_on_an_unknown_topic_is_inert(text):
    [reply] = load().dispatch(ctx(), f"help {text}")
    assert is_inert(reply.text)


def test_a_text_message_on_the_wire_carries_no_tag(services):
    from sqlalchemy import select

    from bot.pipeline import outbox

    with services.sessions.begin() as s:    # text is made inert when it is queued
        outbox.enqueue(s, touser="lisi", content='看不懂 <a href="http://evil.example">x</a>',
                       now=services.clock())
    with services.sessions() as s:
        row = s.scalars(select(OutboxMessage)).one()
    path, body = build_request(row, 1000002, markdown=True)
    assert path == "message/send" and "<a" not in body["text"]["content"]
    assert "evil.example" in body["text"]["content"]       # shown, not hidden


def test_an_injected_link_reaches_the_user_as_text(wecom, services, fake_wecom, deliver):
    assert wecom.text("lisi", '<a href="http://evil.example">点我</a>').status_code == 200
    services.dispatcher.router = echo_router()   # a handler that forgets to quote
    assert wecom.text("lisi", 'echo <a href="http://evil.example">点我</a>').status_code == 200
    deliver()
    got = fake_wecom.messages_to("lisi")
    assert len(got) == 2 and all("<a" not in m for m in got)


AIBOT_TOKEN = "aibotToken123"
AIBOT_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


def echo_router() -> Router:
    """A command that repeats its argument raw, as any handler naming a candidate does."""
    router = Router()
    router.command("echo", params=(Param("text", kind="text"),))(lambda c, text: [Reply(text)])
    return router


def test_the_intelligent_bots_markdown_stream_shows_plain_text(settings, db, fake_wecom,
                                                                clock):
    svc = build(replace(settings, aibot_token=AIBOT_TOKEN, aibot_encoding_aes_key=AIBOT_KEY),
                transport=fake_wecom.transport(), clock=clock, engine=db)
    svc.dispatcher.router = echo_router()   # even a handler that forgets to quote is safe here
    crypto = WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "", clock=lambda: clock().timestamp())
    client = create_app(services=svc).test_client()
    for i, text in enumerate(HOSTILE):
        msg = {"msgid": f"inj{i}", "aibotid": "AIBOT", "chattype": "single",
               "from": {"userid": "lisi"}, "msgtype": "text",
               "text": {"content": f"echo {text}"}}
        body, query = crypto.seal_callback_json(json.dumps(msg), nonce=f"n{i}")
        resp = client.post("/wecom/aibot", query_string=query, data=body,
                           content_type="application/json")
        env = json.loads(resp.data)
        plain = json.loads(crypto.open_json(json.dumps({"encrypt": env["encrypt"]}).encode(),
                                            env["msgsignature"], str(env["timestamp"]),
                                            env["nonce"]))
        content = plain["stream"]["content"]
        assert is_inert(content), content
    svc.client.close()
