"""The simulator's group chat: members @-mention the intelligent bot, which answers through the
real /wecom/aibot path (sealed JSON in, encrypted passive reply out)."""
from __future__ import annotations

import json
from pathlib import Path

from devkit.simulator.devcreds import FILE_NAME, load_or_create

PHONE = "13800000000"


def group(page):
    resp = page.get("/simulator/api/group")
    assert resp.status_code == 200
    return resp.get_json()


def say(page, userid, text):
    resp = page.post("/simulator/api/group", json={"userid": userid, "text": text})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def add(page, userid, name, role):
    resp = page.post("/simulator/api/users", json={"userid": userid, "name": name, "role": role})
    assert resp.status_code == 200


def test_a_mention_gets_the_bots_reply_in_the_group(page):
    add(page, "lisi", "李四", "interviewer")
    out = say(page, "lisi", "@面试助手 帮助")
    assert out["reply"]["from"] == "bot" and "可用命令" in out["reply"]["content"]
    msgs = group(page)["messages"]
    assert [(m["from"], m.get("userid")) for m in msgs] == [("user", "lisi"), ("bot", None)]
    assert msgs[0]["content"] == "@面试助手 帮助" and msgs[0]["name"] == "李四"
    assert msgs[1]["kind"] == "markdown" and "可用命令" in msgs[1]["content"]


def test_the_message_is_sealed_as_wecom_sends_it(page, sim):
    sealed = []
    real_post = sim.group._post

    def spy(query, body):
        sealed.append((query, body))
        return real_post(query, body)

    sim.group._post = spy
    say(page, "lisi", "@面试助手 帮助")
    query, body = sealed[0]
    plain = json.loads(sim.group.crypto.open_json(body, query["msg_signature"],
                                                  query["timestamp"], query["nonce"]))
    assert plain["chattype"] == "group" and plain["chatid"] == "DEMOGROUP"
    assert plain["aibotid"] == "AIBOTDEMO" and plain["from"] == {"userid": "lisi"}
    assert plain["text"] == {"content": "@面试助手 帮助"}
    assert plain["response_url"].startswith("http://127.0.0.1/cgi-bin/aibot/response?"
                                            "response_code=")
    assert b"@" not in body   # encrypted


def test_without_a_mention_the_bot_stays_silent(page):
    out = say(page, "lisi", "帮助")
    assert out["reply"] is None
    assert [m["from"] for m in group(page)["messages"]] == ["user"]


def test_hr_schedules_from_the_group_and_the_phone_stays_private(page, drain, dev_fake):
    add(page, "wangfang", "王芳", "hr")
    add(page, "lisi", "李四", "interviewer")
    # the candidate is created one-to-one, so the phone is never typed in the group
    assert page.post("/simulator/api/send", json={
        "user": "wangfang", "kind": "text", "text": f"新建候选人 张三 手机:{PHONE}"}
    ).status_code == 200
    drain()
    out = say(page, "wangfang", "@面试助手 安排 张三 明天下午3点 面试官 李四")
    assert "已安排" in out["reply"]["content"]
    say(page, "wangfang", "@面试助手 候选人 张三")
    drain()
    history = json.dumps(group(page)["messages"], ensure_ascii=False)
    assert PHONE not in history
    assert "私信" in history
    assert any(PHONE in m for m in dev_fake.messages_to("wangfang"))
    assert any("安排你面试" in m for m in dev_fake.messages_to("lisi"))
    # the private details show up in HR's one-to-one chat on the page
    chat = page.get("/simulator/api/state", query_string={"user": "wangfang"}).get_json()
    assert any(PHONE in m["content"] for m in chat["messages"])
    # ... and the group's messages are not shown as HR's one-to-one messages
    assert [m["content"] for m in chat["messages"] if m["from"] == "user"] == [
        f"新建候选人 张三 手机:{PHONE}"]


def test_a_phone_typed_in_the_group_is_never_repeated_by_the_bot(page, drain):
    add(page, "wangfang", "王芳", "hr")
    say(page, "wangfang", f"@面试助手 新建候选人 张三 手机:{PHONE}")
    say(page, "wangfang", "@面试助手 候选人 张三")
    drain()
    bot = [m for m in group(page)["messages"] if m["from"] == "bot"]
    assert len(bot) == 2 and all(PHONE not in m["content"] for m in bot)


def test_bad_group_requests_are_refused(page):
    assert page.post("/simulator/api/group", json={"userid": "bad id", "text": "x"}
                     ).status_code == 400
    assert page.post("/simulator/api/group", json={"userid": "lisi", "text": " "}
                     ).status_code == 400


def test_old_dev_credentials_get_aibot_ones_added(tmp_path: Path):
    old = {"corp_id": "wwdev0123456789abc", "agent_id": 1000002, "secret": "dev-s3cret",
           "token": "T" * 32, "encoding_aes_key": "K" * 43}
    (tmp_path / FILE_NAME).write_text(json.dumps(old))
    creds = load_or_create(tmp_path)
    assert creds.corp_id == old["corp_id"] and creds.token == old["token"]
    assert len(creds.aibot_token) == 32 and len(creds.aibot_encoding_aes_key) == 43
    saved = json.loads((tmp_path / FILE_NAME).read_text())
    assert saved == {**old, "aibot_token": creds.aibot_token,
                     "aibot_encoding_aes_key": creds.aibot_encoding_aes_key}
    assert load_or_create(tmp_path) == creds   # stable from then on
    assert (tmp_path / FILE_NAME).stat().st_mode & 0o777 == 0o600


def test_new_dev_credentials_include_aibot_ones(tmp_path: Path):
    creds = load_or_create(tmp_path)
    assert creds.aibot_token and len(creds.aibot_encoding_aes_key) == 43
    assert creds.aibot_token != creds.token
    assert load_or_create(tmp_path) == creds


def test_the_page_has_the_group_chat(page):
    html = page.get("/simulator/").get_data(as_text=True)
    assert "群聊 Group" in html and 'id="group-as"' in html
    assert "@面试助手 安排 张三 明天下午3点 面试官 李四" in html
    js = page.get("/simulator/static/app.js").get_data(as_text=True)
    assert 'api("group"' in js
    assert group(page)["enabled"] is True
