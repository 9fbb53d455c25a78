"""Settings: every problem reported at once, secrets never shown."""
from __future__ import annotations

import pytest

from bot.cli import main
from config.settings import Settings, SettingsError

GOOD = {"WECOM_CORP_ID": "ww1436e0e65a779aee", "WECOM_AGENT_ID": "1000002",
        "WECOM_SECRET": "s3cr3t-value", "WECOM_TOKEN": "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
        "WECOM_ENCODING_AES_KEY": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"}


def test_good_settings_parse(tmp_path):
    s = Settings.from_env(GOOD, dotenv=None)
    assert s.agent_id == 1000002 and s.timezone == "Asia/Shanghai"
    assert s.database_url.startswith("sqlite:///") and s.timestamp_window == 300


def test_every_problem_is_listed_at_once():
    bad = dict(GOOD, WECOM_AGENT_ID="abc", WECOM_TOKEN="x" * 33,
               WECOM_ENCODING_AES_KEY="short", BOT_TIMEZONE="Mars/Olympus", WECOM_SECRET="")
    with pytest.raises(SettingsError) as info:
        Settings.from_env(bad, dotenv=None)
    text = str(info.value)
    for name in ("WECOM_AGENT_ID", "WECOM_TOKEN", "WECOM_ENCODING_AES_KEY", "BOT_TIMEZONE",
                 "WECOM_SECRET"):
        assert name in text
    assert "43" in text


def test_dotenv_fills_gaps_and_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(f"{k}={v}" for k, v in GOOD.items()) + "\nBOT_ADMINS=a, b\n")
    s = Settings.from_env({"WECOM_AGENT_ID": "7"}, dotenv=env_file)
    assert s.agent_id == 7 and s.admins == ("a", "b") and s.corp_id == GOOD["WECOM_CORP_ID"]


def test_secrets_are_not_in_repr_or_summary():
    s = Settings.from_env(dict(GOOD, DATABASE_URL="postgresql://bot:pw123@db/bot"),
                          dotenv=None)
    shown = repr(s) + str(s.public_summary())
    for secret in (GOOD["WECOM_SECRET"], GOOD["WECOM_TOKEN"], GOOD["WECOM_ENCODING_AES_KEY"],
                   "pw123"):
        assert secret not in shown


def test_check_config_prints_the_same_verdict(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    for k in GOOD:
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("WECOM_AGENT_ID", "x")
    assert main(["check-config"]) == 1
    out = capsys.readouterr().out
    assert "FAIL settings" in out and "WECOM_AGENT_ID" in out and "WECOM_CORP_ID" in out


def test_gen_aeskey_prints_a_valid_key(capsys):
    assert main(["gen-aeskey"]) == 0
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    s = Settings.from_env(dict(GOOD, WECOM_ENCODING_AES_KEY=lines["WECOM_ENCODING_AES_KEY"],
                               WECOM_TOKEN=lines["WECOM_TOKEN"]), dotenv=None)
    assert len(s.encoding_aes_key) == 43


def test_parse_time_command(capsys):
    assert main(["parse-time", "明天下午3点", "--now", "2026-11-25T10:00"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2026-11-26T15:00:00+08:00"
    assert out[1:] == ["  明天 → 2026-11-26 (周四)", "  明天 → 2026-11-26 (Thu)"]
    assert main(["parse-time", "next", "wed", "10:30", "--now", "2026-11-25T10:00",
                 "--tz", "America/New_York"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2026-12-02T10:30:00-05:00"
    assert main(["parse-time", "3点", "--now", "2026-11-25T10:00"]) == 1
    assert capsys.readouterr().out.startswith("ambiguous:")
