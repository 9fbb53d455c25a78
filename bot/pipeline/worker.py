"""The worker: acts on the inbox, sends the outbox through message/send, runs the clock's ticks.

Any number of workers may run on any number of machines: claims use FOR UPDATE SKIP LOCKED,
and every row is finished only by the worker that holds its claim.
"""
from __future__ import annotations

import json
import logging
import os
import re
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import sessionmaker

from bot.pipeline import outbox
from bot.pipeline.groups import group_refused
from bot.wecom.client import WeComClient
from bot.wecom.errors import SLOW_DOWN, ApiError, TokenUnavailable, TransportError
from commands.sanitize import no_tags
from store.models import OutboxMessage, WorkerHeartbeat
from store.sql import insert_ignore

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = timedelta(seconds=5)
WORKER_STALE_AFTER = 60  # seconds without a heartbeat before a worker counts as down
FAILED_STEP_PAUSE = 1.0   # seconds between steps while the database is unreachable


def plain_text(markdown: str) -> str:
    """Markdown as WeCom renders it, reduced to plain text (for the text fallback)."""
    text = re.sub(r"</?font[^>]*>", "", markdown)
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"^>\s?", "", text, flags=re.M)
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", text)
    return text.replace("**", "").replace("`", "")


def build_request(row: OutboxMessage, agent_id: int, markdown: bool) -> tuple[str, dict[str, Any]]:
    """The API path and JSON body that deliver one outbox row."""
    msgtype, content = row.msgtype, row.content
    if row.channel == "appchat_create":
        spec = json.loads(content)
        return "appchat/create", {k: spec[k] for k in ("name", "owner", "userlist", "chatid")}
    if row.channel == "card_update":
        return "message/update_template_card", {**json.loads(content), "agentid": agent_id}
    if msgtype == "markdown" and not markdown:
        # Text is made inert when it is queued (bot.pipeline.outbox); this fallback text is made here.
        msgtype = "text"
        content = no_tags(plain_text(content)).encode()[:outbox.TEXT_LIMIT].decode("utf-8", "ignore")
    payload: dict[str, Any]
    if msgtype == "template_card":
        payload = {"template_card": json.loads(content)}
    else:
        payload = {msgtype: {"content": content}}
    if row.channel == "response_url":
        return row.url or "", {"msgtype": "markdown", "markdown": {"content": content}}
    if row.channel == "appchat":
        return "appchat/send", {"chatid": row.touser, "msgtype": msgtype, **payload, "safe": 0}
    return "message/send", {"touser": row.touser, "msgtype": msgtype, "agentid": agent_id,
                            **payload, "safe": 0,
                            "enable_duplicate_check": 0 if row.repeats_recent else 1,
                            "duplicate_check_interval": outbox.DUPLICATE_CHECK_INTERVAL}


class Worker:
    """Sends the outbox with bounded concurrency and runs periodic ticks."""

    def __init__(self, sessions: sessionmaker, client: WeComClient, *, agent_id: int,
                 clock: Callable[[], datetime], markdown: bool = True, concurrency: int = 8,
                 poll_interval: float = 0.05, worker_id: str | None = None,
                 lease: timedelta = outbox.LEASE):
        self.sessions, self.client, self.agent_id, self.clock = sessions, client, agent_id, clock
        self.lease = lease   # how long a claimed row stays ours before another worker takes it
        self.markdown, self.concurrency, self.poll_interval = markdown, concurrency, poll_interval
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:64]
        self.ticks: list[Callable[[datetime], None]] = []   # e.g. the clock's reminder planner
        self.inbox: Callable[[], int] | None = None   # acts on stored callbacks; returns a count
        # Other durable queues run on every pass (e.g. WeCom office jobs); each returns a count.
        self.steps: list[Callable[[datetime], int]] = []
        self._last_beat: datetime | None = None
        self._slots = threading.Semaphore(concurrency)
        self._wake = threading.Event()

    def wake(self) -> None:
        """Ask the loop to look for work now (used in-process after a commit)."""
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set."""
        log.info("worker %s started (concurrency %d)", self.worker_id, self.concurrency)
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="send") as pool:
            while not stop.is_set():
                try:
                    busy = self.step(pool)
                except Exception:  # the database may be down: keep going, it comes back
                    log.exception("worker step failed")
                    busy = -1
                if busy <= 0:   # after a failure wait a second: one traceback, not twenty
                    self._wake.wait(self.poll_interval if busy == 0 else FAILED_STEP_PAUSE)
                    self._wake.clear()
        log.info("worker %s stopped", self.worker_id)

    def step(self, pool: ThreadPoolExecutor | None = None) -> int:
        """One pass: heartbeat, ticks, inbox, claim and send. Returns the rows worked on."""
        now = self.clock()
        if self._last_beat is None or now - self._last_beat >= HEARTBEAT_EVERY:
            self._beat(now)
            for tick in self.ticks:
                tick(now)
        taken = self.inbox() if self.inbox is not None else 0
        for extra in self.steps:
            taken += extra(now)
        free = 0
        while free < self.concurrency and self._slots.acquire(blocking=False):
            free += 1
        rows: list[OutboxMessage] = []
        try:
            if free:
                rows = outbox.claim(self.sessions, worker_id=self.worker_id, now=now,
                                    limit=free, lease=self.lease)
        finally:   # a failed claim (database down) must give its slots back, or none are left
            for _ in range(free - len(rows)):
                self._slots.release()
        for row in rows:
            if pool is None:
                self._send_and_release(row)
            else:
                pool.submit(self._send_and_release, row)
        return taken + len(rows)

    def drain(self, max_steps: int = 1000) -> None:
        """Act on the inbox and send everything due now, synchronously (tests, `simulate`)."""
        for _ in range(max_steps):
            if not self.step():
                return

    def _beat(self, now: datetime) -> None:
        self._last_beat = now
        with self.sessions.begin() as s:
            if not insert_ignore(s, WorkerHeartbeat, {"worker_id": self.worker_id,
                                                      "beat_at": now}, ("worker_id",)):
                s.get(WorkerHeartbeat, self.worker_id).beat_at = now  # type: ignore[union-attr]

    def _send_and_release(self, row: OutboxMessage) -> None:
        try:
            self.send(row)
        except Exception:
            log.exception("sending outbox row %s failed unexpectedly", row.id)
        finally:
            self._slots.release()
            self._wake.set()

    def send(self, row: OutboxMessage) -> None:
        """Deliver one claimed row and record the outcome."""
        path, body = build_request(row, self.agent_id, self.markdown)
        try:
            if row.channel == "response_url":   # one-shot URL, no access_token
                result = self.client.post_url(path, body)
            else:
                result = self.client.call("POST", path, body=body)
        except ApiError as exc:
            error = f"errcode {exc.errcode}: {exc.errmsg}"
            if exc.retryable:
                delay = 60.0 if exc.errcode in SLOW_DOWN else 0.0
                outbox.mark_retry(self.sessions, row, self.worker_id, self.clock(), error,
                                  min_delay=delay)
            else:
                log.warning("outbox row %s dead: %s", row.id, error)
                if outbox.mark_dead(self.sessions, row, self.worker_id, error) \
                        and row.channel == "appchat_create":
                    group_refused(self.sessions, row, exc, self.clock())
            return
        except TokenUnavailable as exc:
            outbox.mark_retry(self.sessions, row, self.worker_id, self.clock(), str(exc),
                              min_delay=exc.retry_after)
            return
        except TransportError as exc:
            outbox.mark_retry(self.sessions, row, self.worker_id, self.clock(), str(exc))
            return
        invalid = "|".join(x for x in (result.get("invaliduser"), result.get("unlicenseduser"))
                           if x)
        if invalid:
            log.warning("outbox row %s: WeCom reports invalid/unlicensed user %s", row.id, invalid)
        outbox.mark_sent(self.sessions, row, self.worker_id, self.clock(),
                         msgid=result.get("msgid"), invaliduser=invalid)
