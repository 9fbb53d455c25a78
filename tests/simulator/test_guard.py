"""The simulator's safety rule, the dev credentials and the demo clock (no database)."""
from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.settings import Settings
from devkit.simulator.clock import OffsetClock, parse_step
from devkit.simulator.devcreds import FILE_NAME, generate, load_or_create
from devkit.simulator.guard import SimulatorRefused, check, is_loopback_url, refusal


def dev(**overrides):
    c = generate()
    values = dict(corp_id=c.corp_id, agent_id=c.agent_id, secret=c.secret, token=c.token,
                  encoding_aes_key=c.encoding_aes_key, api_base="http://127.0.0.1:8080/fake",
                  simulator=True)
    values.update(overrides)
    return Settings(**values)


def test_generated_dev_credentials_on_a_local_fake_pass():
    settings = dev()
    assert settings.problems() == []
    assert refusal(settings) is None
    check(settings)


@pytest.mark.parametrize("api_base", [
    "https://qyapi.weixin.qq.com", "http://qyapi.weixin.qq.com", "https://127.0.0.1",
    "http://10.0.0.5:8080", "http://example.com", "http://127.0.0.1.example.com"])
def test_refuses_any_api_that_is_not_a_local_fake(api_base):
    with pytest.raises(SimulatorRefused, match="WECOM_API_BASE"):
        check(dev(api_base=api_base))


@pytest.mark.parametrize("api_base", ["http://127.0.0.1", "http://localhost:9/x",
                                      "http://[::1]:8080", "http://127.5.6.7:1"])
def test_loopback_urls(api_base):
    assert is_loopback_url(api_base)


def test_refuses_a_real_looking_corp_id_even_against_a_local_api():
    with pytest.raises(SimulatorRefused, match="WECOM_CORP_ID"):
        check(dev(corp_id="ww1436e0e65a779aee"))


def test_refuses_a_secret_that_is_not_a_generated_one():
    with pytest.raises(SimulatorRefused, match="WECOM_SECRET"):
        check(dev(secret="Xr4-real-looking-secret"))


def test_refuses_when_not_switched_on():
    with pytest.raises(SimulatorRefused, match="BOT_SIMULATOR"):
        check(dev(simulator=False))


def test_bot_simulator_setting_switches_it_on():
    c = generate()
    env = {"WECOM_CORP_ID": c.corp_id, "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": c.secret,
           "WECOM_TOKEN": c.token, "WECOM_ENCODING_AES_KEY": c.encoding_aes_key,
           "WECOM_API_BASE": "http://127.0.0.1:9000"}
    assert "off" in refusal(Settings.from_env(env, dotenv=None))
    assert refusal(Settings.from_env({**env, "BOT_SIMULATOR": "1"}, dotenv=None)) is None


@given(st.text(alphabet="0123456789abcdef", min_size=16, max_size=16))
def test_no_real_corp_id_can_look_generated(hexpart):
    # Real CorpIDs are "ww" + hexadecimal; "v" is not a hex digit.
    assert refusal(dev(corp_id="ww" + hexpart)) is not None


def test_credentials_are_created_once_private_and_kept(tmp_path):
    first = load_or_create(tmp_path / "instance")
    path = tmp_path / "instance" / FILE_NAME
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create(tmp_path / "instance") == first
    assert json.loads(path.read_text())["corp_id"] == first.corp_id
    assert first.secret not in repr(first) and first.token not in repr(first)


def test_credentials_differ_between_machines():
    assert generate().encoding_aes_key != generate().encoding_aes_key


@pytest.mark.parametrize("text,expected", [
    ("+1h", timedelta(hours=1)), ("+1d", timedelta(days=1)), ("1 day", timedelta(days=1)),
    ("+10m", timedelta(minutes=10)), ("30min", timedelta(minutes=30))])
def test_steps(text, expected):
    assert parse_step(text) == expected


@pytest.mark.parametrize("text", ["-1h", "0h", "+1y", "tomorrow", "", "+100d"])
def test_bad_steps(text):
    with pytest.raises(ValueError):
        parse_step(text)


def test_offset_clock_moves_forward_tells_listeners_and_persists(tmp_path):
    base = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    clock = OffsetClock.load(tmp_path / "clock.json", base=lambda: base)
    woken = []
    clock.listeners.append(lambda: woken.append(True))
    assert clock() == base
    assert clock.advance(timedelta(days=1)) == base + timedelta(days=1)
    assert woken == [True]
    with pytest.raises(ValueError):
        clock.advance(timedelta(hours=-1))
    again = OffsetClock.load(tmp_path / "clock.json", base=lambda: base)
    assert again() == base + timedelta(days=1)


def test_a_damaged_clock_file_starts_at_real_time(tmp_path):
    (tmp_path / "clock.json").write_text("{not json")
    assert OffsetClock.load(tmp_path / "clock.json").offset == timedelta(0)


def test_bot_simulator_1_mounts_the_simulator_in_any_app(engine):
    from bot.services import build
    from bot.web.app import create_app
    from devkit.simulator import install

    svc = build(dev(database_url="sqlite://"), engine=engine)
    app = create_app(services=svc)
    install(app)
    assert "simulator" in app.extensions
    assert app.test_client().get("/simulator/").status_code == 200
    svc.client.close()


def test_bot_simulator_1_with_real_credentials_refuses_to_start(engine):
    from bot.services import build
    from bot.web.app import create_app
    from devkit.simulator import install

    svc = build(dev(api_base="https://qyapi.weixin.qq.com", database_url="sqlite://"),
                engine=engine)
    with pytest.raises(SimulatorRefused):
        install(create_app(services=svc))
    svc.client.close()
