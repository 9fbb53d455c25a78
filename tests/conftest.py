"""Shared fixtures: a throwaway PostgreSQL database, a fixed clock, the fake WeCom API, and a
helper that sends correctly signed and encrypted callbacks through the real Flask app.

PostgreSQL is required: without it these fixtures fail (never skip), so CI cannot go green
without the real database.
"""
from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.services import Services, build
from bot.wecom.messages import callback_xml
from config.settings import Settings
from crypto import WeComCrypto
from devkit.fakewecom import FakeWeCom
from store.db import Base, make_engine, upgrade

CORP_ID = "wwtestcorp0000001"
AGENT_ID = 1000002
SECRET = "test-secret-value"
TOKEN = "QDG6eKtesttoken"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
ADMIN = "boss"


def _admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh database for this test run, migrated to head, dropped afterwards."""
    admin = make_url(_admin_url()).set(drivername="postgresql+psycopg")
    name = f"interview_bot_test_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(scope="session")
def engine(pg_url: str) -> Iterator[Engine]:
    eng = make_engine(pg_url)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Engine:
    """The test database, emptied before the test."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    # Wed 2026-11-25 10:00 in Shanghai, as in the product research examples.
    return Clock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests; everything valid, nothing secret."""
    values: dict[str, Any] = dict(
        corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, token=TOKEN,
        encoding_aes_key=AES_KEY, database_url=database_url, admins=(ADMIN,))
    values.update(overrides)
    return Settings(**values).validated()


@pytest.fixture
def settings(pg_url: str) -> Settings:
    return make_settings(pg_url)


@pytest.fixture
def fake_wecom(clock: Clock) -> FakeWeCom:
    return FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID,
                     clock=lambda: clock().timestamp())


@pytest.fixture
def services(db: Engine, settings: Settings, fake_wecom: FakeWeCom,
             clock: Clock) -> Iterator[Services]:
    svc = build(settings, transport=fake_wecom.transport(), clock=clock, engine=db)
    yield svc
    svc.client.close()


@pytest.fixture
def app(services: Services) -> Any:
    from bot.web.app import create_app

    return create_app(services=services)


class WeComSender:
    """Builds callbacks exactly as WeCom does (signed, encrypted) and posts them."""

    _ids = itertools.count(7_000_000_000_000_000_001)

    def __init__(self, client: Any, clock: Clock, crypto: WeComCrypto,
                 after: Any = None):
        self.client, self.clock, self.crypto = client, clock, crypto
        # Acts on the inbox after each accepted post, as the worker would right away, so a
        # test sees the message's effects; None leaves the messages pending.
        self.after = after

    def xml(self, user: str, msg_type: str, fields: dict[str, str]) -> str:
        return callback_xml(CORP_ID, AGENT_ID, user, msg_type, fields,
                            int(self.clock().timestamp()))

    def post(self, plaintext: str, **query_overrides: str) -> Any:
        body, query = self.crypto.seal_callback(
            plaintext, nonce=str(next(self._ids) % 10**9),
            timestamp=str(int(self.clock().timestamp())), agent_id=str(AGENT_ID))
        query.update(query_overrides)
        response = self.client.post("/wecom/callback", query_string=query, data=body,
                                    content_type="text/xml")
        if response.status_code == 200 and self.after is not None:
            self.after()
        return response

    def text(self, user: str, content: str, msg_id: int | None = None) -> Any:
        msg_id = msg_id or next(self._ids)
        return self.post(self.xml(user, "text", {"Content": content, "MsgId": str(msg_id)}))

    def event(self, user: str, event: str, **fields: str) -> Any:
        return self.post(self.xml(user, "event", {"Event": event, **fields}))


@pytest.fixture
def wecom(app: Any, clock: Clock, services: Services) -> WeComSender:
    from tests.support.pipeline import act_all

    crypto = WeComCrypto(TOKEN, AES_KEY, CORP_ID, clock=lambda: clock().timestamp())
    return WeComSender(app.test_client(), clock, crypto,
                       after=lambda: act_all(services.pipeline))


@pytest.fixture
def deliver(services: Services) -> Any:
    """Run the worker until the outbox is drained (synchronously)."""
    worker = services.make_worker()

    def run() -> None:
        worker.drain()

    return run
