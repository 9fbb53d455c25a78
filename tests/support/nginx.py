"""Debian's nginx running config/nginx-site.conf in front of a local server, for tests and
the reliability suite. Only the listen port and the upstream address are replaced."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "config" / "nginx-site.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

MAIN = """daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_for(upstream_port: int, listen_port: int) -> str:
    """The shipped site config, listening on `listen_port`, passing to `upstream_port`."""
    text = SITE.read_text()
    for old, new in (("listen 80;", f"listen 127.0.0.1:{listen_port};"),
                     ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")):
        if text.count(old) != 1:
            raise AssertionError(f"config/nginx-site.conf no longer has exactly one {old!r}")
        text = text.replace(old, new)
    return text


class Nginx:
    """nginx in the foreground, in its own temp directory; `url` is where it listens."""

    def __init__(self, upstream_port: int, tmp: Path):
        tmp.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (tmp / "site.conf").write_text(site_for(upstream_port, self.port))
        (tmp / "nginx.conf").write_text(MAIN.format(tmp=tmp))
        self.log = tmp / "error.log"
        self.proc = subprocess.Popen([NGINX, "-p", str(tmp), "-e", str(self.log),
                                      "-c", str(tmp / "nginx.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited:\n" + self._errors())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start:\n" + self._errors())

    def _errors(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> str:
        """Stop nginx; returns its error log."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self._errors()
