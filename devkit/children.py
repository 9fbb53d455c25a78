"""Child processes of the harnesses (the benchmarks, the reliability runs): each started in
its own session, so that it and every process it starts are stopped together, by its id."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Child:
    """A child in its own session (its pid is its process group's id), logging to `log`."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        """The child's process id (also its process group id)."""
        return self.popen.pid

    def alive(self) -> bool:
        """True while the child runs."""
        return self.popen.poll() is None

    def text(self) -> str:
        """Everything the child wrote so far."""
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def tail(self, lines: int = 30) -> str:
        """The last lines the child wrote."""
        return "\n".join(self.text().splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL the child's whole process group (a crash, not a shutdown)."""
        self._signal(signal.SIGKILL)
        self.popen.wait()

    def terminate(self) -> None:
        """Ask the group to stop (SIGTERM) without waiting; `stop` waits."""
        if self.alive():
            self._signal(signal.SIGTERM)

    def stop(self, timeout: float = 10.0) -> None:
        """Close its stdin, SIGTERM the group, and SIGKILL whatever is left after `timeout`
        (or at once when the leader is gone: no child may outlive its leader)."""
        if self.popen.stdin:
            try:
                self.popen.stdin.close()
            except OSError:
                pass
        if not self._signal(signal.SIGTERM):
            self.popen.wait()
            return
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self._signal(signal.SIGKILL)
        self.popen.wait()

    def _signal(self, sig: signal.Signals) -> bool:
        """Send `sig` to the group; False when no process of it is left."""
        try:
            os.killpg(self.pid, sig)   # the group of a child we started (its own session)
        except ProcessLookupError:
            return False
        return True


def start(name: str, args: list[str], *, log: Path, env: dict[str, str] | None = None,
          cwd: Path | None = None, stdin: int | None = subprocess.DEVNULL) -> Child:
    """Start `args` in a session of its own, its output appended to `log`."""
    with open(log, "ab") as out:
        popen = subprocess.Popen(args, env=env, cwd=str(cwd) if cwd else None, stdout=out,
                                 stderr=subprocess.STDOUT, stdin=stdin, start_new_session=True)
    return Child(name, popen, log)
