"""Fixtures for the simulator: an app on generated dev credentials with the simulator mounted,
its fake WeCom API in-process, and callbacks posted through the Flask test client."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.services import Services, build
from config.settings import Settings
from devkit.fakewecom import FakeWeCom
from devkit.simulator import Simulator, install
from devkit.simulator.devcreds import DevCredentials, generate
from devkit.simulator.fakelink import LocalFake
from devkit.simulator.wecom_side import client_aibot_poster, client_poster


@pytest.fixture
def creds() -> DevCredentials:
    return generate()


@pytest.fixture
def dev_settings(creds: DevCredentials, pg_url: str) -> Settings:
    return Settings(corp_id=creds.corp_id, agent_id=creds.agent_id, secret=creds.secret,
                    token=creds.token, encoding_aes_key=creds.encoding_aes_key,
                    aibot_token=creds.aibot_token,
                    aibot_encoding_aes_key=creds.aibot_encoding_aes_key,
                    api_base="http://127.0.0.1", database_url=pg_url, simulator=True).validated()


@pytest.fixture
def dev_fake(creds: DevCredentials, clock: Any) -> FakeWeCom:
    return FakeWeCom(corp_id=creds.corp_id, secret=creds.secret, agent_id=creds.agent_id,
                     clock=lambda: clock().timestamp())


@pytest.fixture
def dev_services(db: Any, dev_settings: Settings, dev_fake: FakeWeCom,
                 clock: Any) -> Iterator[Services]:
    svc = build(dev_settings, transport=dev_fake.transport(), clock=clock, engine=db)
    yield svc
    svc.client.close()


@pytest.fixture
def sim_app(dev_services: Services, dev_fake: FakeWeCom) -> Any:
    from bot.web.app import create_app

    app = create_app(services=dev_services)
    client = app.test_client()
    install(app, link=LocalFake(dev_fake), post=client_poster(client),
            aibot_post=client_aibot_poster(client))
    return app


@pytest.fixture
def sim(sim_app: Any) -> Simulator:
    return sim_app.extensions["simulator"]


@pytest.fixture
def page(sim_app: Any) -> Any:
    """The test client, as the simulator page uses the API."""
    return sim_app.test_client()


@pytest.fixture
def drain(dev_services: Services) -> Any:
    worker = dev_services.make_worker()
    return worker.drain
