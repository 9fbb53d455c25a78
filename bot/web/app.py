"""The Flask app factory."""
from __future__ import annotations

import httpx
from flask import Flask

from bot.logs import setup_logging
from bot.services import Services, build
from config.settings import Settings
from store.db import WEB_LIMITS


def create_app(settings: Settings | None = None, *, services: Services | None = None,
               transport: httpx.BaseTransport | None = None) -> Flask:
    """Build the web app; settings come from the environment unless given.

    Production routes only: the development kit (devkit.simulator.install) mounts the
    simulator on an app built here, never the other way round.
    """
    setup_logging()
    if services is None:
        settings = (settings or Settings.from_env()).validated()
        services = build(settings, transport=transport, limits=WEB_LIMITS)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = services.settings.max_body_bytes
    app.extensions["wecom"] = services
    from bot.web import aibot_callback, callback, health, selfsched

    app.register_blueprint(callback.bp)
    app.register_blueprint(aibot_callback.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(selfsched.bp)   # the candidates' self-scheduling page
    return app
