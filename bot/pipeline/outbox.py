"""The outbox: messages written with their cause, claimed and sent by any number of workers.

A row is pending -> sending -> sent, or back to pending with a backoff, or dead. Each member's
messages go out one at a time in the order they were written (only the oldest unsent row of a
member may be claimed), which also makes the per-member rate limit exact across workers.
"""
from __future__ import annotations

import functools
import json
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from commands.interviews_repo import CLOCK_KINDS
from commands.reminders import AGENDA_KINDS, stale_message
from commands.replies import Card, CardUpdate, GroupCreate, GroupPost, Markdown, Reply
from commands.sanitize import no_tags
from store.budget import Budget
from store.db import Sessions
from store.models import OutboxMessage
from store.sql import changed, upsert_insert

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


# session.info key: ids of the outbox rows written in the session's transaction.
WRITTEN = "outbox_written"


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
        written += _insert(session, row)
    return written


@functools.cache
def _insert_statement(dialect: str, deduped: bool) -> Any:
    """INSERT … RETURNING id, built once; with a dedupe key a second enqueue writes nothing."""
    if not deduped:
        return insert(_T).returning(_T.c.id)
    return (upsert_insert(dialect)(_T).on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(_T.c.id))


def _insert(session: Session, row: dict[str, Any]) -> int:
    # Core on the session's connection: a reply per message, and the ORM's unit of work
    # cost more than the INSERT itself. The new row's id is noted in the session for the
    # act stage, which may hand its rows straight to the sender (claim_written).
    conn = session.connection()
    stmt = _insert_statement(conn.dialect.name, row["dedupe_key"] is not None)
    new = conn.execute(stmt, row).scalar()
    if new is None:
        return 0
    session.info.setdefault(WRITTEN, []).append(new)
    return 1


class Claimed(list[OutboxMessage]):
    """The rows a claim took; `more` says rows it saw were left claimable behind them (a
    member's later rows, rows beyond the limit, rows a limit put back by a few seconds)."""

    more = False


_T: Any = OutboxMessage.__table__
# The columns a claimed row carries to its send (the sender never loads it again).
_CARRIED = ("id", "dedupe_key", "source_key", "channel", "touser", "url", "msgtype", "content",
            "attempts", "created_at", "rank_at", "next_attempt_at")


def _claim_statements() -> dict[str, Any]:
    """The claim's statements, built once: Core over the table, its parameters bound late.

    The claim runs once for every reply, and building its expressions and loading ORM objects
    cost more than its round trips to PostgreSQL (issue 14: 10 ms of CPU a claim, now ~2).
    """
    t, older, prior = _T, _T.alias("older"), _T.alias("prior")
    # Only each member's oldest unsent row: ordered by rank, a member's later rows would
    # otherwise crowd out a head that the member limit put back by a few seconds.
    # A scalar subquery, not NOT EXISTS: the planner cannot turn it into a join, so each row
    # costs one probe of an index on touser instead of a scan of every unsent row; with
    # statistics that is ix_outbox_unsent (migration 0016), whose first entry is the minimum.
    # `<=` means `=` here (the row is in its own minimum); PostgreSQL guesses a third of rows
    # pass it, where `=` gets a guess of 0.5% and a plan that sorts every due row instead of
    # walking the index.
    head = t.c.id <= select(func.min(older.c.id)).where(
        older.c.touser == t.c.touser,
        older.c.status.in_(("pending", "sending"))).scalar_subquery()
    # WeCom's duplicate check is there for our resends; it would also drop a new message
    # that repeats one sent minutes ago (the same question asked twice, the same answer).
    # Asked of each row in the claim's own query: one index probe each, no round trip.
    repeats = and_(t.c.channel == "app", exists().where(
        prior.c.touser == t.c.touser, prior.c.status == "sent", prior.c.channel == "app",
        prior.c.sent_at > bindparam("since"), prior.c.msgtype == t.c.msgtype,
        prior.c.content == t.c.content)).label("repeats")
    order = (func.coalesce(t.c.rank_at, t.c.next_attempt_at), t.c.id)
    # Two queries, not one with OR: the pending one walks ix_outbox_pending_rank in order
    # and stops at the limit.
    dues = {"expired": and_(t.c.status == "sending", t.c.claimed_at < bindparam("stale")),
            "waiting": and_(t.c.status == "pending", t.c.next_attempt_at <= bindparam("now"))}
    out: dict[str, Any] = {name: select(*(t.c[c] for c in _CARRIED), t.c.status, repeats)
           .where(due, head).order_by(*order).limit(bindparam("n", type_=Integer))
           .with_for_update(skip_locked=True, of=t) for name, due in dues.items()}
    # The rows an act just wrote, in its own transaction: no other worker can see them yet.
    out["written"] = (select(*(t.c[c] for c in _CARRIED), t.c.status, repeats)
                      .where(t.c.id.in_(bindparam("ids", expanding=True)),
                             t.c.status == "pending", t.c.next_attempt_at <= bindparam("now"),
                             head).order_by(*order).limit(bindparam("n", type_=Integer)))
    sent_app = and_(t.c.status == "sent", t.c.channel == "app")
    out["stats"] = (
        select(t.c.touser, func.count().filter(t.c.status == "pending"),
               func.count().filter(and_(sent_app, t.c.sent_at > bindparam("minute_ago"))),
               func.count().filter(and_(sent_app, t.c.sent_at > bindparam("hour_ago"))))
        .where(t.c.touser.in_(bindparam("users", expanding=True)),
               or_(t.c.status == "pending", and_(sent_app, t.c.sent_at > bindparam("hour_ago"))))
        .group_by(t.c.touser))
    out["take"] = (update(t).where(t.c.id.in_(bindparam("ids", expanding=True)))
                   .values(status="sending", claimed_at=bindparam("at"),
                           claimed_by=bindparam("by"), attempts=t.c.attempts + 1))
    out["defer"] = (update(t).where(t.c.id == bindparam("rid"))
                    .values(next_attempt_at=bindparam("due")))
    return out


_CLAIM = _claim_statements()


def claim(sessions: Sessions, *, worker_id: str, now: datetime, limit: int,
          lease: timedelta = LEASE, budget: Budget | None = None,
          expired: bool = True) -> Claimed:
    """Claim up to `limit` due rows for this worker: FIFO per member, rate limits applied.

    Rows due together go by rank (an agenda by its first interview), replies due now first;
    with a `budget`, the corp-wide limits are taken in the same transaction, so no number of
    workers can claim more calls than a window allows. `expired`: also take over rows whose
    lease ran out (a worker died mid-send), first; the sender looks every few seconds.
    The rows come back detached, as they are being sent (status 'sending').
    """
    params = {"now": now, "stale": now - lease,
              "since": now - timedelta(seconds=DUPLICATE_CHECK_INTERVAL)}
    with sessions.kw["bind"].begin() as conn:
        rows: list[Any] = []
        for due in ("expired", "waiting") if expired else ("waiting",):
            if len(rows) < limit * 4:
                rows += conn.execute(_CLAIM[due], {**params, "n": limit * 4 - len(rows)}).all()
        return _take(conn, rows, worker_id=worker_id, now=now, limit=limit, budget=budget)


def claim_written(conn: Connection, ids: list[int], *, worker_id: str, now: datetime,
                  limit: int, budget: Budget | None = None) -> Claimed:
    """Claim, in the transaction that wrote them, rows just written (`WRITTEN`): the act
    stage hands its replies to the sender without a claim of their own. The same rules as
    `claim`: a member's older rows first, the member and corp-wide limits; rows not taken
    stay pending for a claim."""
    if not ids or limit <= 0:
        left = Claimed()
        left.more = bool(ids)   # written, but no slot to send it from: a claim takes it
        return left
    rows = list(conn.execute(_CLAIM["written"], {
        "ids": ids, "now": now, "n": limit * 4,
        "since": now - timedelta(seconds=DUPLICATE_CHECK_INTERVAL)}).all())
    claimed = _take(conn, rows, worker_id=worker_id, now=now, limit=limit, budget=budget)
    claimed.more = claimed.more or len(claimed) < len(ids)
    return claimed


def _take(conn: Connection, rows: list[Any], *, worker_id: str, now: datetime, limit: int,
          budget: Budget | None) -> Claimed:
    """Of the candidate rows (locked), those this worker may send now, marked 'sending'."""
    out = Claimed()
    if not rows:
        return out
    stats = {u: (int(w), int(m), int(h)) for u, w, m, h in conn.execute(_CLAIM["stats"], {
        "users": sorted({r.touser for r in rows}), "minute_ago": now - timedelta(minutes=1),
        "hour_ago": now - timedelta(hours=1)})}
    chosen: list[Any] = []
    deferred: list[dict[str, Any]] = []
    for r in rows:
        waiting, minute, hour = stats.get(r.touser, (0, 0, 0))
        if waiting > (r.status == "pending"):
            out.more = True   # a later row of this member is next once this one is sent
        if len(chosen) >= limit:
            out.more = True
        elif r.channel == "app" and (minute >= PER_MINUTE or hour >= PER_HOUR):
            deferred.append({"rid": r.id, "due": now + timedelta(
                seconds=5 if hour < PER_HOUR else 60)})
        else:
            chosen.append(r)
    if budget is not None:
        kept = _within_budget(conn, budget, chosen, now)
        deferred += [{"rid": r.id, "due": due} for r, due in kept.refused]
        chosen = kept.rows
    if deferred:
        out.more = True
        conn.execute(_CLAIM["defer"], deferred)
    if chosen:
        conn.execute(_CLAIM["take"], {"ids": [r.id for r in chosen], "at": now,
                                      "by": worker_id})
    for r in chosen:
        row = OutboxMessage(**{c: getattr(r, c) for c in _CARRIED})
        row.status, row.claimed_at, row.claimed_by = "sending", now, worker_id
        row.attempts += 1
        row.repeats_recent = row.attempts == 1 and bool(r.repeats)
        out.append(row)
    return out


@dataclass
class _Kept:
    rows: list[Any]
    refused: list[tuple[Any, datetime]]


def _within_budget(conn: Connection, budget: Budget, chosen: list[Any], now: datetime) -> _Kept:
    """The chosen rows the budget allows, and the rest with when to try them again."""
    by_api: dict[str, list[Any]] = {}
    for r in chosen:
        api = CHANNEL_API.get(r.channel)
        if api is not None:
            by_api.setdefault(api, []).append(r)
    refused: list[tuple[Any, datetime]] = []
    for api in sorted(by_api):   # one lock order in every process
        rows = by_api[api]
        grant = budget.take(conn, api, len(rows), now)
        refused += [(r, grant.retry_at or now) for r in rows[grant.calls:]]
    ids = {r.id for r, _ in refused}
    return _Kept([r for r in chosen if r.id not in ids], refused)


def next_due(sessions: Sessions) -> datetime | None:
    """When the earliest pending row falls due (a retry, a deferred or scheduled message)."""
    with sessions() as s:   # read-only: no commit for an idle worker to pay
        return s.scalar(select(func.min(OutboxMessage.next_attempt_at))
                        .where(OutboxMessage.status == "pending"))


def _finish(sessions: Sessions, row_id: int, worker_id: str, **values: Any) -> bool:
    # Only the worker holding the claim may finish the row; a stolen lease loses the race.
    # Core on a connection, not the ORM: every send ends here, on the worker's threads.
    with sessions.kw["bind"].begin() as conn:
        done = conn.execute(update(_T).where(_T.c.id == row_id, _T.c.status == "sending",
                                             _T.c.claimed_by == worker_id).values(**values))
        return bool(done.rowcount == 1)


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
