"""Adapters exposing a FakeWeCom as an httpx transport, a WSGI app and a local server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .errors import InjectedHTTPStatus, InjectedTimeout, error_payload

if TYPE_CHECKING:
    from .core import FakeWeCom

JSON_TYPE = "application/json; charset=UTF-8"
HTML_TYPE = "text/html"


def encode_json(payload: dict[str, Any]) -> bytes:
    """Serialise like WeCom: raw UTF-8, no \\u escapes."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def make_transport(fake: FakeWeCom) -> httpx.MockTransport:
    """Return an httpx.MockTransport whose handler calls fake.handle."""

    def handler(request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params.items())
        try:
            status, payload = fake.handle(request.method, request.url.path, query,
                                          request.content)
        except InjectedTimeout:
            raise httpx.ReadTimeout("injected timeout (fake WeCom)", request=request) from None
        except InjectedHTTPStatus as exc:
            return httpx.Response(exc.status, content=exc.html.encode(),
                                  headers={"content-type": HTML_TYPE})
        return httpx.Response(status, content=encode_json(payload),
                              headers={"content-type": JSON_TYPE})

    return httpx.MockTransport(handler)


def make_wsgi_app(fake: FakeWeCom) -> Callable[..., Any]:
    """Return a WSGI app whose requests call fake.handle."""

    @Request.application
    def app(request: Request) -> Response:
        query = {key: request.args[key] for key in request.args}
        try:
            status, payload = fake.handle(request.method, request.path, query,
                                          request.get_data())
        except InjectedTimeout:
            # Stall outside the lock, then answer what a late gateway would: system busy.
            time.sleep(fake.timeout_seconds)
            status, payload = 200, error_payload(-1)
        except InjectedHTTPStatus as exc:
            return Response(exc.html, status=exc.status, content_type=HTML_TYPE)
        return Response(encode_json(payload), status=status, content_type=JSON_TYPE)

    return app


class QuietHandler(WSGIRequestHandler):
    """Request handler that keeps werkzeug's access log out of test output."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """Discard log lines."""


class FakeWeComServer:
    """A FakeWeCom served over real HTTP on a background daemon thread."""

    def __init__(self, fake: FakeWeCom, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self._server = make_server(host, port, fake.wsgi_app, threaded=True,
                                   request_handler=QuietHandler)
        self.host = host
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=f"fakewecom-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        if self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> FakeWeComServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
