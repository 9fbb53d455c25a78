"""Child processes (web, workers, fake WeCom) and the scratch database of one scenario."""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from devkit.children import Child, free_port
from devkit.children import start as start_child

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("RELIABILITY_DATABASE_URL",
                           os.environ.get("TEST_DATABASE_URL",
                                          "postgresql://postgres@127.0.0.1:5432/postgres"))

# Test credentials, nothing secret: the fake WeCom API knows the same ones.
CORP_ID = "wwreliability0001"
AGENT_ID = 1000002
SECRET = "reliability-secret-value"
TOKEN = "RelTok3nForTheSuite"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


@dataclass
class Stack:
    """The processes of one scenario; `close()` stops every one of them."""

    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="reliability-")))
    procs: list[Child] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    clients: list[FakeClient] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Child:
        """Start a child with its output in workdir/<name>.log."""
        proc = start_child(name, args, log=self.workdir / f"{name}.log", env=env or self.env,
                           cwd=ROOT)
        self.procs.append(proc)
        return proc

    def fake(self, *, timeout_seconds: float = 6.0) -> FakeClient:
        """Start the fake WeCom API in its own process and return a client for it."""
        args = [sys.executable, "-m", "devkit.fakewecom.standalone", "--corp-id", CORP_ID, "--secret",
                SECRET, "--agent-id", str(AGENT_ID), "--timeout-seconds", str(timeout_seconds)]
        proc = self.start("fake-wecom", args, env=dict(os.environ))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for line in proc.text().splitlines():
                if line.startswith("{"):
                    self.clients.append(FakeClient(json.loads(line)["url"]))
                    return self.clients[-1]
            if not proc.alive():
                break
            time.sleep(0.05)
        raise RuntimeError("the fake WeCom API did not start:\n" + proc.text())

    def configure(self, database_url: str, api_base: str, **extra: str) -> None:
        """The environment of the web and worker processes."""
        self.env = {**os.environ, "WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": str(AGENT_ID),
                    "WECOM_SECRET": SECRET, "WECOM_TOKEN": TOKEN,
                    "WECOM_ENCODING_AES_KEY": AES_KEY, "WECOM_API_BASE": api_base,
                    "DATABASE_URL": database_url, "BOT_LOG_LEVEL": "INFO",
                    "BOT_ACCESS_LOG": "1", **extra}   # gunicorn as configured for production

    def web(self, name: str = "web") -> str:
        """Start gunicorn (`interview-bot serve`) and wait until /healthz answers."""
        port = free_port()
        proc = self.start(name, [str(BIN / "interview-bot"), "serve", "--host", "127.0.0.1",
                                 "--port", str(port)])
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not proc.alive():
                raise RuntimeError(f"{name} exited:\n{proc.text()}")
            try:
                httpx.get(base + "/healthz", timeout=2)
                return base
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start:\n{proc.text()}")

    def worker(self, name: str = "worker") -> Child:
        """Start one `interview-bot worker` process."""
        return self.start(name, [str(BIN / "interview-bot"), "worker"])

    def logs(self) -> str:
        """All logs of all children, for the secrets check and for post-mortems."""
        return "\n".join(p.text() for p in self.procs)

    def close(self) -> None:
        """Stop every child (by its own process group): all asked at once, then waited for."""
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in reversed(self.procs):
            proc.stop()
        for client in self.clients:
            client.close()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cleanup(self, keep: bool) -> str | None:
        """Remove the logs, or keep them (for a failed scenario) and say where they are."""
        if keep:
            return str(self.workdir)
        shutil.rmtree(self.workdir, ignore_errors=True)
        return None


class FakeClient:
    """Drives the fake WeCom API of another process through its control API."""

    def __init__(self, url: str):
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30)

    def state(self) -> dict[str, Any]:
        """GET /_fake/state (deliveries, suppressed duplicates, gettoken calls), and the
        number of calls of each API as `calls`."""
        state: dict[str, Any] = self.http.get("/_fake/state").raise_for_status().json()
        state["calls"] = self.http.get("/_fake/calls").raise_for_status().json()
        return state

    def fail(self, path: str, times: int = 1, **kind: Any) -> None:
        """Fail the next `times` calls of an api (errcode=, status= or timeout=True)."""
        self.http.post("/_fake/fail", json={"path": path, "times": times, **kind}) \
            .raise_for_status()

    def expire_tokens(self) -> None:
        """Expire every access_token issued so far (the next calls get 42001)."""
        self.http.post("/_fake/expire_tokens").raise_for_status()

    def slow(self, times: int, seconds: float) -> None:
        """Deliver the next `times` message/sends but answer each only after `seconds`
        (times -1: every one until set again; 0: stop)."""
        self.http.post("/_fake/slow", json={"times": times, "seconds": seconds}) \
            .raise_for_status()

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()


class ScratchDatabase:
    """A database on the shared cluster, made for one scenario and dropped after it."""

    def __init__(self, admin_url: str = ADMIN_URL):
        self.admin_url = admin_url
        self.name = f"reliability_{uuid.uuid4().hex[:12]}"
        self.url = admin_url.rsplit("/", 1)[0] + "/" + self.name

    def __enter__(self) -> ScratchDatabase:
        from store.db import upgrade

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        upgrade(self.url)
        return self

    def __exit__(self, *exc: object) -> None:
        # Only ever the database this object created.
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
