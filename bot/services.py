"""Wiring: every long-lived object of a process, built from Settings in one place."""
from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

import httpx
from sqlalchemy.engine import Engine

from bot.pipeline.aibot import Aibot
from bot.pipeline.clock import ReminderClock
from bot.pipeline.dispatch import Dispatcher
from bot.pipeline.flow import Pipeline
from bot.pipeline.inbox import Inbox
from bot.pipeline.oa_jobs import OaJobs
from bot.pipeline.sender import Sender, SenderConfig
from bot.pipeline.usersync import NameSync
from bot.pipeline.wakeup import OUTBOX, ListenWakeup, Wakeup
from bot.pipeline.worker import Worker
from bot.wecom.client import AccessTokenAuth, GetToken, WeComClient, api_http
from bot.wecom.token import TokenStore
from commands.registry import load
from config.settings import Settings
from crypto import WeComCrypto
from store.budget import from_settings
from store.db import SESSION_LIMITS, Limits, Sessions, make_engine, make_sessionmaker


def utcnow() -> datetime:
    """The real clock, aware and in UTC."""
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything a web or worker process shares; build it with `build()`."""

    settings: Settings
    engine: Engine
    sessions: Sessions
    clock: Callable[[], datetime]
    crypto: WeComCrypto
    client: WeComClient
    pipeline: Pipeline
    aibot: Aibot
    aibot_crypto: WeComCrypto | None = None   # None when no intelligent bot is configured

    @property
    def dispatcher(self) -> Dispatcher:
        """The act stage's command dispatcher."""
        return self.pipeline.dispatcher

    def make_worker(self, *, poll_interval: float | None = None) -> Worker:
        """The worker loop over this process's pipeline, with the clock and the name sync.

        It sleeps at most `poll_interval` seconds between looks when nothing wakes it
        (default: a few seconds with NOTIFY, a moment without).
        """
        ticks = (ReminderClock(self.sessions, self.settings.timezone),
                 NameSync(self.sessions, self.client))
        # Calendar events, meetings and rooms (wecom_jobs), after the act stage that queues them.
        office = OaJobs(self.sessions, self.client, self.settings, self.clock,
                        worker_id=self.pipeline.worker_id)
        return Worker(self.pipeline, ticks, sessions=self.sessions, clock=self.clock,
                      poll_interval=poll_interval or self.pipeline.wakeup.poll,
                      steps=(office.step,))

    def close(self) -> None:
        """Release connections."""
        self.client.close()
        self.pipeline.inbox.close()
        self.pipeline.wakeup.close()
        self.engine.dispose()


def worker_id() -> str:
    """A name for claims and heartbeats: host, pid, and a tag for each pipeline built."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:64]


def seconds(clock: Callable[[], datetime]) -> Callable[[], float]:
    """The clock as Unix seconds, the way crypto (which knows no datetimes) reads it."""
    def now() -> float:
        return clock().timestamp()
    return now


def build(settings: Settings, *, transport: httpx.BaseTransport | None = None,
          clock: Callable[[], datetime] = utcnow, engine: Engine | None = None,
          sender: SenderConfig | None = None, name: str | None = None,
          limits: Limits = SESSION_LIMITS) -> Services:
    """Build the services for one process.

    `sender` overrides how this process sends (tests, benchmarks), `name` its worker id, and
    `limits` its database sessions' timeouts (store.db).
    """
    engine = engine or make_engine(settings.database_url, limits=limits)
    sessions = make_sessionmaker(engine)
    crypto = settings.app_crypto(seconds(clock))
    http = api_http(settings.api_base, transport,
                    max_connections=max(4, settings.worker_concurrency))
    budget = from_settings(settings)
    tokens = TokenStore(sessions, f"{settings.corp_id}:{settings.agent_id}",
                        GetToken(http, settings.corp_id, settings.secret), clock, budget)
    client = WeComClient(http, AccessTokenAuth(tokens))
    config = sender or SenderConfig(
        agent_id=settings.agent_id, markdown=settings.markdown,
        concurrency=settings.worker_concurrency,
        lease=timedelta(seconds=settings.claim_lease_seconds), budget=budget,
        minute=timedelta(seconds=settings.budget_minute_seconds))
    # PostgreSQL wakes workers in every process (NOTIFY); SQLite is the one-process demo.
    wakeup = ListenWakeup(engine.url) if engine.dialect.name == "postgresql" else Wakeup()
    if isinstance(wakeup, ListenWakeup):
        wakeup.ignore_own(engine)
    dispatcher = Dispatcher(settings=settings, router=load())
    pipeline = Pipeline(sessions=sessions, inbox=Inbox(engine), dispatcher=dispatcher,
                        sender=Sender(sessions, client, config, clock=clock,
                                      worker_id=name or worker_id(),
                                      done=partial(wakeup.notify, OUTBOX)),
                        wakeup=wakeup)
    return Services(settings=settings, engine=engine, sessions=sessions, clock=clock,
                    crypto=crypto, client=client, pipeline=pipeline,
                    aibot=Aibot(sessions, dispatcher, wakeup, clock),
                    aibot_crypto=settings.aibot_crypto(seconds(clock)))
