"""The outbox: messages written with their cause, claimed and sent by any number of workers.

A row is pending -> sending -> sent, or back to pending with a backoff, or dead. Each member's
messages go out one at a time in the order they were written (only the oldest unsent row of a
member may be claimed), which also makes the per-member rate limit exact across workers.
"""
from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import Session, aliased

from commands.interviews_repo import CLOCK_KINDS
from commands.reminders import AGENDA_KINDS, stale_message
from commands.replies import Card, CardUpdate, GroupCreate, GroupPost, Markdown, Reply
from commands.sanitize import no_tags
from store.budget import Budget
from store.db import Sessions
from store.models import OutboxMessage
from store.sql import changed, insert_ignore

log = logging.getLogger(__name__)

STATUSES = ("pending", "sending", "sent", "dead", "void")   # void: a reminder made stale
# Messages to other people (and groups) that one inbound message may cause: a full panel
# (commands.people.MAX_PEOPLE), its HR, a group post and the group's creation. Commands check
# their inputs against that; this is the backstop, so that no message fans out into dozens.
MAX_TO_OTHERS = 14
TEXT_LIMIT = 2048            # bytes, for text and markdown content (protocol §6.3)
PER_MINUTE, PER_HOUR = 30, 1000  # per member from one app; WeCom drops the excess silently
LEASE = timedelta(seconds=60)    # a row claimed longer ago than this belonged to a dead worker
MAX_ATTEMPTS = 12
# WeCom drops an identical message to the same member within this window, so a resend after a
# crash is not a second message (message/send's enable_duplicate_check; WeCom allows up to 4 h).
# It must outlast the longest takeover: the claim lease (at most 179 s, config.settings), plus
# the longest a vanished worker's session can hold the row's lock (store.db.Limits.longest_hold,
# 45 s), plus one send (5 s); tests/reliability/test_network.py checks the sum.
DUPLICATE_CHECK_INTERVAL = 600
# The WeCom API each channel calls, for the corp-wide budget (store.budget); a response_url
# is the intelligent bot's one-shot URL, outside the corp's API limits.
CHANNEL_API = {"app": "message/send", "appchat": "appchat/send",
               "appchat_create": "appchat/create",
               "card_update": "message/update_template_card"}


def split_utf8(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split text into parts of at most `limit` UTF-8 bytes, on line boundaries when possible."""
    if len(text.encode()) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > limit:       # one line too long: cut at a character boundary
            head = line.encode()[:limit].decode("utf-8", "ignore")
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
            line = line[len(head):]
        if len((current + line).encode()) > limit:
            parts.append(current)
            current = ""
        current += line
    if current:
        parts.append(current)
    return [p.rstrip("\n") for p in parts if p.strip()]


def enqueue(session: Session, *, touser: str, content: str, now: datetime,
            msgtype: str = "text", channel: str = "app", dedupe_key: str | None = None,
            source_key: str | None = None, due_at: datetime | None = None,
            url: str | None = None, single: bool = False,
            rank_at: datetime | None = None) -> int:
    """Write a message to send; long text becomes several rows. Returns rows written.

    With a dedupe_key, a second enqueue of the same key writes nothing: that is how
    notifications, reminders and welcomes are made exactly-once. `single`: one row at most,
    cut short with "…" (a notification to someone else is never a series of messages).
    `rank_at` orders rows due together (claim): an agenda ranks by its first interview.
    """
    if msgtype == "text" and channel in ("app", "appchat"):
        # Plain text may quote users, and WeCom renders <a href> in text: make it inert first,
        # then split, since the full-width brackets are longer in UTF-8.
        content = no_tags(content)
    parts = split_utf8(content) if msgtype in ("text", "markdown") else [content]
    if single and len(parts) > 1:
        ellipsis = "…"
        room = TEXT_LIMIT - len(ellipsis.encode())
        parts = [content.encode()[:room].decode("utf-8", "ignore").rstrip() + ellipsis]
    written = 0
    for i, part in enumerate(parts):
        key = dedupe_key if dedupe_key is None or len(parts) == 1 else f"{dedupe_key}#{i}"
        row = dict(touser=touser, content=part, msgtype=msgtype, channel=channel, url=url,
                   dedupe_key=key, source_key=source_key, status="pending", attempts=0,
                   next_attempt_at=due_at or now, created_at=now, rank_at=rank_at)
        written += insert_ignore(session, OutboxMessage, row, ("dedupe_key",)) \
            if key else _insert(session, row)
    return written


def _insert(session: Session, row: dict[str, Any]) -> int:
    session.add(OutboxMessage(**row))
    return 1


def claim(sessions: Sessions, *, worker_id: str, now: datetime, limit: int,
          lease: timedelta = LEASE, budget: Budget | None = None) -> list[OutboxMessage]:
    """Claim up to `limit` due rows for this worker: FIFO per member, rate limits applied.

    Rows due together go by rank (an agenda by its first interview), replies due now first;
    with a `budget`, the corp-wide limits are taken in the same transaction, so no number of
    workers can claim more calls than a window allows.
    """
    # Only each member's oldest unsent row: ordered by rank, a member's later rows would
    # otherwise crowd out a head that the member limit put back by a few seconds.
    # A scalar subquery, not NOT EXISTS: the planner cannot turn it into a join, so even with
    # no statistics (a rush into a fresh table) each row costs one probe of
    # ix_outbox_touser_status instead of a scan of every unsent row. `<=` means `=` here (the
    # row is in its own minimum); PostgreSQL guesses a third of rows pass it, where `=`
    # gets a guess of 0.5% and a plan that sorts every due row instead of walking the index.
    older = aliased(OutboxMessage)
    head = OutboxMessage.id <= select(func.min(older.id)).where(
        older.touser == OutboxMessage.touser,
        older.status.in_(("pending", "sending"))).scalar_subquery()
    order = (func.coalesce(OutboxMessage.rank_at, OutboxMessage.next_attempt_at),
             OutboxMessage.id)
    # Two queries, not one with OR: the pending one walks ix_outbox_pending_rank in order
    # and stops at the limit. Leases that ran out (a worker died mid-send) go first.
    expired = and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - lease)
    waiting = and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    with sessions.begin() as s:
        rows: list[OutboxMessage] = []
        for due in (expired, waiting):
            if len(rows) < limit * 4:
                rows += s.scalars(select(OutboxMessage).where(due, head).order_by(*order)
                                  .limit(limit * 4 - len(rows))
                                  .with_for_update(skip_locked=True)).all()
        if not rows:
            return []
        users = {r.touser for r in rows}
        heads = dict(s.execute(
            select(OutboxMessage.touser, func.min(OutboxMessage.id))
            .where(OutboxMessage.touser.in_(users),
                   OutboxMessage.status.in_(("pending", "sending")))
            .group_by(OutboxMessage.touser)).all())
        sent = _recent_sends(s, users, now)
        chosen: list[OutboxMessage] = []
        for r in rows:
            if heads.get(r.touser) != r.id or len(chosen) >= limit:
                continue  # an older message of this member goes first
            minute, hour = sent.get(r.touser, (0, 0))
            if r.channel == "app" and (minute >= PER_MINUTE or hour >= PER_HOUR):
                r.next_attempt_at = now + timedelta(seconds=5 if hour < PER_HOUR else 60)
                continue
            r.status, r.claimed_at, r.claimed_by = "sending", now, worker_id
            r.attempts += 1
            chosen.append(r)
        if budget is not None:
            chosen = _within_budget(s, budget, chosen, now)
        # WeCom's duplicate check is there for our resends; it would also drop a new message
        # that repeats one sent minutes ago (the same question asked twice, the same answer).
        repeated = _recent_contents(s, {r.touser for r in chosen if r.channel == "app"}, now)
        for r in chosen:
            r.repeats_recent = r.attempts == 1 and (r.touser, r.msgtype, r.content) in repeated
        return chosen


def _within_budget(s: Session, budget: Budget, chosen: list[OutboxMessage],
                   now: datetime) -> list[OutboxMessage]:
    """The chosen rows the budget allows; the rest wait, unclaimed, for the next window."""
    by_api: dict[str, list[OutboxMessage]] = {}
    for r in chosen:
        api = CHANNEL_API.get(r.channel)
        if api is not None:
            by_api.setdefault(api, []).append(r)
    refused: set[int] = set()
    for api in sorted(by_api):   # one lock order in every process
        rows = by_api[api]
        grant = budget.take(s, api, len(rows), now)
        for r in rows[grant.calls:]:
            r.status, r.claimed_at, r.claimed_by = "pending", None, None
            r.attempts -= 1
            r.next_attempt_at = grant.retry_at or now
            refused.add(r.id)
    return [r for r in chosen if r.id not in refused]


def next_due(sessions: Sessions) -> datetime | None:
    """When the earliest pending row falls due (a retry, a deferred or scheduled message)."""
    with sessions() as s:   # read-only: no commit for an idle worker to pay
        return s.scalar(select(func.min(OutboxMessage.next_attempt_at))
                        .where(OutboxMessage.status == "pending"))


def _recent_contents(s: Session, users: set[str], now: datetime) -> set[tuple[str, str, str]]:
    """(member, msgtype, content) of every message sent to these members inside the window."""
    if not users:
        return set()
    since = now - timedelta(seconds=DUPLICATE_CHECK_INTERVAL)
    q = select(OutboxMessage.touser, OutboxMessage.msgtype, OutboxMessage.content).where(
        OutboxMessage.touser.in_(users), OutboxMessage.status == "sent",
        OutboxMessage.channel == "app", OutboxMessage.sent_at > since)
    return {(u, t, c) for u, t, c in s.execute(q).all()}


def _recent_sends(s: Session, users: Iterable[str],
                  now: datetime) -> dict[str, tuple[int, int]]:
    minute_ago = now - timedelta(minutes=1)
    q = (select(OutboxMessage.touser,
                func.sum(case((OutboxMessage.sent_at > minute_ago, 1), else_=0)),
                func.count())
         .where(OutboxMessage.touser.in_(list(users)), OutboxMessage.status == "sent",
                OutboxMessage.channel == "app", OutboxMessage.sent_at > now - timedelta(hours=1))
         .group_by(OutboxMessage.touser))
    return {u: (int(m or 0), int(h)) for u, m, h in s.execute(q).all()}


def _finish(sessions: Sessions, row_id: int, worker_id: str, **values: Any) -> bool:
    # Only the worker holding the claim may finish the row; a stolen lease loses the race.
    with sessions.begin() as s:
        return changed(s, update(OutboxMessage)
                       .where(OutboxMessage.id == row_id, OutboxMessage.status == "sending",
                              OutboxMessage.claimed_by == worker_id).values(**values)) == 1


def mark_sent(sessions: Sessions, row: OutboxMessage, worker_id: str, now: datetime, *,
              msgid: str | None, invaliduser: str | None) -> bool:
    """Record a successful send."""
    return _finish(sessions, row.id, worker_id, status="sent", sent_at=now, wecom_msgid=msgid,
                   invaliduser=invaliduser or None, last_error=None)


def about_an_interview(row: OutboxMessage) -> bool:
    """A clock message about interviews (reminder, HR warning, feedback nudge, a day's agenda):
    a change to an interview may make it wrong up to the moment it is sent."""
    return (row.dedupe_key or "").split(":", 1)[0] in (*CLOCK_KINDS, *AGENDA_KINDS)


def hold(s: Session, row: OutboxMessage, worker_id: str) -> bool:
    """Lock a claimed row for its send, in the transaction that will mark it sent: True when it
    is still this worker's and its interview still wants it; a stale one is voided instead.

    The lock is held through the call to WeCom, so a cancel either commits first (and the row
    is void, or its interview is seen cancelled, here) or leaves this row alone as already on
    its way (commands.interviews_repo.void_queued skips locked rows)."""
    current = s.execute(select(OutboxMessage.status, OutboxMessage.claimed_by)
                        .where(OutboxMessage.id == row.id).with_for_update()).first()
    if current is None or tuple(current) != ("sending", worker_id):
        return False          # voided by a change, or the lease was taken over
    if stale_message(row.dedupe_key or "", row.content, row.created_at, s):
        s.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                  .values(status="void", last_error="interview changed before sending"))
        return False
    return True


def sent_held(s: Session, row: OutboxMessage, now: datetime, *, msgid: str | None,
              invaliduser: str | None) -> None:
    """Record the send of a row this transaction holds (see `hold`)."""
    s.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
              .values(status="sent", sent_at=now, wecom_msgid=msgid,
                      invaliduser=invaliduser or None, last_error=None))


def backoff(attempts: int, base: float = 2.0, cap: float = 600.0) -> timedelta:
    """Exponential backoff with full jitter: up to base * 2^(attempts-1) seconds, capped."""
    return timedelta(seconds=random.uniform(0.5, 1.0) * min(cap, base * 2 ** (attempts - 1)))


def mark_retry(sessions: Sessions, row: OutboxMessage, worker_id: str, now: datetime,
               error: str, *, min_delay: float = 0.0) -> bool:
    """Put a row back for another try later, or make it dead after MAX_ATTEMPTS."""
    if row.attempts >= MAX_ATTEMPTS:
        return mark_dead(sessions, row, worker_id, f"gave up after {row.attempts} tries: {error}")
    delay = max(backoff(row.attempts), timedelta(seconds=min_delay))
    return _finish(sessions, row.id, worker_id, status="pending", next_attempt_at=now + delay,
                   last_error=error[:2000], claimed_by=None)


def mark_throttled(sessions: Sessions, row: OutboxMessage, worker_id: str, until: datetime,
                   error: str) -> bool:
    """WeCom refused the call for its rate limit (45009/45033): try again at `until`.

    Not a failure of the message: the attempt is given back, so a busy morning never makes a
    row dead.
    """
    return _finish(sessions, row.id, worker_id, status="pending", next_attempt_at=until,
                   attempts=max(0, row.attempts - 1), last_error=error[:2000],
                   claimed_by=None)


def mark_dead(sessions: Sessions, row: OutboxMessage, worker_id: str, error: str) -> bool:
    """Give up on a row; it stays visible to `interview-bot outbox list`."""
    return _finish(sessions, row.id, worker_id, status="dead", last_error=error[:2000])


def retry_dead(sessions: Sessions, row_id: int | None, now: datetime) -> int:
    """Put dead rows (one, or all when row_id is None) back to pending. Returns rows changed."""
    with sessions.begin() as s:
        q = update(OutboxMessage).where(OutboxMessage.status == "dead")
        if row_id is not None:
            q = q.where(OutboxMessage.id == row_id)
        return changed(s, q.values(status="pending", attempts=0, next_attempt_at=now,
                                   claimed_by=None))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def deliver(session: Session, replies: Iterable[Reply], *, sender: str | None,
            source_key: str | None, now: datetime) -> int:
    """Turn a handler's replies into outbox rows: one set of rules for every caller.

    A reply goes to `to`, else to `sender`; private content never goes to a group chat,
    whatever a handler asks for; the asker may get a long answer in parts, anyone else one
    message at most, and at most MAX_TO_OTHERS messages go to others. Returns rows written.
    """
    written = 0
    for r in bounded(replies, sender, source_key):
        to = r.to or sender
        if not to:
            log.error("a reply without a recipient was dropped (from %s)", source_key)
            continue
        if r.private and isinstance(r, GroupPost | GroupCreate):
            log.error("refused to post private content to group %s (from %s)", to, source_key)
            continue
        msgtype, channel, content = "text", "app", r.text
        if isinstance(r, GroupCreate):
            channel, content = "appchat_create", _json(
                {"name": r.text, "owner": r.owner, "userlist": list(r.members), "chatid": to,
                 "requester": r.requester, "interview": r.interview})
        elif isinstance(r, GroupPost):
            channel = "appchat"
        elif isinstance(r, CardUpdate):
            channel, content = "card_update", _json(
                {"userids": [to], "response_code": r.response_code,
                 "button": {"replace_name": r.text}})
        elif isinstance(r, Card):
            msgtype, content = "template_card", _json(dict(r.card))
        elif isinstance(r, Markdown):
            msgtype = "markdown"
        mine = to == sender and channel == "app"
        written += enqueue(session, touser=to, content=content, msgtype=msgtype, now=now,
                           channel=channel, dedupe_key=r.dedupe_key, source_key=source_key,
                           single=not mine, rank_at=r.rank_at)
    return written


def bounded(replies: Iterable[Reply], sender: str | None,
            source_key: str | None) -> list[Reply]:
    """The replies, without those to others beyond MAX_TO_OTHERS (logged: a bug upstream)."""
    out: list[Reply] = []
    others = 0
    for r in replies:
        if r.to not in (None, sender):
            others += 1
            if others > MAX_TO_OTHERS:
                continue
        out.append(r)
    if others > MAX_TO_OTHERS:
        log.error("%s caused %d messages to others; sent the first %d", source_key, others,
                  MAX_TO_OTHERS)
    return out
