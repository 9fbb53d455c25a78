"""`interview-bot demo` as a child process in a temporary directory, on a free port."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BIN, free_port

URL_LINE = re.compile(r"demo is running: open (http://\S+)")
# The demo reads none of these; they are dropped so a developer's own set-up cannot leak in.
FOREIGN = ("WECOM_", "DATABASE_URL", "BOT_")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN)}


class DemoProcess:
    """One run of the demo; its output goes to a log file."""

    def __init__(self, cwd: Path, port: int | None = None, *args: str):
        self.cwd, self.port = cwd, port or free_port()
        self.log = cwd / f"demo-{self.port}-{time.monotonic_ns()}.log"
        self._out = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [str(BIN / "interview-bot"), "demo", "--host", "127.0.0.1", "--port",
             str(self.port), *args], cwd=cwd, env=clean_env(), stdout=self._out,
            stderr=subprocess.STDOUT)
        self.url = ""
        self.base = f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> str:
        """Wait for the printed URL; fail with the log if the demo dies or never gets there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = URL_LINE.search(self.output())
            if m:
                self.url = m.group(1)
                httpx.get(self.base + "/healthz", timeout=5)
                return self.url
            if self.proc.poll() is not None:
                pytest.fail("demo exited early:\n" + self.output())
            time.sleep(0.1)
        self.stop()
        pytest.fail("demo printed no URL:\n" + self.output())

    def interrupt(self, timeout: float = 30) -> int:
        """Ctrl-C, as a person would press it; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._out.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self._out.closed:
            self._out.close()


def running_demo(tmp_path: Path) -> Iterator[DemoProcess]:
    """A running demo with the sample company, in a fresh directory (for a fixture)."""
    d = DemoProcess(tmp_path)
    d.wait_ready()
    yield d
    d.stop()


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):
    """Poll until predicate() is truthy (bounded); fail with `what` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")
