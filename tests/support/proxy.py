"""A TCP proxy that can be cut and restored, or frozen and thawed, to take the database away.

`cut()` is a database that is gone: connections reset, new ones refused. `freeze()` is one that
stops answering while every connection looks open: a frozen server, or a half-open partition
(a worker host that vanished without closing its connections). Nothing is forwarded either way
and new connections are accepted but never served; `thaw()` lets held bytes through.
"""
from __future__ import annotations

import socket
import threading


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` drops every connection and refuses new."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(64)
        self.up = True
        self._flowing = threading.Event()
        self._flowing.set()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            self._flowing.wait()
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                self._flowing.wait()   # frozen: the bytes are held, as a partition holds them
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self) -> None:
        """Simulate the database going away."""
        self.up = False
        with self._lock:
            for c in self._conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                    c.close()
                except OSError:
                    pass
            self._conns.clear()

    def restore(self) -> None:
        """The database is back."""
        self.up = True

    def freeze(self) -> None:
        """Stop forwarding anything, in both directions, keeping every connection open."""
        self._flowing.clear()

    def thaw(self) -> None:
        """Forward again, the held bytes first."""
        self._flowing.set()

    def close(self) -> None:
        self.cut()
        self.thaw()
        self.listener.close()
