"""Slow clients: connections that send their headers, or their body, a byte at a time."""
from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit


class SlowClient:
    """One connection trickling a request; `closed_by_server` once the server hung up."""

    def __init__(self, base: str, kind: str, every: float = 0.2):
        url = urlsplit(base)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=60)
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


def attack(base: str, headers: int, bodies: int, every: float = 0.2) -> list[SlowClient]:
    """Open `headers` slow-header and `bodies` slow-body connections to `base`."""
    return [SlowClient(base, "header", every) for _ in range(headers)] + \
        [SlowClient(base, "body", every) for _ in range(bodies)]
