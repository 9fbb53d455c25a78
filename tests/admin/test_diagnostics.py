"""Issue 17 (11): the admin tools tell the truth.

Before: verify-url blamed Token / EncodingAESKey / CorpID for a stale timestamp; check-config
printed `heartbeat -187798 s ago`, bare exception names (`database unreachable:
OperationalError`, `gettoken: ConnectError`) and Alembic's INFO lines; `outbox list --status
bogus` silently listed nothing.
"""
from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import admin, cli
from bot.services import build
from bot.web.app import create_app
from devkit.fakewecom import FakeWeCom
from tests.admin.test_admin_tools import run, serve
from tests.conftest import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, make_settings

SKEW = 400   # seconds the server's clock is ahead; it allows 300


@pytest.fixture
def skewed_server(db, settings, fake_wecom) -> Iterator[str]:
    svc = build(settings, transport=fake_wecom.transport(), engine=db,
                clock=lambda: datetime.now(UTC) + timedelta(seconds=SKEW))
    yield from serve(create_app(services=svc))
    svc.client.close()


@pytest.fixture
def live_server(db, settings, fake_wecom) -> Iterator[str]:
    svc = build(settings, transport=fake_wecom.transport(), engine=db)
    yield from serve(create_app(services=svc))
    svc.client.close()


def test_verify_url_names_a_stale_timestamp_and_measures_the_clock_difference(skewed_server,
                                                                              settings):
    rc, lines = run(admin.verify_url, skewed_server + "/wecom/callback", settings)
    assert rc == 1
    assert "stale" in lines[0] and "WECOM_TOKEN" not in lines[0], lines[0]
    measured = int(re.search(r"its clock is (\d+) s ahead of this machine's", lines[0]).group(1))
    assert SKEW - 3 <= measured <= SKEW + 3


@pytest.mark.parametrize("wrong, names", [
    (dict(token="someOtherToken123"), "WECOM_TOKEN"),
    (dict(encoding_aes_key="kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"),
     "WECOM_ENCODING_AES_KEY differs"),
    (dict(corp_id="wwsomeothercorp01"), "WECOM_CORP_ID differs"),
])
def test_verify_url_names_the_one_setting_that_differs(live_server, pg_url, wrong, names):
    rc, lines = run(admin.verify_url, live_server + "/wecom/callback",
                    make_settings(pg_url, **wrong))
    assert rc == 1 and names in lines[0], lines[0]
    others = {"WECOM_TOKEN", "WECOM_ENCODING_AES_KEY", "WECOM_CORP_ID"} - {names.split()[0]}
    if names != "WECOM_TOKEN":
        assert not any(o in lines[0] for o in others), lines[0]


def test_verify_url_says_why_it_could_not_connect(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rc, lines = run(admin.verify_url, f"http://127.0.0.1:{port}/wecom/callback", settings)
    assert rc == 1 and "connection refused" in lines[0] and "ConnectError" not in lines[0]
    rc, lines = run(admin.verify_url, "http://no-such-host.invalid/wecom/callback", settings)
    assert rc == 1 and "unknown host" in lines[0], lines[0]


@pytest.fixture
def api() -> Iterator[tuple[FakeWeCom, str]]:
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID)
    server = fake.serve()
    yield fake, server.url
    server.stop()


@pytest.fixture
def env(monkeypatch, tmp_path, db, pg_url, api) -> None:
    monkeypatch.chdir(tmp_path)
    for k, v in {"WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": str(AGENT_ID),
                 "WECOM_SECRET": SECRET, "WECOM_TOKEN": TOKEN,
                 "WECOM_ENCODING_AES_KEY": AES_KEY, "WECOM_API_BASE": api[1],
                 "DATABASE_URL": pg_url}.items():
        monkeypatch.setenv(k, v)


def _failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL")]


def test_check_config_shows_a_heartbeat_from_the_future_as_such(env, db):
    with db.begin() as conn:
        conn.execute(text("INSERT INTO worker_heartbeats (worker_id, beat_at) "
                          "VALUES ('w', now() + interval '187798 seconds')"))
    rc, lines = run(admin.check_config)
    assert rc == 1
    [failed] = _failures(lines)
    assert "187798 s in the future" in failed and "-187798" not in "\n".join(lines)


@pytest.mark.parametrize("url, words", [
    ("postgresql://postgres@127.0.0.1:{closed}/postgres", "connection refused"),
    ("postgresql://no_such_role_x@127.0.0.1:{port}/postgres", "no such user"),
    ("postgresql://postgres@no-such-host.invalid:5432/postgres", "unknown database host"),
    ("postgresql://postgres@127.0.0.1:{port}/no_such_db_x", "does not exist: create it"),
    ("postgresql://postgres@127.0.0.1:{port}/postgres?sslmode=verify-full"
     "&sslrootcert=/nonexistent/root.crt", "TLS to the database failed"),
])
def test_check_config_says_why_the_database_failed(env, monkeypatch, pg_url, url, words):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    port = make_url(pg_url).port or 5432
    monkeypatch.setenv("DATABASE_URL", url.format(closed=closed, port=port))
    rc, lines = run(admin.check_config)
    assert rc == 1
    [failed] = _failures(lines)
    assert words in failed and "OperationalError" not in failed, failed


def test_check_config_says_when_the_database_refuses_the_login(env, monkeypatch, db, pg_url):
    with db.begin() as conn:
        conn.execute(text("DROP ROLE IF EXISTS diag_pw_user"))
        conn.execute(text("CREATE ROLE diag_pw_user LOGIN PASSWORD 'right'"))
    try:
        with db.connect() as conn:
            methods = conn.execute(text("SELECT DISTINCT auth_method FROM pg_hba_file_rules "
                                        "WHERE type <> 'local'")).scalars().all()
        url = make_url(pg_url).set(username="diag_pw_user", password="wrong")
        monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
        rc, lines = run(admin.check_config)
        if set(methods) == {"trust"}:   # this server lets anyone in: the login is not refused
            assert not any("refused the login" in line for line in lines)
        else:
            [failed] = _failures(lines)
            assert "refused the login" in failed and "wrong" not in failed
    finally:
        with db.begin() as conn:
            conn.execute(text("DROP ROLE IF EXISTS diag_pw_user"))


@pytest.mark.parametrize("errcode, words", [
    (40001, "wrong WECOM_SECRET"), (40013, "wrong WECOM_CORP_ID"), (60020, "trusted IP")])
def test_check_config_explains_gettoken_errors(env, api, errcode, words):
    api[0].fail_next("gettoken", errcode=errcode)
    rc, lines = run(admin.check_config)
    [failed] = _failures(lines)
    assert rc == 1 and words in failed and str(errcode) in failed


def test_check_config_says_why_the_api_cannot_be_reached(env, monkeypatch):
    monkeypatch.setenv("WECOM_API_BASE", "http://no-such-host.invalid")
    rc, lines = run(admin.check_config)
    [failed] = _failures(lines)
    assert "unknown host" in failed and "ConnectError" not in failed


def test_check_config_prints_no_alembic_lines(env, capsys):
    cli.main(["check-config"])
    captured = capsys.readouterr()
    assert "alembic" not in captured.err.lower() and "alembic" not in captured.out.lower()
    assert "all checks passed" in captured.out


def test_options_with_a_fixed_set_of_values_refuse_anything_else(env, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["outbox", "list", "--status", "bogus"])
    assert exc.value.code == 2 and "invalid choice: 'bogus'" in capsys.readouterr().err
    assert cli.main(["outbox", "list", "--status", "dead"]) == 0
