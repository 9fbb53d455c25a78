"""Wiring: build the database, crypto, router, API client and worker from Settings once."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from bot.pipeline.aibot import Aibot
from bot.pipeline.clock import ReminderClock
from bot.pipeline.dispatch import Dispatcher
from bot.pipeline.inbox import Inbox, process_pending
from bot.pipeline.oa_jobs import OaJobs
from bot.pipeline.usersync import NameSync
from bot.pipeline.worker import Worker
from bot.wecom.client import WeComClient
from bot.wecom.token import TokenStore
from commands.registry import load
from config.settings import Settings
from crypto import WeComCrypto
from store.db import make_engine, make_sessionmaker


def utcnow() -> datetime:
    """The real clock, aware and in UTC."""
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything a web or worker process shares; build it with `build()`."""

    settings: Settings
    engine: Engine
    dispatcher: Dispatcher
    crypto: WeComCrypto
    client: WeComClient
    clock: Callable[[], datetime]
    aibot: Aibot
    inbox: Inbox
    aibot_crypto: WeComCrypto | None = None   # None when no intelligent bot is configured

    @property
    def sessions(self) -> Any:
        """The session factory."""
        return self.dispatcher.sessions

    def make_worker(self, **kwargs: Any) -> Worker:
        """A worker sending this app's outbox."""
        kwargs.setdefault("concurrency", self.settings.worker_concurrency)
        kwargs.setdefault("lease", timedelta(seconds=self.settings.claim_lease_seconds))
        worker = Worker(self.sessions, self.client, agent_id=self.settings.agent_id,
                        clock=self.clock, markdown=self.settings.markdown, **kwargs)
        # Callbacks wait in the inbox; the worker acts on them before it sends.
        worker.inbox = lambda: process_pending(self.dispatcher)
        # The worker also runs the clock (reminders, agendas, nudges) and the name sync.
        worker.ticks += [ReminderClock(self.sessions, self.settings.timezone),
                         NameSync(self.sessions, self.client)]
        # Calendar events, meetings and rooms (wecom_jobs), after the inbox that queues them.
        worker.steps.append(OaJobs(self.sessions, self.client, self.settings, self.clock,
                                   worker_id=worker.worker_id).step)
        return worker

    def close(self) -> None:
        """Release connections."""
        self.client.close()
        self.inbox.close()
        self.engine.dispose()


def build(settings: Settings, *, transport: httpx.BaseTransport | None = None,
          clock: Callable[[], datetime] = utcnow, engine: Engine | None = None) -> Services:
    """Build the services for one process."""
    engine = engine or make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    dispatcher = Dispatcher(settings=settings, sessions=sessions, router=load(), clock=clock)
    crypto = WeComCrypto(settings.token, settings.encoding_aes_key, settings.corp_id,
                         max_skew=settings.timestamp_window,
                         clock=lambda: clock().timestamp())
    client = WeComClient(api_base=settings.api_base, corp_id=settings.corp_id,
                         secret=settings.secret, transport=transport,
                         max_connections=max(4, settings.worker_concurrency))
    client.tokens = TokenStore(sessions, f"{settings.corp_id}:{settings.agent_id}",
                               client.gettoken, clock)
    aibot_crypto = None
    if settings.aibot_token and settings.aibot_encoding_aes_key:
        # The intelligent bot's ReceiveId is the empty string (protocol §8.1).
        aibot_crypto = WeComCrypto(settings.aibot_token, settings.aibot_encoding_aes_key, "",
                                   max_skew=settings.timestamp_window,
                                   clock=lambda: clock().timestamp())
    return Services(settings=settings, engine=engine, dispatcher=dispatcher, crypto=crypto, client=client,
                    clock=clock, aibot=Aibot(dispatcher), inbox=Inbox(engine),
                    aibot_crypto=aibot_crypto)
