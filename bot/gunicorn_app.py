"""Run gunicorn from `interview-bot serve` with config/gunicorn.conf.py."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

CONF = Path(__file__).resolve().parents[1] / "config" / "gunicorn.conf.py"


class _App(BaseApplication):  # type: ignore[misc]
    def __init__(self, bind: str):
        self.bind = bind
        super().__init__()

    def load_config(self) -> None:
        namespace: dict[str, Any] = {}
        exec(compile(CONF.read_text(), str(CONF), "exec"), namespace)
        for key, value in namespace.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)
        self.cfg.set("bind", self.bind)

    def load(self) -> Any:
        from wsgi import app

        return app


def run(host: str, port: int) -> None:
    """Serve wsgi:app on host:port until stopped."""
    _App(f"{host}:{port}").run()
