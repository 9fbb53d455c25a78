"""Running the pipeline's stages to the end, synchronously, the way a worker would."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.pipeline.flow import Pipeline
from bot.services import Services, build
from commands.router import Router
from devkit.fakewecom import FakeWeCom


def act_all(pipeline: Pipeline) -> int:
    """Act on every pending inbox message now; returns how many."""
    total = 0
    while n := pipeline.act():
        total += n
    return total


def sibling(services: Services, fake: FakeWeCom, **config: Any) -> Services:
    """Another process's services on the same database and fake WeCom API.

    `config` overrides how it sends (concurrency, lease, markdown): a worker of its own.
    """
    return build(services.settings, transport=fake.transport(), clock=services.clock,
                 engine=services.engine,
                 sender=replace(services.pipeline.sender.config, **config))


def with_router(services: Services, router: Router) -> Pipeline:
    """The same pipeline acting through another command table."""
    return replace(services.pipeline, dispatcher=replace(services.dispatcher, router=router))
