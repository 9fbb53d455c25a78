"""The pipeline: one object with one entry per stage of a message's way through the bot.

    take_in  (the callback)  verified, parsed message -> one pending inbox row, committed
    act      (a worker)      pending rows -> command handlers -> outbox rows, one transaction
                             (act_and_send: the replies claimed in it and sent at once)
    deliver  (a worker)      due outbox rows -> message/send, with retries and rate limits

Built once per process by bot.services.build; the web process uses take_in, workers the rest.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from bot.pipeline.dispatch import Dispatcher
from bot.pipeline.inbox import Inbox, act_on_pending
from bot.pipeline.sender import Sender
from bot.pipeline.wakeup import Wakeup
from bot.wecom.messages import Inbound
from store.db import Sessions

ACT_BATCH = 32   # inbox rows acted on per transaction


@dataclass
class Pipeline:
    """take_in, act, deliver: each stage's one entry point."""

    sessions: Sessions
    inbox: Inbox
    dispatcher: Dispatcher
    sender: Sender
    wakeup: Wakeup

    @property
    def worker_id(self) -> str:
        """Who holds this process's claims (outbox rows, heartbeat)."""
        return self.sender.worker_id

    def take_in(self, msg: Inbound, now: datetime) -> bool:
        """Store one callback durably; True if new, False if WeCom sent it before."""
        new = self.inbox.accept(msg, now)
        if new:
            self.wakeup.notify()
        return new

    def act(self, limit: int = ACT_BATCH) -> int:
        """Act on up to `limit` stored messages; returns how many."""
        return act_on_pending(self.sessions, self.dispatcher, limit)[0]

    def act_and_send(self, pool: ThreadPoolExecutor | None = None,
                     limit: int = ACT_BATCH) -> tuple[int, bool]:
        """Act, and hand the replies to the sender in the act's own transaction, no claim of
        their own; returns how many messages were acted on, and whether rows were left in
        the outbox for a claim (not the member's turn, a limit, no free slot)."""
        acted, handed = act_on_pending(self.sessions, self.dispatcher, limit, self.sender)
        self.sender.start(handed, pool)
        return acted, handed.more

    def deliver(self, pool: ThreadPoolExecutor | None = None) -> int:
        """Send what is due in the outbox; returns how many rows were claimed."""
        return self.sender.step(pool)
