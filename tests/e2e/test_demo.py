"""`interview-bot demo` and `interview-bot simulate` as a newcomer runs them: real processes,
real HTTP, a fresh directory, Ctrl-C at the end."""
from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BIN
from tests.e2e.demo_process import DemoProcess, clean_env, running_demo, wait_for


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoProcess]:
    yield from running_demo(tmp_path)


def bot_says(base: str, user: str, needle: str) -> bool:
    chat = httpx.get(base + "/simulator/api/state", params={"user": user}, timeout=5).json()
    return any(m["from"] == "bot" and needle in m["content"] for m in chat["messages"])


def simulate(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "interview-bot"), "simulate", *args], cwd=cwd,
                          env=clean_env(), capture_output=True, text=True, timeout=120)


def test_demo_serves_the_simulator_on_the_printed_url_and_stops_on_ctrl_c(demo, tmp_path):
    assert demo.url == f"{demo.base}/simulator/"
    assert "企业微信模拟器" in httpx.get(demo.url, timeout=5).text
    root = httpx.get(demo.base + "/", timeout=5)
    assert root.status_code == 302 and root.headers["location"].endswith("/simulator/")
    users = httpx.get(demo.base + "/simulator/api/state", timeout=5).json()["users"]
    assert {u["userid"]: u["role"] for u in users} == {
        "zhaolei": "admin", "wangfang": "hr", "lisi": "interviewer", "zhangwei": "interviewer",
        "chenjing": "interviewer"}

    resp = httpx.post(demo.base + "/simulator/api/send", timeout=15,
                      json={"user": "wangfang", "kind": "text", "text": "帮助"})
    assert resp.status_code == 200
    wait_for(lambda: bot_says(demo.base, "wangfang", "可用命令"), what="the reply to 帮助")
    # The reply went through message/send of the fake WeCom API the demo hosts.
    fake = httpx.get(demo.base + "/fake-wecom/_fake/state", timeout=5).json()
    assert any(d["touser"] == "wangfang" for d in fake["delivered"])

    instance = tmp_path / "instance"
    creds = instance / "dev-credentials.json"
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600
    assert json.loads(creds.read_text())["corp_id"].startswith("wwdev")
    assert (instance / "demo.sqlite3").is_file()
    assert (instance / "demo.json").is_file()

    assert demo.interrupt() == 0
    out = demo.output()
    assert "demo stopped" in out and "Traceback" not in out
    assert not (instance / "demo.json").exists()


def test_simulate_goes_through_a_running_demo(demo, tmp_path):
    done = simulate(tmp_path, "--user", "lisi", "帮助")
    assert done.returncode == 0, done.stderr
    assert "可用命令（你的角色：面试官）" in done.stdout
    # It travelled through the demo: the demo's page shows it too.
    assert bot_says(demo.base, "lisi", "可用命令")


def test_simulate_without_a_demo_runs_in_process(tmp_path):
    # The sample members are there from the start: wangfang is HR, so she may schedule.
    done = simulate(tmp_path, "--user", "wangfang", "help schedule")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("schedule "), done.stdout
    menu = simulate(tmp_path, "--user", "lisi", "--click", "帮助")
    assert menu.returncode == 0 and "可用命令（你的角色：面试官）" in menu.stdout
    # lisi is an interviewer: HR's commands are not his.
    refused = simulate(tmp_path, "--user", "lisi", "help schedule")
    assert refused.returncode == 0 and not refused.stdout.startswith("schedule ")


def test_a_restart_keeps_credentials_clock_and_company(tmp_path):
    first = DemoProcess(tmp_path)
    first.wait_ready()
    creds = (tmp_path / "instance" / "dev-credentials.json").read_text()
    moved = httpx.post(first.base + "/simulator/api/clock", json={"step": "+1d"}, timeout=5)
    assert moved.status_code == 200
    assert first.interrupt() == 0
    second = DemoProcess(tmp_path)
    try:
        second.wait_ready()
        assert (tmp_path / "instance" / "dev-credentials.json").read_text() == creds
        state = httpx.get(second.base + "/simulator/api/state", timeout=5).json()
        assert state["clock"]["offset_seconds"] >= 86400
        assert len(state["users"]) == 5          # seeded once, not twice
    finally:
        assert second.interrupt() == 0


def test_a_busy_port_is_reported_not_a_traceback(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        d = DemoProcess(tmp_path, s.getsockname()[1])
        assert d.proc.wait(timeout=60) == 1    # it exits by itself
        d.stop()
    assert "cannot listen on 127.0.0.1" in d.output()
    assert "Traceback" not in d.output()
