"""The one fake WeCom server process (devkit.fakewecom.standalone) that both the benchmarks
and the reliability runs start: it serves the fake, counts calls, slows answers on request,
and stops when its stdin closes (the bench) or on SIGTERM (the reliability stack)."""
from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

from reliability.stack import FakeClient

ARGS = [sys.executable, "-m", "devkit.fakewecom.standalone", "--corp-id", "wwcorp",
        "--secret", "s3cret", "--agent-id", "1000002"]


def _start(*extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([*ARGS, *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    url = json.loads(proc.stdout.readline())["url"]
    return proc, url


@pytest.fixture
def served():
    proc, url = _start()
    client = FakeClient(url)
    yield proc, client
    client.close()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0


def test_it_serves_the_fake_and_counts_calls_per_api(served):
    _, fake = served
    token = fake.http.get("/cgi-bin/gettoken", params={"corpid": "wwcorp",
                                                       "corpsecret": "s3cret"}).json()
    assert token["errcode"] == 0 and token["access_token"]
    fake.http.get("/cgi-bin/gettoken", params={"corpid": "wwcorp", "corpsecret": "wrong"})
    state = fake.state()
    assert state["calls"] == {"gettoken": 2}
    assert state["gettoken_calls"] == 2


def test_a_slowed_send_is_still_delivered_and_answered(served):
    _, fake = served
    fake.slow(times=1, seconds=0.0)        # the rule is taken; 0 s keeps the test quick
    token = fake.http.get("/cgi-bin/gettoken", params={"corpid": "wwcorp",
                                                       "corpsecret": "s3cret"}).json()
    sent = fake.http.post("/cgi-bin/message/send", params={"access_token": token["access_token"]},
                          json={"touser": "lisi", "msgtype": "text", "agentid": 1000002,
                                "text": {"content": "你好"}}).json()
    assert sent["errcode"] == 0
    state = fake.state()
    assert state["calls"]["message/send"] == 1
    assert [d["content"] for d in state["delivered"]] == ["你好"]


def test_it_stops_when_stdin_closes_if_asked():
    proc, _ = _start("--until-stdin-closes")
    assert proc.stdin is not None
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
