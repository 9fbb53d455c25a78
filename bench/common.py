"""Shared pieces of the benchmark: child processes, the scratch database, pre-built callbacks,
wrk, and reading a process's memory. Everything listens on and talks to 127.0.0.1 only."""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from devkit.children import Child
from devkit.children import start as start_child

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
VENV_BIN = Path(sys.executable).parent
PEER_DIR = Path(os.environ.get("PEER_DIR", ROOT.parent / "shared" / "bench")).resolve()
PEER_VENV = Path(os.environ.get("PEER_VENV", BENCH / ".peer-venv"))
# The echo peer needs the first four; the durable peer (peer_durable_app.py) also stores.
PEER_PACKAGES = ["wechatpy==1.8.18", "flask", "gunicorn", "cryptography", "sqlalchemy",
                 "psycopg[binary]"]
ADMIN_DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

# The peer's credentials, used for our app too, so both get the same ciphertext sizes.
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
AGENT_ID = 1000002
SECRET = "bench-secret-not-real"

OUR_PATH = "/wecom/callback"
PEER_PATH = "/wechat"


def log(msg: str) -> None:
    """Progress on stderr, timestamped."""
    print(time.strftime("%H:%M:%S ") + msg, file=sys.stderr, flush=True)


# --- child processes ---------------------------------------------------------------------


@dataclass
class Procs:
    """Every process the bench started; stop_all() ends them (and their children) by id."""

    items: list[Child] = field(default_factory=list)

    def start(self, name: str, args: list[str], *, env: dict[str, str] | None = None,
              cwd: Path | None = None, stdin: int | None = subprocess.DEVNULL,
              logfile: Path | None = None) -> Child:
        """Start a child in its own session, its output in `logfile` (out/<name>.log)."""
        proc = start_child(name, args, log=logfile or OUT / f"{name}.log", env=env,
                           cwd=cwd or OUT, stdin=stdin)
        self.items.append(proc)
        return proc

    def stop(self, proc: Child, timeout: float = 10.0) -> None:
        """Stop a child and its children (SIGTERM, then SIGKILL if it lingers)."""
        if proc not in self.items:
            return
        self.items.remove(proc)
        proc.stop(timeout)

    def stop_all(self) -> None:
        for proc in list(reversed(self.items)):
            self.stop(proc, timeout=5.0)


def wait_http(url: str, proc: Child, timeout: float = 30.0, ok: tuple[int, ...] = ()) -> None:
    """Wait until url answers (any status, or one of `ok`), failing fast if proc died."""
    import httpx

    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited:\n{proc.tail()}")
        try:
            r = httpx.get(url, timeout=2)
            if not ok or r.status_code in ok:
                return
            last = f"status {r.status_code}: {r.text[:200]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.1)
    raise RuntimeError(f"{proc.name} did not come up at {url} ({last}):\n{proc.tail()}")


# --- the scratch database ----------------------------------------------------------------


class ScratchDB:
    """A database made for this run and dropped after it (WITH FORCE)."""

    def __init__(self, admin_url: str = ADMIN_DB_URL):
        self.admin_url = admin_url
        self.name = f"bench_{uuid.uuid4().hex[:12]}"
        base, _, _ = admin_url.rpartition("/")
        self.url = f"{base}/{self.name}"
        self.created = False

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)

    def create(self) -> None:
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True

    def drop(self) -> None:
        if not self.created:
            return
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False

    def connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.url, autocommit=True, connect_timeout=5)

    def scalar(self, sql: str, *params: Any) -> Any:
        with self.connect() as conn:
            row = conn.execute(sql, params or None).fetchone()
            return row[0] if row else None

    def execute(self, sql: str, *params: Any) -> None:
        with self.connect() as conn:
            conn.execute(sql, params or None)


# --- pre-built callbacks -----------------------------------------------------------------


def text_xml(user: str, content: str, msg_id: int, create_time: int) -> str:
    """A text message callback's plaintext, as WeCom sends it."""
    from bot.wecom.messages import callback_xml  # here: the peer's venv imports this module too

    return callback_xml(CORP_ID, AGENT_ID, user, "text",
                        {"Content": content, "MsgId": str(msg_id)}, create_time)


class MessageFactory:
    """Distinct, correctly signed and encrypted text callbacks (a fresh MsgId each)."""

    def __init__(self) -> None:
        from crypto import WeComCrypto

        self.crypto = WeComCrypto(TOKEN, AES_KEY, CORP_ID)
        # Random high part: MsgIds never repeat across runs, even against a reused database.
        self.next_id = 6_000_000_000_000_000_000 + (uuid.uuid4().int % 10**15) * 1000
        self.nonce = 0

    def build(self, user: str, content: str = "帮助") -> tuple[str, bytes]:
        self.next_id += 1
        self.nonce += 1
        now = int(time.time())
        plaintext = text_xml(user, content, self.next_id, now)
        body, query = self.crypto.seal_callback(plaintext, nonce=f"{self.nonce:x}",
                                                timestamp=str(now), agent_id=str(AGENT_ID))
        return urlencode(query), body

    def many(self, n: int, users: list[str], content: str = "帮助") -> list[tuple[str, bytes]]:
        return [self.build(users[i % len(users)], content) for i in range(n)]


# --- wrk ---------------------------------------------------------------------------------


def require_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        sys.exit("bench: `wrk` is not installed. On Debian/Ubuntu: apt-get install -y wrk "
                 "(see bench/README.md).")
    return path


def run_wrk(base: str, path: str, reqfile: Path, duration: float, *, connections: int = 8,
            threads: int = 1, timeout: str = "5s") -> dict[str, Any]:
    """Closed-loop load with wrk and bench/loadgen.lua; returns the parsed summary."""
    cmd = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency",
           f"--timeout={timeout}", "-s", str(BENCH / "loadgen.lua"), base, "--", path,
           str(reqfile), str(threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> dict[str, Any]:
    def num(pattern: str, default: float = 0.0) -> float:
        m = re.search(pattern, out)
        return float(m.group(1)) if m else default

    def ms(value: str) -> float:
        m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
        if not m:
            return float("nan")
        factor = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]
        return float(m.group(1)) * factor

    dist = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    socket_errors = sum(int(x) for x in re.findall(
        r"(?:connect|read|write|timeout) (\d+)", out.split("Socket errors:", 1)[1]
    )) if "Socket errors:" in out else 0
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    return {
        "rps": num(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(m.group(1)) if m else 0,
        "non2xx": int(num(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": socket_errors,
        "wraps": int(num(r"BENCH wraps=(\d+)")),
        "latency_ms": dist,
        "raw": out,
    }


# --- memory ------------------------------------------------------------------------------


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (None if the process is gone):
    [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime."""
    try:
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    """Direct children of a process."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(entry.name)) and int(fields[1]) == pid:
            out.append(int(entry.name))
    return sorted(out)


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 if it is gone)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / CLK_TCK if fields else 0.0


def reaped_cpu_seconds(pid: int) -> float:
    """CPU time of a process's children that have ended and been waited for (0 if it is gone):
    how a worker gunicorn recycled, or a PostgreSQL backend that closed, is still counted."""
    fields = _stat(pid)
    return (int(fields[13]) + int(fields[14])) / CLK_TCK if fields else 0.0


def parent(pid: int) -> int:
    """A process's parent (0 if it is gone)."""
    fields = _stat(pid)
    return int(fields[1]) if fields else 0


def cpu_delta(before: dict[int, float], after: dict[int, float], reaped: float) -> float:
    """CPU used between two readings of a set of processes whose parent waited for `reaped`
    seconds' worth of ended children meanwhile: an ended one's whole life is in `reaped`, so
    what it had used before the first reading is taken off."""
    return (sum(v - before.get(p, 0.0) for p, v in after.items()) + reaped
            - sum(v for p, v in before.items() if p not in after))


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs have spent busy (not idle or iowait) since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLK_TCK


def busy_cores(interval: float = 1.0) -> float:
    """How many CPUs' worth of work the whole machine did over the next `interval` seconds."""
    start = machine_busy_seconds()
    time.sleep(interval)
    return (machine_busy_seconds() - start) / interval


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (peak RSS) and Pss of a process, in KiB."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["Pss"] = int(line.split()[1])
    except OSError:
        pass
    return out


# --- statistics --------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of the finite values."""
    xs = sorted(v for v in values if v == v)
    if not xs:
        return float("nan")
    k = max(0, min(len(xs) - 1, math.ceil(p / 100 * len(xs)) - 1))
    return xs[k]


def median(values: list[float]) -> float:
    xs = sorted(values)
    if not xs:
        return float("nan")
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def dump_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def replace_section(path: Path, begin: str, end: str, text: str) -> None:
    """Replace the block between the begin and end markers in a markdown file (or append it),
    keeping everything else, so that several tools and people can each own a section."""
    block = f"{begin}\n{text}{end}\n"
    current = path.read_text() if path.exists() else "# Benchmark results\n\n"
    if begin in current and end in current:
        before, rest = current.split(begin, 1)
        _, after = rest.split(end, 1)
        current = before + block + ("\n" + after.lstrip("\n") if after.strip() else "")
    else:
        current = current.rstrip("\n") + "\n\n" + block
    path.write_text(current)
