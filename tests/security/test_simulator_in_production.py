"""The simulator forges signed callbacks: it must be unreachable from a real deployment."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.services import build
from bot.web.app import create_app
from config.settings import DEFAULT_SQLITE
from devkit.demo import Demo
from devkit.simulator import SimulatorRefused, install

ROUTES = [("GET", "/simulator/"), ("GET", "/simulator/api/state"),
          ("POST", "/simulator/api/send"), ("POST", "/simulator/api/users"),
          ("POST", "/simulator/api/clock")]


@pytest.mark.parametrize("switched_on", [False, True])
def test_a_production_app_has_no_simulator_routes(settings, db, clock, switched_on):
    prod = replace(settings, simulator=switched_on)       # the real API base, real-looking ids
    svc = build(prod, clock=clock, engine=db)
    client = create_app(services=svc).test_client()
    for method, path in ROUTES:
        assert client.open(path, method=method, json={}).status_code == 404, path
    with pytest.raises(SimulatorRefused):
        install(create_app(services=svc))
    svc.client.close()


def test_the_demo_ignores_a_production_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WECOM_CORP_ID", "ww1436e0e65a779aee")
    monkeypatch.setenv("WECOM_SECRET", "the-real-secret")
    monkeypatch.setenv("WECOM_API_BASE", "https://qyapi.weixin.qq.com")
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot@db.internal/bot")
    demo = Demo(host="127.0.0.1", port=0, instance=tmp_path / "instance")
    try:
        demo.start(seed=False)
        s = demo.services.settings
        assert s.api_base.startswith("http://127.0.0.1:") and s.corp_id.startswith("wwdev")
        assert s.secret != "the-real-secret"
        assert s.database_url == f"sqlite:///{tmp_path / 'instance' / 'demo.sqlite3'}"
    finally:
        demo.stop()


def test_the_demo_never_shares_the_default_database_of_a_real_app():
    # A real app left on the embedded default would otherwise share its data (and its outbox,
    # which its worker sends through the real API) with the simulator's forged callbacks.
    default = Path(DEFAULT_SQLITE.split("///", 1)[1]).resolve()
    from devkit.demo import database_url, instance_dir

    assert database_url(instance_dir()) != f"sqlite:///{default}"
