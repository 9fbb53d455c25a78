"""Slow clients: connections that send their headers, or their body, a byte at a time."""
from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit


class SlowClient:
    """One connection trickling a request; `closed_by_server` once the server hung up."""

    def __init__(self, base: str, kind: str, every: float = 0.2, source: str = ""):
        url = urlsplit(base)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=60,
                                             source_address=(source, 0) if source else None)
        self.kind, self.every = kind, every
        self.closed_by_server = threading.Event()
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        threading.Thread(target=self._listen, daemon=True).start()

    def _run(self) -> None:
        if self.kind == "header":
            head, tail = b"POST /wecom/callback?timestamp=1 HTTP/1.1\r\nHost: x\r\n", \
                b"X-Slow: " + b"a" * 100_000
        else:
            head, tail = (b"POST /wecom/callback?timestamp=1 HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Type: text/xml\r\nContent-Length: 100000\r\n\r\n"), \
                b"<" * 100_000
        try:
            self.sock.sendall(head)
            for i in range(len(tail)):
                if self.stop.is_set() or self.closed_by_server.is_set():
                    return
                self.sock.sendall(tail[i:i + 1])
                time.sleep(self.every)
        except OSError:
            self.closed_by_server.set()

    def _listen(self) -> None:
        try:
            while self.sock.recv(4096):   # an error page, then the close
                pass
        except OSError:
            pass
        self.closed_by_server.set()

    def close(self) -> None:
        """Stop trickling and close."""
        self.stop.set()
        try:
            self.sock.close()
        except OSError:
            pass


def attack(base: str, headers: int, bodies: int, every: float = 0.2,
           addresses: int = 0) -> list[SlowClient]:
    """Open `headers` slow-header and `bodies` slow-body connections to `base`, from
    `addresses` different loopback addresses (127.0.1.x) when given: many attacking hosts,
    each under the per-address connection cap of config/nginx-site.conf."""
    kinds = ["header"] * headers + ["body"] * bodies
    return [SlowClient(base, kind, every, f"127.0.1.{i % addresses + 1}" if addresses else "")
            for i, kind in enumerate(kinds)]
