"""The worker's clock tick: auto-complete, reminders, HR warnings, agendas, nudges, into the
outbox.

Each step is its own short transaction; every message has a unique dedupe key, so any number of
workers may tick at once and a tick repeated after a crash changes nothing.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.pipeline import outbox
from commands import reminders as due
from commands.context import Reply
from store.db import Sessions
from store.models import OutboxMessage

log = logging.getLogger(__name__)


class ReminderClock:
    """Called by the worker with the current time, every few seconds."""

    def __init__(self, sessions: Sessions, timezone: str):
        self.sessions, self.timezone = sessions, timezone
        self._agenda_sent: set[str] = set()   # keys already in the outbox: skip the insert

    def __call__(self, now: datetime) -> None:
        with self.sessions.begin() as s:
            org = due.Org.load(s, self.timezone)
            done = due.auto_complete(s, now, org)
        if done:
            log.info("auto-completed %d interview(s)", done)
        with self.sessions.begin() as s:
            self._void_stale(s)
        with self.sessions.begin() as s:
            self._write(s, due.reminders(s, now, org), now)
        with self.sessions.begin() as s:
            self._write(s, due.hr_warnings(s, now, org), now)
        with self.sessions.begin() as s:
            self._write(s, due.nudges(s, now, org), now)
        with self.sessions.begin() as s:
            replies = due.agendas(s, now, org, self._agenda_sent)
            self._write(s, replies, now)
        if len(self._agenda_sent) > 100_000:
            self._agenda_sent.clear()
        self._agenda_sent.update(r.dedupe_key for r in replies if r.dedupe_key)

    @staticmethod
    def _write(s: Session, replies: list[Reply], now: datetime) -> None:
        assert all(r.to and r.dedupe_key for r in replies), \
            "clock messages always have a recipient and a key"
        # One at a time: deliver's cap on messages to others (MAX_TO_OTHERS) guards what one
        # inbound message may fan out to; the clock's messages are each their own cause, and
        # at 09:00 a large company has thousands of agendas in one tick.
        for reply in replies:
            outbox.deliver(s, [reply], sender=None, source_key=None, now=now)

    @staticmethod
    def _void_stale(s: Session) -> None:
        # A reminder, HR warning or nudge queued a moment before its interview was
        # rescheduled, cancelled or decided.
        queued = s.execute(select(OutboxMessage.id, OutboxMessage.dedupe_key).where(
            OutboxMessage.status == "pending",
            or_(*(OutboxMessage.dedupe_key.like(f"{p}:%")
                  for p in ("remind", "hrwarn", "autonudge"))))).all()
        stale = due.void_stale(s, [(i, k) for i, k in queued if k])
        if stale:
            s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(stale))
                      .values(status="void", last_error="interview changed before sending"))
