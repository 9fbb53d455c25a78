"""The Flask app factory."""
from __future__ import annotations

import httpx
from flask import Flask

from bot.db import WEB_LIMITS
from bot.logs import setup_logging
from bot.services import Services, build
from config.settings import Settings


def create_app(settings: Settings | None = None, *, services: Services | None = None,
               transport: httpx.BaseTransport | None = None,
               simulator: bool | None = None) -> Flask:
    """Build the web app; settings come from the environment unless given.

    The simulator is mounted when BOT_SIMULATOR is on (simulator=None) or when asked; the demo
    passes False and mounts its own, wired to its in-process fake WeCom.
    """
    setup_logging()
    if services is None:
        settings = (settings or Settings.from_env()).validated()
        services = build(settings, transport=transport, limits=WEB_LIMITS)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = services.settings.max_body_bytes
    app.extensions["wecom"] = services
    from bot import aibot_callback, callback, health

    app.register_blueprint(callback.bp)
    app.register_blueprint(aibot_callback.bp)
    app.register_blueprint(health.bp)
    if services.settings.simulator if simulator is None else simulator:
        # install() refuses to run with production credentials (bot/simulator/guard.py).
        from bot.simulator import install

        install(app)
    return app
