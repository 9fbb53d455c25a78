"""The intelligent bot over real HTTP: HR schedules from a group by @-mentioning the bot."""
from __future__ import annotations

import json

import httpx
from sqlalchemy import update

from crypto import WeComCrypto
from store.db import make_engine
from store.models import User
from tests.e2e.conftest import AIBOT_KEY, AIBOT_TOKEN
from tests.support.days import next_working_day, zh_day

CRYPTO = WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "")


def say(server: str, user: str, text: str, msgid: str, chattype: str = "group") -> dict | None:
    payload = {"msgid": msgid, "aibotid": "AIBOT", "chattype": chattype, "chatid": "HRGROUP",
               "from": {"userid": user}, "msgtype": "text", "text": {"content": text},
               "response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?x=1"}
    body, query = CRYPTO.seal_callback_json(json.dumps(payload, ensure_ascii=False),
                                            nonce=msgid)
    resp = httpx.post(server + "/wecom/aibot", params=query, content=body, timeout=10)
    assert resp.status_code == 200, resp.text
    if not resp.content:
        return None
    env = resp.json()
    plain = CRYPTO.open_json(json.dumps({"encrypt": env["encrypt"]}).encode(),
                             env["msgsignature"], str(env["timestamp"]), env["nonce"])
    return json.loads(plain)


def test_group_scheduling_keeps_the_phone_out_of_the_group(server, worker, fake_server, pg_url):
    fake, _ = fake_server
    assert say(server, "lisi", "@面试助手 帮助", "m0") is not None   # creates lisi
    assert say(server, "wangfang", "@面试助手 帮助", "m1") is not None
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.wecom_userid == "wangfang")
                     .values(role="hr", name="王芳", directory_name="王芳", name_synced=True))
        conn.execute(update(User).where(User.wecom_userid == "lisi")   # as the directory says
                     .values(name="李四", directory_name="李四", name_synced=True))
    engine.dispose()
    group = []
    for i, text in enumerate(["@面试助手 新建候选人 张三 手机:13800000000",
                              f"@面试助手 安排 张三 {zh_day(next_working_day())}下午3点 面试官 李四",
                              "@面试助手 候选人 张三"]):
        reply = say(server, "wangfang", text, f"g{i}")
        group.append(json.dumps(reply, ensure_ascii=False))
    assert "已安排 #1" in group[1]
    assert all("13800000000" not in g for g in group)
    # the interviewer is told one-to-one through the app; the contact goes to HR privately
    assert fake.wait_for(lambda: any("安排你面试" in m for m in fake.messages_to("lisi")), 15)
    assert fake.wait_for(lambda: any("13800000000" in m
                                     for m in fake.messages_to("wangfang")), 15)
    assert say(server, "wangfang", "安排 张三 明天下午3点 面试官 李四", "g9") is None  # no @
