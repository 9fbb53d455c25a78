"""End-to-end fixtures: the real gunicorn server and `interview-bot worker` as processes,
the fake WeCom API as a real HTTP server, all on free local ports."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devkit.fakewecom import FakeWeCom
from tests.conftest import ADMIN, AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN

ROOT = Path(__file__).resolve().parents[2]
AIBOT_TOKEN = "aibotE2eToken"
AIBOT_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fake_server() -> Iterator[tuple[FakeWeCom, str]]:
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID)
    server = fake.serve()
    yield fake, server.url
    server.stop()


@pytest.fixture
def env(db, pg_url, fake_server, tmp_path) -> dict[str, str]:
    _, url = fake_server
    return {**os.environ, "WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": str(AGENT_ID),
            "WECOM_SECRET": SECRET, "WECOM_TOKEN": TOKEN, "WECOM_ENCODING_AES_KEY": AES_KEY,
            "WECOM_API_BASE": url, "DATABASE_URL": pg_url, "BOT_ADMINS": ADMIN,
            "WEB_CONCURRENCY": "2", "BOT_LOG_LEVEL": "INFO", "BOT_ACCESS_LOG": "1",
            "WECOM_AIBOT_TOKEN": AIBOT_TOKEN, "WECOM_AIBOT_ENCODING_AES_KEY": AIBOT_KEY}


class Proc:
    """A child process whose output goes to a log file we can read afterwards."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        self.handle = open(log, "wb")
        self.p = subprocess.Popen(args, env=env, cwd=str(ROOT), stdout=self.handle,
                                  stderr=subprocess.STDOUT)

    def stop(self) -> str:
        if self.handle.closed:
            return self.log.read_text(errors="replace")
        self.p.terminate()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.handle.close()
        return self.log.read_text(errors="replace")


class ServerUrl(str):
    """The server's base URL, carrying its process (for its log)."""

    proc: Proc


@pytest.fixture
def server(env, tmp_path) -> Iterator[ServerUrl]:
    """The web app under gunicorn (the production server), on a free port."""
    port = free_port()
    proc = Proc([str(BIN / "interview-bot"), "serve", "--host", "127.0.0.1", "--port",
                 str(port)], env, tmp_path / "web.log")
    base = ServerUrl(f"http://127.0.0.1:{port}")
    base.proc = proc
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.p.poll() is not None:
            pytest.fail("server exited:\n" + proc.stop())
        try:
            httpx.get(base + "/healthz", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        pytest.fail("server did not start:\n" + proc.stop())
    yield base
    proc.stop()


@pytest.fixture
def worker(env, tmp_path) -> Iterator[Proc]:
    proc = Proc([str(BIN / "interview-bot"), "worker"], env, tmp_path / "worker.log")
    yield proc
    proc.stop()
