"""Wiring: build the database, crypto, router, API client and worker from Settings once."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from bot.aibot import Aibot
from bot.clock import ReminderClock
from bot.db import SESSION_LIMITS, Limits, make_engine, make_sessionmaker
from bot.dispatch import Bot
from bot.inbox import Inbox, process_pending
from bot.usersync import NameSync
from bot.wecom.client import WeComClient
from bot.wecom.token import TokenStore
from bot.worker import Worker
from commands.registry import load
from config.settings import Settings
from crypto import WeComCrypto


def utcnow() -> datetime:
    """The real clock, aware and in UTC."""
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything a web or worker process shares; build it with `build()`."""

    settings: Settings
    engine: Engine
    bot: Bot
    crypto: WeComCrypto
    client: WeComClient
    clock: Callable[[], datetime]
    aibot: Aibot
    inbox: Inbox
    aibot_crypto: WeComCrypto | None = None   # None when no intelligent bot is configured

    @property
    def sessions(self) -> Any:
        """The session factory."""
        return self.bot.sessions

    def make_worker(self, **kwargs: Any) -> Worker:
        """A worker sending this app's outbox."""
        kwargs.setdefault("concurrency", self.settings.worker_concurrency)
        kwargs.setdefault("lease", timedelta(seconds=self.settings.claim_lease_seconds))
        worker = Worker(self.sessions, self.client, agent_id=self.settings.agent_id,
                        clock=self.clock, markdown=self.settings.markdown, **kwargs)
        # Callbacks wait in the inbox; the worker acts on them before it sends.
        worker.inbox = lambda: process_pending(self.bot)
        # The worker also runs the clock (reminders, agendas, nudges) and the name sync.
        worker.ticks += [ReminderClock(self.sessions, self.settings.timezone),
                         NameSync(self.sessions, self.client)]
        return worker

    def close(self) -> None:
        """Release connections."""
        self.client.close()
        self.inbox.close()
        self.engine.dispose()


def build(settings: Settings, *, transport: httpx.BaseTransport | None = None,
          clock: Callable[[], datetime] = utcnow, engine: Engine | None = None,
          limits: Limits = SESSION_LIMITS) -> Services:
    """Build the services for one process; `limits` for its database sessions (bot.db)."""
    engine = engine or make_engine(settings.database_url, limits=limits)
    sessions = make_sessionmaker(engine)
    bot = Bot(settings=settings, sessions=sessions, router=load(), clock=clock)
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
    return Services(settings=settings, engine=engine, bot=bot, crypto=crypto, client=client,
                    clock=clock, aibot=Aibot(bot), inbox=Inbox(engine),
                    aibot_crypto=aibot_crypto)
