"""The deliver stage: outbox rows claimed and sent through message/send (and its siblings).

Any number of workers may run on any number of machines: claims use FOR UPDATE SKIP LOCKED,
and every row is finished only by the worker that holds its claim.
"""
from __future__ import annotations

import json
import logging
import random
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from bot.pipeline import outbox
from bot.pipeline.groups import group_refused
from bot.wecom.client import WeComClient
from bot.wecom.errors import SLOW_DOWN, ApiError, TokenUnavailable, TransportError
from commands.sanitize import no_tags
from store.budget import Budget
from store.db import Sessions, is_postgres
from store.models import OutboxMessage

log = logging.getLogger(__name__)

EXPIRED_EVERY = timedelta(seconds=5)   # how often a claim also looks for leases run out


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


@dataclass(frozen=True)
class SenderConfig:
    """How a process sends: the app, the markdown switch, concurrency and the claim lease."""

    agent_id: int
    markdown: bool = True
    concurrency: int = 8
    lease: timedelta = outbox.LEASE   # a claimed row held longer belongs to a dead worker
    budget: Budget | None = None      # the corp-wide limits (store.budget); None: unlimited
    minute: timedelta = timedelta(seconds=60)   # WeCom's limit window, scaled in benchmarks


class Sender:
    """Claims due outbox rows and delivers them through the WeCom API, a few at a time."""

    def __init__(self, sessions: Sessions, client: WeComClient, config: SenderConfig, *,
                 clock: Callable[[], datetime], worker_id: str, done: Callable[[], None]):
        self.sessions, self.client, self.config, self.clock = sessions, client, config, clock
        self.worker_id = worker_id
        self._done = done   # wakes the worker to claim again (see _send_and_release)
        self._slots = threading.Semaphore(config.concurrency)
        self.next_due: datetime | None = None   # the next row due later, seen when idle
        self._hold_through_send = is_postgres(sessions.kw["bind"])
        # Whether a send's end should wake the worker to claim: rows were left behind (a
        # member's later rows, slots were full, limits deferred some). A lone reply's send
        # ends with nothing behind it, and costs no second claim.
        self._again = False
        self._expired_at: datetime | None = None   # when leases were last looked at

    def step(self, pool: ThreadPoolExecutor | None = None) -> int:
        """Claim as many rows as there are free slots and send them; returns how many."""
        free = self._reserve()
        if free < max(1, self.config.concurrency // 2):
            # Sends are in flight and each wakes the loop when it ends: claim when half the
            # slots are free, not one row per claim (a claim's queries cost more than a send).
            for _ in range(free):
                self._slots.release()
            self._again = True
            return 0
        now = self.clock()
        # Leases run out after a minute; looking for them every few seconds is soon enough,
        # and a claim without that query is one round trip shorter.
        expired = self._expired_at is None or now < self._expired_at \
            or now - self._expired_at >= min(EXPIRED_EVERY, self.config.lease / 4)
        claimed = outbox.Claimed()
        try:
            claimed = outbox.claim(self.sessions, worker_id=self.worker_id, now=now,
                                   limit=free, lease=self.config.lease,
                                   budget=self.config.budget, expired=expired)
            if expired:
                self._expired_at = now
        finally:   # a failed claim (database down) must give its slots back, or none are left
            for _ in range(free - len(claimed)):
                self._slots.release()
        self._again = claimed.more
        if not claimed:
            self.next_due = outbox.next_due(self.sessions)
        self.start(claimed, pool)
        return len(claimed)

    def claim_written(self, conn: Connection, ids: list[int]) -> outbox.Claimed:
        """Claim rows an act just wrote, in its transaction, for as many slots as are free;
        start them with `start` once that transaction has committed, or `give_back`."""
        free = self._reserve()
        claimed = outbox.Claimed()
        try:
            claimed = outbox.claim_written(conn, ids, worker_id=self.worker_id,
                                           now=self.clock(), limit=free,
                                           budget=self.config.budget)
        finally:
            for _ in range(free - len(claimed)):
                self._slots.release()
        if claimed.more:
            self._again = True
        return claimed

    def _reserve(self) -> int:
        """Take every free send slot; returns how many (give back what is not used)."""
        free = 0
        while free < self.config.concurrency and self._slots.acquire(blocking=False):
            free += 1
        return free

    def start(self, rows: list[OutboxMessage], pool: ThreadPoolExecutor | None) -> None:
        """Send claimed rows, on the pool (or here, without one)."""
        for row in rows:
            if pool is None:
                self._send_and_release(row)
            else:
                pool.submit(self._send_and_release, row)

    def give_back(self, rows: list[OutboxMessage]) -> None:
        """The slots of rows whose claim did not commit."""
        for _ in rows:
            self._slots.release()

    def _send_and_release(self, row: OutboxMessage) -> None:
        plain = False
        try:
            plain = self.send(row)
        except Exception:
            log.exception("sending outbox row %s failed unexpectedly", row.id)
        finally:
            self._slots.release()
            # A retry or a refusal changed when rows fall due, and a failed group may have
            # written a message: the worker looks again. A plain send only if rows wait.
            if self._again or not plain:
                self._done()

    def _refused(self, row: OutboxMessage, errcode: int) -> datetime:
        """When to try again after WeCom's rate limit refused a call: after the window."""
        now = self.clock()
        minute = int(self.config.minute.total_seconds())
        api = outbox.CHANNEL_API.get(row.channel)
        log.warning("outbox row %s: WeCom rate limit (errcode %s); waiting a window",
                    row.id, errcode)
        if errcode != 45009 or self.config.budget is None or api is None:
            return now + self.config.minute * random.uniform(1.0, 1.5)
        # The corp's window is spent whatever our count says: no worker claims more of it.
        with self.sessions.begin() as s:
            return self.config.budget.exhaust(s, api, now, minute)

    def send(self, row: OutboxMessage) -> bool:
        """Deliver one claimed row and record the outcome; True if it was simply sent."""
        path, body = build_request(row, self.config.agent_id, self.config.markdown)
        try:
            if outbox.about_an_interview(row):
                return self._send_held(row, path, body)
            result = self._post(row, path, body)
        except ApiError as exc:
            error = f"errcode {exc.errcode}: {exc.errmsg}"
            if exc.errcode in SLOW_DOWN:
                outbox.mark_throttled(self.sessions, row, self.worker_id,
                                      self._refused(row, exc.errcode), error)
            elif exc.retryable:
                outbox.mark_retry(self.sessions, row, self.worker_id, self.clock(), error)
            else:
                log.warning("outbox row %s dead: %s", row.id, error)
                if outbox.mark_dead(self.sessions, row, self.worker_id, error) \
                        and row.channel == "appchat_create":
                    group_refused(self.sessions, row, exc, self.clock())
            return False
        except TokenUnavailable as exc:
            outbox.mark_retry(self.sessions, row, self.worker_id, self.clock(), str(exc),
                              min_delay=exc.retry_after)
            return False
        except TransportError as exc:
            outbox.mark_retry(self.sessions, row, self.worker_id, self.clock(), str(exc))
            return False
        outbox.mark_sent(self.sessions, row, self.worker_id, self.clock(),
                         msgid=result.get("msgid"), invaliduser=_invalid(row, result))
        return True

    def _post(self, row: OutboxMessage, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if row.channel == "response_url":   # one-shot URL, no access_token
            return self.client.post_url(path, body)
        return self.client.call("POST", path, body=body)

    def _send_held(self, row: OutboxMessage, path: str, body: dict[str, Any]) -> bool:
        # A message about one interview is checked, sent and marked sent under the row's lock:
        # nothing about an interview goes out once its cancellation (or change) has committed.
        # A failed call raises out of the block, which rolls back and releases the lock before
        # `send` records the retry in a transaction of its own.
        # SQLite (the one-process demo) has one writer at a time: a transaction held through
        # the call would lock out the token's refresh, so there the check commits first.
        with self.sessions.begin() as s:
            if not outbox.hold(s, row, self.worker_id):
                log.info("outbox row %s not sent: its interview changed", row.id)
                return True   # voided: nothing changed for the rows behind it
            if self._hold_through_send:
                result = self._post(row, path, body)
                outbox.sent_held(s, row, self.clock(), msgid=result.get("msgid"),
                                 invaliduser=_invalid(row, result))
                return True
        result = self._post(row, path, body)
        outbox.mark_sent(self.sessions, row, self.worker_id, self.clock(),
                         msgid=result.get("msgid"), invaliduser=_invalid(row, result))
        return True


def _invalid(row: OutboxMessage, result: dict[str, Any]) -> str:
    invalid = "|".join(x for x in (result.get("invaliduser"), result.get("unlicenseduser")) if x)
    if invalid:
        log.warning("outbox row %s: WeCom reports invalid/unlicensed user %s", row.id, invalid)
    return invalid
