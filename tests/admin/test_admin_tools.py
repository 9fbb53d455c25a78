"""Admin tools: verify-url against a real local server, check-config against the fake WeCom
API over HTTP, outbox list/retry, users list and role set."""
from __future__ import annotations

import argparse
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update
from werkzeug.serving import make_server

from bot import admin, cli
from bot.pipeline import outbox
from bot.services import build
from devkit.fakewecom import FakeWeCom
from store.models import OutboxMessage, User
from tests.conftest import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, make_settings


class Slow:
    """WSGI middleware that answers late, like an overloaded server."""

    def __init__(self, app: Any, delay: float):
        self.app, self.delay = app, delay

    def __call__(self, environ: dict, start_response: Any) -> Any:
        time.sleep(self.delay)
        return self.app(environ, start_response)


def serve(wsgi: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def live_app(db, settings, fake_wecom) -> Iterator[Any]:
    # The real clock: verify-url signs with the current time, as WeCom's console does.
    from bot.web.app import create_app

    svc = build(settings, transport=fake_wecom.transport(), engine=db)
    yield create_app(services=svc)
    svc.client.close()


@pytest.fixture
def live_server(live_app) -> Iterator[str]:
    yield from serve(live_app)


@pytest.fixture
def slow_server(live_app) -> Iterator[str]:
    yield from serve(Slow(live_app, 1.3))


def run(fn, *args) -> tuple[int, list[str]]:
    lines: list[str] = []
    return fn(*args, lines.append), lines


def test_verify_url_passes_against_a_real_server(live_server, settings):
    rc, lines = run(admin.verify_url, live_server + "/wecom/callback", settings)
    assert rc == 0, lines
    assert lines[0].startswith("PASS") and "ms (WeCom allows 1000 ms)" in lines[0]


def test_verify_url_with_the_wrong_token_fails_and_says_why(live_server, pg_url):
    wrong = make_settings(pg_url, token="someOtherToken123")
    rc, lines = run(admin.verify_url, live_server + "/wecom/callback", wrong)
    assert rc == 1
    assert lines[0].startswith("FAIL HTTP 403: signature refused")
    assert "WECOM_TOKEN" in lines[0]


def test_verify_url_on_the_wrong_path_says_where_the_callback_is(live_server, settings):
    rc, lines = run(admin.verify_url, live_server + "/callback", settings)
    assert rc == 1 and "it is /wecom/callback" in lines[0]


def test_verify_url_fails_a_correct_but_slow_answer_and_shows_the_time(slow_server, settings):
    rc, lines = run(admin.verify_url, slow_server + "/wecom/callback", settings)
    assert rc == 1
    assert lines[0].startswith("FAIL correct answer but too slow:")
    assert re.search(r"too slow: \d+ ms \(WeCom allows 1000 ms\); ", lines[0]), lines[0]


def test_verify_url_when_nothing_listens(settings):
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rc, lines = run(admin.verify_url, f"http://127.0.0.1:{port}/wecom/callback", settings)
    assert rc == 1 and lines[0].startswith("FAIL could not reach")


@pytest.fixture
def fake_api() -> Iterator[str]:
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID)
    server = fake.serve()
    yield server.url
    server.stop()


@pytest.fixture
def wecom_env(monkeypatch, tmp_path, db, pg_url, fake_api) -> None:
    monkeypatch.chdir(tmp_path)     # no stray .env
    for k, v in {"WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": str(AGENT_ID),
                 "WECOM_SECRET": SECRET, "WECOM_TOKEN": TOKEN,
                 "WECOM_ENCODING_AES_KEY": AES_KEY, "WECOM_API_BASE": fake_api,
                 "DATABASE_URL": pg_url}.items():
        monkeypatch.setenv(k, v)


def test_check_config_passes_against_the_fake_api(wecom_env):
    rc, lines = run(admin.check_config)
    assert rc == 0, lines
    assert any(line.startswith("ok   gettoken works against http://127.0.0.1") for line in lines)
    assert lines[-1] == "all checks passed"
    assert SECRET not in "\n".join(lines) and AES_KEY not in "\n".join(lines)


def test_check_config_explains_a_wrong_secret(wecom_env, monkeypatch):
    monkeypatch.setenv("WECOM_SECRET", "not-the-secret")
    rc, lines = run(admin.check_config)
    assert rc == 1
    failed = [line for line in lines if line.startswith("FAIL gettoken")]
    assert failed and "40001" in failed[0] and "wrong WECOM_SECRET" in failed[0]
    assert lines[-1] == "1 check(s) failed"


def test_check_config_lists_every_bad_setting(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for k in ("WECOM_CORP_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_ENCODING_AES_KEY"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("WECOM_AGENT_ID", "x")
    rc, lines = run(admin.check_config)
    assert rc == 1 and lines[0] == "FAIL settings:"
    assert any("WECOM_CORP_ID" in line for line in lines)
    assert any("WECOM_AGENT_ID" in line for line in lines)


def _rows(services) -> list[OutboxMessage]:
    with services.sessions() as s:
        return s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def ns(**kw) -> argparse.Namespace:
    defaults = dict(id=None, status=None, all=False, days=30)
    return argparse.Namespace(**{**defaults, **kw})


def test_outbox_list_and_retry(services, settings, clock):
    with services.sessions.begin() as s:
        outbox.enqueue(s, touser="lisi", content="hello", now=clock())
        outbox.enqueue(s, touser="wangwu", content="bye", now=clock())
    first, second = _rows(services)
    with services.sessions.begin() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == first.id)
                  .values(status="dead", attempts=3, last_error="errcode 60020: not allow"))
    rc, lines = run(admin.outbox, ns(action="list"), settings)
    assert rc == 0
    assert any("dead" in line and "60020" in line for line in lines)
    assert any("pending" in line and "bye" in line for line in lines)
    rc, lines = run(admin.outbox, ns(action="list", status="dead"), settings)
    assert len(lines) == 2 and "60020" in lines[1]

    assert run(admin.outbox, ns(action="retry"), settings)[0] == 2     # which row?
    assert run(admin.outbox, ns(action="retry", id=second.id), settings)[0] == 1  # not dead
    rc, lines = run(admin.outbox, ns(action="retry", id=first.id), settings)
    assert rc == 0 and lines == ["1 row(s) back to pending"]
    retried = _rows(services)[0]
    assert (retried.status, retried.attempts) == ("pending", 0)


def users_ns(**kw) -> argparse.Namespace:
    return argparse.Namespace(**{"command": "users", "action": "list", **kw})


def role_ns(userid, role, name=None) -> argparse.Namespace:
    return argparse.Namespace(command="role", action="set", userid=userid, role=role, name=name)


def test_role_set_creates_or_updates_and_users_list_shows_it(db, pg_url, services):
    rc, lines = run(admin.users, role_ns("WangFang", "hr", "王芳"), pg_url, ())
    assert rc == 0 and lines == ["wangfang (王芳) is now hr (new member: the bot had not met "
                                 "them yet)"]
    rc, lines = run(admin.users, role_ns("wangfang", "admin"), pg_url, ())
    assert lines == ["wangfang (王芳) is now admin"]
    with services.sessions() as s:
        user = s.scalars(select(User)).one()
    assert (user.wecom_userid, user.name, user.role) == ("wangfang", "王芳", "admin")
    assert user.name_synced      # a name an admin chose is not overwritten by the sync
    rc, lines = run(admin.users, users_ns(), pg_url, ())
    assert rc == 0 and lines[-1] == "1 member(s)"
    assert lines[1].split()[:3] == ["wangfang", "王芳", "admin"]


def test_role_set_refuses_an_unknown_role(db, pg_url):
    rc, lines = run(admin.users, role_ns("lisi", "boss"), pg_url, ())
    assert rc == 2 and "unknown role" in lines[0]


def test_role_set_warns_when_bot_admins_would_undo_it(db, pg_url):
    rc, lines = run(admin.users, role_ns("boss", "hr"), pg_url, ("boss",))
    assert rc == 0 and "BOT_ADMINS" in lines[1]


def test_the_cli_member_tools_need_only_the_database(db, pg_url, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for k in ("WECOM_CORP_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_ENCODING_AES_KEY"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    assert cli.main(["role", "set", "lisi", "interviewer", "--name", "李四"]) == 0
    assert cli.main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "lisi (李四) is now interviewer" in out and "1 member(s)" in out


def test_check_config_reports_the_worker_and_the_inbox(wecom_env, wecom, services, clock):
    rc, lines = run(admin.check_config)
    assert rc == 0 and any(line.startswith("note no worker alive") for line in lines), lines
    wecom.after = None
    wecom.text("zhangsan", "帮助")   # stored; nobody acts on it
    rc, lines = run(admin.check_config)
    assert rc == 1
    [failed] = [line for line in lines if line.startswith("FAIL no worker")]
    assert "1 message(s) waiting" in failed and "interview-bot worker" in failed
    from datetime import UTC, datetime

    clock.advance(seconds=(datetime.now(UTC) - clock()).total_seconds())   # check-config: now
    services.make_worker().step()   # a worker: heartbeat, then it acts on the message
    rc, lines = run(admin.check_config)
    assert rc == 0 and any(line.startswith("ok   worker alive") and "0 message(s) waiting"
                           in line for line in lines), lines


def test_purge_drops_old_sent_rows_and_old_inbound_messages_only(wecom_env, wecom, services,
                                                                 clock, deliver):
    import argparse
    from datetime import UTC, datetime

    from sqlalchemy import update

    from config.settings import Settings
    from store.models import InboundMessage
    from tests.support.rows import rows

    # `outbox purge` counts days back from the real clock.
    clock.advance(seconds=(datetime.now(UTC) - clock()).total_seconds() - 40 * 86400)
    wecom.text("zhangsan", "帮助")   # 40 days ago: acted on and answered
    wecom.text("lisi", "帮助")       # 40 days ago
    deliver()
    clock.advance(days=39)
    wecom.text("wangwu", "帮助")     # yesterday
    deliver()
    with services.sessions.begin() as s:   # lisi's is still waiting (no worker for 40 days)
        s.execute(update(InboundMessage).where(InboundMessage.from_user == "lisi")
                  .values(status="pending"))
    args = argparse.Namespace(action="purge", days=30, id=None, all=False, status=None)
    rc, lines = run(admin.outbox, args, Settings.from_env())
    assert rc == 0 and lines == ["purged 2 sent row(s) and 1 inbound message(s) older than "
                                 "30 days"]
    assert sorted(r.from_user for r in rows(services, InboundMessage)) == ["lisi", "wangwu"]
    assert [r.touser for r in rows(services, OutboxMessage)] == ["wangwu"]
