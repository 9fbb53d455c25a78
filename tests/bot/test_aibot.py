"""The intelligent bot's callback: JSON crypto with ReceiveId "", passive replies, groups."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.pipeline.aibot import Aibot
from bot.services import build
from bot.web.app import create_app
from bot.wecom.aibot_messages import parse_aibot
from commands.context import Reply
from commands.router import Router
from crypto import WeComCrypto
from store.models import InboundMessage, OutboxMessage

AIBOT_TOKEN = "aibotToken123"
AIBOT_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


@pytest.fixture
def aisvc(settings, db, fake_wecom, clock):
    svc = build(replace(settings, aibot_token=AIBOT_TOKEN, aibot_encoding_aes_key=AIBOT_KEY),
                transport=fake_wecom.transport(), clock=clock, engine=db)
    yield svc
    svc.client.close()


@pytest.fixture
def ai(aisvc, clock):
    crypto = WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "", clock=lambda: clock().timestamp())
    client = create_app(services=aisvc).test_client()

    def post(payload: dict, nonce: str = "n1"):
        body, query = crypto.seal_callback_json(json.dumps(payload, ensure_ascii=False),
                                                nonce=nonce)
        resp = client.post("/wecom/aibot", query_string=query, data=body,
                           content_type="application/json")
        if resp.status_code == 200 and resp.data:
            env = json.loads(resp.data)
            plain = crypto.open_json(json.dumps({"encrypt": env["encrypt"]}).encode(),
                                     env["msgsignature"], str(env["timestamp"]), env["nonce"])
            return resp, json.loads(plain)
        return resp, None

    post.client = client
    post.crypto = crypto
    return post


def message(text: str, msgid: str = "m1", chattype: str = "single", user: str = "lisi"):
    d = {"msgid": msgid, "aibotid": "AIBOT", "chattype": chattype, "from": {"userid": user},
         "response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC",
         "msgtype": "text", "text": {"content": text}}
    if chattype == "group":
        d["chatid"] = "CHAT1"
    return d


def rows(svc, model):
    with svc.sessions() as s:
        return s.scalars(select(model)).all()


def test_url_verification_uses_an_empty_receive_id(ai):
    query = ai.crypto.verify_url_query("5927782489442352469", nonce="1")
    resp = ai.client.get("/wecom/aibot", query_string=query)
    assert resp.status_code == 200 and resp.data == b"5927782489442352469"
    query["msg_signature"] = "0" * 40
    assert ai.client.get("/wecom/aibot", query_string=query).status_code == 403


def test_single_chat_command_gets_a_finished_stream(ai, aisvc):
    resp, reply = ai(message("帮助"))
    assert resp.mimetype == "application/json"
    assert reply["msgtype"] == "stream" and reply["stream"]["finish"] is True
    assert "可用命令" in reply["stream"]["content"]
    assert rows(aisvc, OutboxMessage) == []          # answered in the HTTP response


def test_retry_gets_the_same_answer_without_running_again(ai, aisvc):
    _, first = ai(message("help", msgid="m-retry"))
    _, again = ai(message("help", msgid="m-retry"), nonce="n2")
    assert again == first
    assert len(rows(aisvc, InboundMessage)) == 1
    _, refresh = ai({"msgid": "m-x", "msgtype": "stream", "chattype": "single",
                     "from": {"userid": "lisi"}, "stream": {"id": first["stream"]["id"]}})
    assert refresh == first


def test_group_messages_need_a_mention(ai, aisvc):
    resp, reply = ai(message("help", msgid="g1", chattype="group"))
    assert resp.status_code == 200 and reply is None
    _, reply = ai(message("@面试助手 help", msgid="g2", chattype="group"))
    assert reply["stream"]["content"].startswith("Commands you can use")


def test_private_content_goes_one_to_one_and_the_group_is_told(ai, aisvc):
    router = Router()

    @router.command("contact")
    def contact(ctx):
        return [Reply("张三 13800138000", private=True), Reply("notice", to="wangwu")]

    aisvc.aibot = Aibot(aisvc.sessions, replace(aisvc.dispatcher, router=router),
                        aisvc.pipeline.wakeup, aisvc.clock)
    _, reply = ai(message("@bot contact", msgid="g3", chattype="group", user="wangfang"))
    assert "13800138000" not in json.dumps(reply, ensure_ascii=False)
    assert "private" in reply["stream"]["content"]
    sent = {r.touser: r.content for r in rows(aisvc, OutboxMessage)}
    assert sent == {"wangfang": "张三 13800138000", "wangwu": "notice"}


def test_events(ai, aisvc):
    _, welcome = ai({"msgid": "e1", "msgtype": "event", "chattype": "single",
                     "from": {"userid": "lisi"}, "event": {"eventtype": "enter_chat"}})
    assert welcome["msgtype"] == "text" and "help" in welcome["text"]["content"].lower()
    _, card = ai({"msgid": "e2", "msgtype": "event", "chattype": "single",
                  "from": {"userid": "lisi"},
                  "event": {"eventtype": "template_card_event",
                            "template_card_event": {"event_key": "help", "task_id": "t"}}})
    assert card["response_type"] == "update_template_card" and card["userids"] == ["lisi"]
    resp, none = ai({"msgid": "e3", "msgtype": "event", "chattype": "single",
                     "from": {"userid": "lisi"},
                     "event": {"eventtype": "feedback_event", "feedback_event": {"id": "f"}}})
    assert resp.status_code == 200 and none is None


def test_long_answers_continue_through_response_url(ai, aisvc):
    router = Router()

    @router.command("long")
    def long(ctx):
        return [Reply("\n".join(f"第{i}行 " + "面试" * 50 for i in range(200)))]   # ~60 KB

    aisvc.aibot = Aibot(aisvc.sessions, replace(aisvc.dispatcher, router=router),
                        aisvc.pipeline.wakeup, aisvc.clock)
    _, reply = ai(message("long", msgid="L1"))
    assert len(reply["stream"]["content"].encode()) <= 20480
    tail = [r for r in rows(aisvc, OutboxMessage) if r.channel == "response_url"]
    assert tail and tail[0].url.startswith("https://qyapi.weixin.qq.com/cgi-bin/aibot/response")


def test_bad_aibot_input(ai):
    body, query = ai.crypto.seal_callback_json("not json", nonce="z")
    assert ai.client.post("/wecom/aibot", query_string=query, data=body).status_code == 400
    assert ai.client.post("/wecom/aibot", query_string=query, data=b"{").status_code == 400
    query["msg_signature"] = "1" * 40
    assert ai.client.post("/wecom/aibot", query_string=query, data=body).status_code == 403


def test_aibot_is_404_when_not_configured(app):
    assert app.test_client().get("/wecom/aibot?echostr=x").status_code == 404


def test_parse_strips_mentions_and_reads_mixed():
    msg = parse_aibot(json.dumps({"msgid": "1", "msgtype": "mixed", "chattype": "group",
                                  "from": {"userid": "u"}, "mixed": {"msg_item": [
                                      {"msgtype": "text", "text": {"content": "@Bot 我的面试"}},
                                      {"msgtype": "image", "image": {"url": "http://i"}}]}}))
    assert msg.text == "我的面试" and msg.mentioned


def test_response_url_must_be_wecoms(services):
    from bot.wecom.errors import ApiError

    with pytest.raises(ApiError):
        services.client.post_url("https://evil.example/steal", {"x": 1})
