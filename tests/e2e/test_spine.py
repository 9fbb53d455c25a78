"""The whole spine over real HTTP: gunicorn, the worker process, the fake WeCom API."""
from __future__ import annotations

import threading
import time

import httpx

from bot.admin import verify_url
from bot.wecom.messages import callback_xml
from config.settings import Settings
from crypto import WeComCrypto
from tests.conftest import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN
from tests.support.wait import until

CRYPTO = WeComCrypto(TOKEN, AES_KEY, CORP_ID)


def text_xml(user: str, content: str, msg_id: int) -> str:
    return callback_xml(CORP_ID, AGENT_ID, user, "text",
                        {"Content": content, "MsgId": str(msg_id)}, int(time.time()))


def post(base: str, xml: str, nonce: str = "1") -> httpx.Response:
    body, query = CRYPTO.seal_callback(xml, nonce=nonce, agent_id=str(AGENT_ID))
    return httpx.post(base + "/wecom/callback", params=query, content=body, timeout=10)


def test_verify_url_passes_against_the_real_server(server):
    lines = []
    settings = Settings(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, token=TOKEN,
                        encoding_aes_key=AES_KEY)
    assert verify_url(server + "/wecom/callback", settings, lines.append) == 0, lines
    assert lines[0].startswith("PASS")


def test_help_in_chinese_and_english_is_delivered(server, worker, fake_server):
    fake, _ = fake_server
    assert post(server, text_xml("zhangsan", "帮助", 8_000_001)).status_code == 200
    assert post(server, text_xml("lisi", "help", 8_000_002), nonce="2").status_code == 200
    assert fake.wait_for(lambda: fake.messages_to("zhangsan") and fake.messages_to("lisi"), 15)
    assert "可用命令" in fake.messages_to("zhangsan")[0]
    assert fake.messages_to("lisi")[0].startswith("Commands you can use")


def settled(pg_url: str) -> bool:
    """Nothing left to do: no message waits in the inbox, no reply in the outbox."""
    import psycopg

    with psycopg.connect(pg_url.replace("+psycopg", "")) as conn:
        [(waiting,)] = conn.execute(
            "SELECT (SELECT count(*) FROM inbound_messages WHERE status = 'pending')"
            " + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending'))"
        ).fetchall()
    return waiting == 0


def test_retries_arriving_together_give_one_reply(server, worker, fake_server, pg_url):
    fake, _ = fake_server
    body, query = CRYPTO.seal_callback(text_xml("wangwu", "帮助", 8_000_003), nonce="3",
                                       agent_id=str(AGENT_ID))
    statuses = []
    barrier = threading.Barrier(4)

    def send():
        barrier.wait()
        statuses.append(httpx.post(server + "/wecom/callback", params=query, content=body,
                                   timeout=10).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 4
    assert fake.wait_for(lambda: len(fake.messages_to("wangwu")) >= 1, 15)
    # A doubled reply would be a second outbox row or a second inbox row still being acted
    # on: wait until the worker has nothing left, then count.
    assert until(lambda: settled(pg_url))
    assert len(fake.messages_to("wangwu")) == 1


def test_api_faults_are_ridden_out(server, worker, fake_server):
    fake, _ = fake_server
    fake.fail_next("message/send", errcode=-1)
    fake.fail_next("message/send", status=503)
    assert post(server, text_xml("zhaoliu", "help", 8_000_004), nonce="4").status_code == 200
    assert fake.wait_for(lambda: len(fake.messages_to("zhaoliu")) == 1, 30)


def test_bad_input_over_http(server):
    body, query = CRYPTO.seal_callback(text_xml("x", "help", 8_000_005), nonce="5")
    url = server + "/wecom/callback"
    assert httpx.post(url, params=dict(query, msg_signature="0" * 40), content=body).status_code \
        == 403
    assert httpx.post(url, params=query, content=b"<xml><Encrypt>").status_code == 400
    assert httpx.post(url, params=query, content=b"x" * (1024 * 1024 + 10)).status_code == 413
    assert httpx.get(url, params={"echostr": "abc"}).status_code == 403


def test_healthz_reports_database_migrations_and_worker(server, worker):
    # The worker's first heartbeat is its first act: wait for it, then read the whole report.
    assert until(lambda: httpx.get(server + "/healthz").json()["worker"]["ok"])
    health = httpx.get(server + "/healthz").json()
    assert health["database"] == "ok" and health["migrations"] == "current"
    assert health["worker"]["ok"] is True


def test_no_secret_in_the_logs(server, worker, fake_server, env):
    fake, _ = fake_server
    post(server, text_xml("sunba", "help", 8_000_006), nonce="6")
    assert fake.wait_for(lambda: fake.messages_to("sunba"), 15)
    fake.fail_next("message/send", errcode=42001)   # forces a token refresh + retry
    post(server, text_xml("sunba", "帮助", 8_000_007), nonce="7")
    assert fake.wait_for(lambda: len(fake.messages_to("sunba")) == 2, 15)
    logs = worker.stop() + server.proc.stop()
    assert "worker" in logs and "POST /wecom/callback" in logs   # the logs are really there
    for secret in (SECRET, TOKEN, AES_KEY, "fake-token-"):
        assert secret not in logs


def test_messages_taken_in_while_no_worker_runs_are_answered_when_one_starts(
        server, env, fake_server, tmp_path, pg_url):
    import psycopg

    from tests.e2e.conftest import BIN, Proc

    fake, _ = fake_server
    for i, user in enumerate(("zhaoliu", "sunqi", "zhouba")):
        assert post(server, text_xml(user, "帮助", 8_100_001 + i), nonce=str(i)).status_code \
            == 200
    with psycopg.connect(pg_url.replace("+psycopg", "")) as conn:   # stored; nobody acts yet
        [(waiting,)] = conn.execute("SELECT count(*) FROM inbound_messages "
                                    "WHERE status = 'pending'").fetchall()
    assert waiting == 3 and fake.delivered == []
    health = httpx.get(server + "/healthz", timeout=5).json()
    assert health["inbox"]["pending"] == 3 and health["worker"]["ok"] is False
    late = Proc([str(BIN / "interview-bot"), "worker"], env, tmp_path / "late-worker.log")
    try:
        assert fake.wait_for(lambda: all(fake.messages_to(u)
                                         for u in ("zhaoliu", "sunqi", "zhouba")), 20)
    finally:
        late.stop()
    assert len(fake.delivered) == 3
