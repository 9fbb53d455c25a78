"""A full run over real HTTP at DEBUG level, every fault on the way; then grep ALL the logs
(gunicorn and its workers, the worker process) for every secret and every access_token."""
from __future__ import annotations

import json

import httpx
import pytest

from bot.admin import verify_url
from config.settings import Settings
from crypto import WeComCrypto
from tests.conftest import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN
from tests.e2e.test_spine import post, text_xml

AIBOT_TOKEN, AIBOT_KEY = "logAibotToken77", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


@pytest.fixture
def env(env):
    """The e2e environment, with the intelligent bot configured and every log line on."""
    return {**env, "WECOM_AIBOT_TOKEN": AIBOT_TOKEN, "WECOM_AIBOT_ENCODING_AES_KEY": AIBOT_KEY,
            "BOT_LOG_LEVEL": "DEBUG"}


def test_no_secret_or_access_token_in_any_log(server, worker, fake_server):
    fake, _ = fake_server
    settings = Settings(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, token=TOKEN,
                        encoding_aes_key=AES_KEY)
    assert verify_url(server + "/wecom/callback", settings, lambda line: None) == 0
    n = 0

    def say(text: str, **faults: dict) -> None:
        nonlocal n
        n += 1
        for path, kind in faults.items():
            fake.fail_next(path.replace("_", "/"), **kind)
        assert post(server, text_xml("logger", f"{text} {n}", 9_100_000 + n),
                    nonce=str(n)).status_code == 200
        assert fake.wait_for(lambda: len(fake.messages_to("logger")) >= n, 30)

    say("help")
    say("help", message_send={"errcode": 42001})       # a refresh in the middle of a send
    fake.expire_tokens()
    say("help")                                         # every token expired
    body, query = WeComCrypto(TOKEN, AES_KEY, CORP_ID).seal_callback(
        text_xml("logger", "x", 9_100_999), nonce="9")
    for bad in (dict(query, msg_signature="0" * 40), dict(query, timestamp="1")):
        httpx.post(server + "/wecom/callback", params=bad, content=body)
    ai = WeComCrypto(AIBOT_TOKEN, AIBOT_KEY, "")
    ai_body, ai_query = ai.seal_callback_json(json.dumps(
        {"msgid": "log1", "chattype": "single", "from": {"userid": "logger"},
         "msgtype": "text", "text": {"content": "help"}}), nonce="a1")
    assert httpx.post(server + "/wecom/aibot", params=ai_query, content=ai_body).status_code \
        == 200
    assert httpx.get(server + "/wecom/aibot", params=ai.verify_url_query("echo", nonce="v")) \
        .text == "echo"
    calls = fake.gettoken_calls
    fake.expire_tokens()
    fake.fail_next("gettoken", errcode=40001)           # a failing gettoken is logged too
    post(server, text_xml("logger", "help last", 9_100_500), nonce="500")
    assert fake.wait_for(lambda: fake.gettoken_calls > calls, 30)
    logs = worker.stop() + server.proc.stop()
    assert "POST /wecom/callback" in logs and "worker" in logs   # the logs are really there
    tokens = {json.loads(r.body or b"{}").get("access_token") for r in fake.requests} | \
        {r.query.get("access_token") for r in fake.requests}
    tokens = {t for t in tokens if t}
    assert tokens                                        # several were issued and used
    for secret in (SECRET, TOKEN, AES_KEY, AIBOT_TOKEN, AIBOT_KEY, *tokens, "corpsecret="):
        assert secret not in logs, f"{secret[:6]}… is in the logs"
