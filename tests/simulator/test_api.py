"""The simulator end to end in-process: page API -> sealed callback -> bot -> outbox -> worker
-> fake WeCom API -> the page's view of the conversation."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.pipeline import outbox
from commands.replies import Card
from devkit.fakewecom import FakeWeCom
from devkit.simulator import SimulatorRefused, install
from devkit.simulator.clock import OffsetClock
from devkit.simulator.fakelink import LocalFake
from devkit.simulator.history import conversation
from store.models import InboundMessage, User


def state(page, user=""):
    resp = page.get("/simulator/api/state", query_string={"user": user})
    assert resp.status_code == 200
    return resp.get_json()


def send(page, **body):
    return page.post("/simulator/api/send", json=body)


def test_the_page_is_served_with_its_assets(page):
    html = page.get("/simulator/").get_data(as_text=True)
    assert "企业微信模拟器" in html
    for asset in ("static/app.js", "static/markdown.js", "static/style.css"):
        assert asset in html
        assert page.get("/simulator/" + asset).status_code == 200
    assert not re.search(r'(src|href)="(https?:)?//', html)   # nothing from a CDN


def test_a_typed_message_reaches_the_bot_and_the_reply_comes_back(page, drain, dev_fake):
    resp = send(page, user="lisi", kind="text", text="帮助")
    assert resp.status_code == 200
    key = resp.get_json()["key"]
    assert key.startswith("app:msg:")
    drain()
    assert "可用命令" in dev_fake.messages_to("lisi")[0]
    chat = state(page, "lisi")["messages"]
    assert [(m["from"], m["kind"]) for m in chat] == [("user", "text"), ("bot", "text")]
    assert chat[0]["content"] == "帮助" and chat[0]["key"] == key
    assert "可用命令" in chat[1]["content"]


def test_the_callback_really_was_signed_and_encrypted(page, sim, dev_services):
    send(page, user="lisi", kind="text", text="help")
    with dev_services.sessions() as s:
        row = s.scalars(select(InboundMessage)).one()
    # The bot stored the decrypted payload: it passed signature check and decryption.
    stored = json.loads(row.payload)   # the fields of the decrypted XML, parsed once
    assert stored["Content"] == "help"
    assert stored["ToUserName"] == dev_services.settings.corp_id


def test_a_menu_press_is_a_click_event_whose_key_is_the_command(page, drain, dev_fake):
    assert send(page, user="lisi", kind="click", key="help").status_code == 200
    drain()
    assert dev_fake.messages_to("lisi")[0].startswith("Commands you can use")
    chat = state(page, "lisi")["messages"]
    assert chat[0] == {**chat[0], "from": "user", "kind": "click", "content": "help"}


def test_opening_the_app_greets_once_and_is_not_shown_as_a_message(page, drain, dev_fake):
    assert send(page, user="zhaoliu", kind="enter").status_code == 200
    drain()
    assert "面试助手" in dev_fake.messages_to("zhaoliu")[0]
    assert [m["from"] for m in state(page, "zhaoliu")["messages"]] == ["bot"]


def test_a_card_button_is_a_template_card_event(page, drain, dev_fake, dev_services, clock):
    card = {"card_type": "button_interaction", "task_id": "task-1",
            "main_title": {"title": "面试邀请"},
            "button_list": [{"text": "帮助", "style": 1, "key": "help"}]}
    with dev_services.sessions.begin() as s:
        outbox.deliver(s, [Card("x", to="lisi", card=card)], sender=None, source_key=None,
                       now=clock())
    drain()
    shown = state(page, "lisi")["messages"][0]
    assert shown["card"]["task_id"] == "task-1" and shown["response_code"]
    clock.advance(seconds=1)
    assert send(page, user="lisi", kind="button", key="help", task_id="task-1",
                card_type="button_interaction",
                response_code=shown["response_code"]).status_code == 200
    drain()
    assert dev_fake.messages_to("lisi")[-1].startswith("Commands you can use")
    with dev_services.sessions() as s:
        row = s.scalars(select(InboundMessage).where(InboundMessage.event.is_not(None))).one()
    assert json.loads(row.payload)["ResponseCode"] == shown["response_code"]
    assert state(page, "lisi")["messages"][1]["kind"] == "button"


def test_a_card_updated_by_the_bot_shows_its_outcome(sim, dev_fake, dev_services, clock, drain):
    card = {"card_type": "button_interaction", "task_id": "t2", "main_title": {"title": "x"},
            "button_list": [{"text": "接受", "key": "accept 1"}]}
    with dev_services.sessions.begin() as s:
        outbox.deliver(s, [Card("x", to="lisi", card=card)], sender=None, source_key=None,
                       now=clock())
    drain()
    code = dev_fake.delivered[0].response_code
    dev_services.client.call("POST", "message/update_template_card", body={
        "userids": ["lisi"], "agentid": dev_services.settings.agent_id, "response_code": code,
        "button": {"replace_name": "已接受"}})
    chat = conversation(dev_services.sessions, dev_fake.snapshot(), "lisi", sim.started_at)
    assert chat[0]["replaced"] == "已接受"


def test_messages_and_replies_are_merged_in_time_order(page, drain, clock):
    send(page, user="lisi", kind="text", text="help")
    drain()
    clock.advance(minutes=1)
    send(page, user="lisi", kind="text", text="帮助")
    drain()
    chat = state(page, "lisi")["messages"]
    assert [(m["from"], m["content"][:4]) for m in chat] == [
        ("user", "help"), ("bot", "Comm"), ("user", "帮助"), ("bot", "可用命令")]


def test_members_can_be_added_with_a_role(page, dev_services, dev_fake):
    resp = page.post("/simulator/api/users", json={"userid": "ZhaoLiu", "name": "赵六",
                                                   "role": "hr"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"userid": "zhaoliu", "name": "赵六", "role": "hr"}
    with dev_services.sessions() as s:
        assert s.scalars(select(User)).one().role == "hr"
    assert dev_fake.users["zhaoliu"] == "赵六"
    assert state(page)["users"] == [{"userid": "zhaoliu", "name": "赵六", "role": "hr",
                                     "received": 0}]


@pytest.mark.parametrize("body", [{"userid": "bad id", "role": "hr"},
                                  {"userid": "ok", "role": "boss"}])
def test_bad_members_are_refused(page, body):
    assert page.post("/simulator/api/users", json=body).status_code == 400


@pytest.mark.parametrize("body", [{"user": "", "kind": "text", "text": "hi"},
                                  {"user": "lisi", "kind": "text", "text": "  "},
                                  {"user": "lisi", "kind": "shout"}])
def test_bad_sends_are_refused(page, body):
    assert send(page, **body).status_code == 400


def test_the_clock_cannot_move_when_the_app_runs_on_the_real_clock(page):
    resp = page.post("/simulator/api/clock", json={"step": "+1h"})
    assert resp.status_code == 409
    assert state(page)["clock"]["adjustable"] is False


def test_the_demo_clock_moves_forward_for_the_bot_and_the_worker(db, dev_settings, creds,
                                                                 clock):
    from bot.services import build
    from bot.web.app import create_app

    demo_clock = OffsetClock(base=clock)
    fake = FakeWeCom(corp_id=creds.corp_id, secret=creds.secret, agent_id=creds.agent_id,
                     clock=lambda: demo_clock().timestamp())
    svc = build(dev_settings, transport=fake.transport(), clock=demo_clock, engine=db)
    app = create_app(services=svc)
    install(app, link=LocalFake(fake), post=lambda q, b: 200)
    worker = svc.make_worker()
    woken = []
    demo_clock.listeners.append(lambda: woken.append(worker.clock()))
    page = app.test_client()
    resp = page.post("/simulator/api/clock", json={"step": "+1d"})
    assert resp.status_code == 200
    assert resp.get_json()["clock"]["offset_seconds"] == 86400
    assert woken == [clock() + timedelta(days=1)]           # the worker sees the moved time
    assert svc.clock() == clock() + timedelta(days=1)   # and so does the bot
    assert page.post("/simulator/api/clock", json={"step": "-1d"}).status_code == 400
    svc.client.close()


def test_a_sealed_message_from_the_moved_clock_is_accepted(db, dev_settings, creds, clock):
    # Timestamps are checked against the bot's clock: the simulator must use the same one.
    from bot.services import build
    from bot.web.app import create_app
    from devkit.simulator.wecom_side import client_poster

    demo_clock = OffsetClock(base=clock)
    demo_clock.advance(timedelta(days=3))
    fake = FakeWeCom(corp_id=creds.corp_id, secret=creds.secret, agent_id=creds.agent_id)
    svc = build(dev_settings, transport=fake.transport(), clock=demo_clock, engine=db)
    app = create_app(services=svc)
    sim = install(app, link=LocalFake(fake), post=client_poster(app.test_client()))
    assert sim.side.text("lisi", "help").startswith("app:msg:")
    svc.client.close()


def test_the_simulator_refuses_an_app_with_real_looking_credentials(services):
    from bot.web.app import create_app

    app = create_app(services=services)       # tests' credentials: not generated dev ones
    with pytest.raises(SimulatorRefused):
        install(app)
    assert "simulator" not in app.blueprints


def test_install_is_idempotent(sim_app, sim):
    assert install(sim_app) is sim


def test_cdata_breakers_in_text_survive(page, drain, dev_services):
    text = "x ]]> <b>y</b> & z"
    assert send(page, user="lisi", kind="text", text=text).status_code == 200
    assert state(page, "lisi")["messages"][0]["content"] == text


def test_state_lists_members_with_their_delivered_counts(page, drain):
    send(page, user="lisi", kind="text", text="help")
    drain()
    users = {u["userid"]: u for u in state(page)["users"]}
    assert users["lisi"]["received"] == 1
    assert [m["key"] for m in state(page)["menu"]] == ["我的面试", "今日", "帮助"]


def test_with_defaults_it_posts_to_its_own_server_and_reads_a_remote_fake(db, dev_settings,
                                                                          creds):
    # What BOT_SIMULATOR=1 gives any app: real HTTP to itself, the fake's /_fake/ API.
    import dataclasses
    import threading

    import httpx
    from werkzeug.serving import make_server

    from bot.services import build
    from bot.web.app import create_app
    from devkit.simulator import install

    fake = FakeWeCom(corp_id=creds.corp_id, secret=creds.secret, agent_id=creds.agent_id)
    fake_server = fake.serve()
    settings = dataclasses.replace(dev_settings, api_base=fake_server.url)
    svc = build(settings, engine=db)
    app = create_app(services=svc)
    install(app)                            # what devkit.wsgi does with BOT_SIMULATOR=1
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        resp = httpx.post(base + "/simulator/api/send", timeout=10,
                          json={"user": "lisi", "kind": "text", "text": "帮助"})
        assert resp.status_code == 200, resp.text
        svc.make_worker().drain()
        chat = httpx.get(base + "/simulator/api/state", params={"user": "lisi"},
                         timeout=10).json()["messages"]
        assert [m["from"] for m in chat] == ["user", "bot"]
        assert "可用命令" in chat[1]["content"]
        added = httpx.post(base + "/simulator/api/users", timeout=10,
                           json={"userid": "zhaoliu", "name": "赵六", "role": "hr"})
        assert added.status_code == 200 and fake.users["zhaoliu"] == "赵六"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        fake_server.stop()
        svc.client.close()   # the engine is the shared test fixture's


def test_the_calendar_shows_a_members_events_and_meeting_links(page, dev_fake, dev_services,
                                                               clock):
    from bot.wecom import oa

    client = dev_services.client
    dev_fake.add_users({"lisi": "李四", "boss": "王芳"})
    start = int(clock().timestamp()) + 3600
    cal = oa.calendar_add(client, organizer="boss", summary="面试", agentid=1)
    sid = oa.schedule_add(client, {"cal_id": cal, "start_time": start, "end_time": start + 3600,
                                   "summary": "面试 · 张三 · 一面",
                                   "attendees": [{"userid": "lisi"}]}, 1)
    oa.meeting_create(client, {"admin_userid": "boss", "title": "面试 张三", "meeting_start": start,
                               "meeting_duration": 3600, "invitees": {"userid": ["lisi"]}})
    dev_fake.respond(sid, "lisi", 4)
    resp = page.get("/simulator/api/calendar", query_string={"user": "lisi"})
    assert resp.status_code == 200
    items = resp.get_json()["items"]
    assert [i["kind"] for i in items] == ["event", "meeting"]
    assert items[0]["answer"].startswith("拒绝") and "meeting.tencent.com" in items[1]["link"]
    assert page.get("/simulator/api/calendar", query_string={"user": "lisi", "day": "x"}
                    ).status_code == 400


def test_declining_in_the_simulated_calendar_tells_hr(page, dev_fake, dev_services, drain, clock):
    from bot.admin import calendar_setup

    for userid, name, role in (("wangfang", "王芳", "hr"), ("lisi", "李四", "interviewer")):
        assert page.post("/simulator/api/users", json={"userid": userid, "name": name,
                                                       "role": role}).status_code == 200
    assert calendar_setup(dev_services.sessions, dev_services.client,
                          agent_id=dev_services.settings.agent_id, organizer="wangfang",
                          name="面试", now=clock(), out=lambda _: None) == 0
    send(page, user="wangfang", kind="text", text="安排 张三 明天下午3点 面试官 李四")
    drain()
    day = (clock() + timedelta(days=1)).astimezone(dev_services.settings.tz).date().isoformat()
    (item,) = page.get("/simulator/api/calendar",
                       query_string={"user": "lisi", "day": day}).get_json()["items"]
    assert item["answer"].startswith("未回复")
    assert send(page, user="lisi", kind="rsvp", schedule_id="nope", status=4).status_code == 400
    assert send(page, user="lisi", kind="rsvp", schedule_id=item["schedule_id"],
                status=4).status_code == 200
    drain()
    assert any("拒绝了 #1" in m for m in dev_fake.messages_to("wangfang"))
    (item,) = page.get("/simulator/api/calendar",
                       query_string={"user": "lisi", "day": day}).get_json()["items"]
    assert item["answer"].startswith("拒绝")
