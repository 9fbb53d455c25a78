"""The WeCom simulator: a chat page that talks to the bot through the real callback path.

`install(app)` mounts it on an app whose settings pass `guard.check` (the demo does this; so
may an app started with BOT_SIMULATOR=1 against a local fake WeCom API).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask

from bot.services import Services
from devkit.simulator.fakelink import FakeLink, RemoteFake
from devkit.simulator.guard import SimulatorRefused, check
from devkit.simulator.wecom_side import (
    AibotPostFn,
    AibotSide,
    PostFn,
    WeComSide,
    http_aibot_poster,
    http_poster,
    own_server_aibot_poster,
    own_server_poster,
)

# The app menu a real deployment configures in the admin console: (label, EventKey). The key is
# a command's text, and the bot answers in the key's language, so Chinese labels get Chinese keys.
MENU = (("我的面试", "我的面试"), ("今日", "今日"), ("帮助", "帮助"))

__all__ = ["MENU", "Simulator", "SimulatorRefused", "install"]


@dataclass
class Simulator:
    """What the simulator's views share."""

    services: Services
    link: FakeLink
    side: WeComSide
    started_at: datetime
    group: AibotSide
    menu: tuple[tuple[str, str], ...] = field(default=MENU)


def install(app: Flask, *, link: FakeLink | None = None, callback_url: str | None = None,
            post: PostFn | None = None, aibot_url: str | None = None,
            aibot_post: AibotPostFn | None = None) -> Simulator:
    """Mount the simulator on `app` (idempotent); raises SimulatorRefused on real settings."""
    if "simulator" in app.extensions:
        return app.extensions["simulator"]  # type: ignore[no-any-return]
    svc: Services = app.extensions["wecom"]
    check(svc.settings)
    if post is None:
        # Default: our own server over loopback HTTP, exactly as WeCom reaches it.
        post = http_poster(callback_url) if callback_url else own_server_poster()
    if aibot_post is None:
        aibot_post = http_aibot_poster(aibot_url) if aibot_url else own_server_aibot_poster()
    sim = Simulator(services=svc, link=link or RemoteFake(svc.settings.api_base),
                    side=WeComSide(svc.settings, svc.clock, post), started_at=svc.clock(),
                    group=AibotSide(svc.settings, svc.clock, aibot_post))
    from devkit.simulator.views import bp

    app.register_blueprint(bp)
    app.extensions["simulator"] = sim
    return sim
