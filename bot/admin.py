"""Admin tools behind the CLI: check-config, verify-url, outbox list/retry/purge, users, roles."""
from __future__ import annotations

import argparse
import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete, func, select

from bot.diagnose import api_cause, database_cause, network_cause
from bot.pipeline.oa_sync import ENABLE
from bot.wecom import oa
from bot.wecom.client import WeComClient
from bot.wecom.errors import WeComError
from commands.settings_store import org_setting, set_org_setting
from config.settings import Settings, SettingsError
from store.db import Sessions, make_engine, make_sessionmaker, migration_status
from store.models import OutboxMessage, User
from store.wecom_oa import WeComFeature

Out = Callable[[str], object]
WECOM_URL_LIMIT = 1.0  # seconds: the console gives up on a slower answer


def check_config(out: Out) -> int:
    """Settings valid, database reachable and migrated, gettoken works. 0 when all pass."""
    from bot.wecom.client import GetToken, api_http
    from bot.wecom.errors import ApiError, TransportError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        out("FAIL settings:")
        for p in exc.problems:
            out(f"  - {p}")
        return 1
    failures = 0
    out("ok   settings: " + ", ".join(f"{k}={v}" for k, v in settings.public_summary().items()))
    engine = None
    try:
        engine = make_engine(settings.database_url)
        current, head = migration_status(engine)
        if current == head:
            out(f"ok   database reachable, migrations current ({head})")
            failures += _check_worker(engine, out, settings.inbox_max_age_seconds)
        else:
            failures += 1
            out(f"FAIL database at migration {current}, code wants {head}: "
                "run `interview-bot db upgrade`")
    except Exception as exc:  # any driver error: said in plain words with the remedy
        failures += 1
        out(f"FAIL {database_cause(exc)}")
    finally:
        if engine is not None:
            engine.dispose()
    http = api_http(settings.api_base)
    try:
        GetToken(http, settings.corp_id, settings.secret)()
        out(f"ok   gettoken works against {settings.api_base}")
        failures += _office(settings, out)
    except ApiError as exc:
        failures += 1
        out(f"FAIL gettoken: {api_cause(exc.errcode, exc.errmsg)}")
    except TransportError as exc:
        failures += 1
        out(f"FAIL gettoken: cannot reach {settings.api_base}: {exc.detail}")
    except WeComError as exc:
        failures += 1
        out(f"FAIL gettoken: {exc}")
    finally:
        http.close()
    out("all checks passed" if not failures else f"{failures} check(s) failed")
    return 0 if not failures else 1


def _office(settings: Settings, out: Out) -> int:
    """Calendar events, meetings and rooms: on, off or not permitted."""
    from bot.services import build

    try:
        services = build(settings)
    except Exception as exc:  # the database line above already says what is wrong
        out(f"note WeCom features not checked: {type(exc).__name__}")
        return 0
    try:
        lines = feature_lines(services.sessions, services.client,
                              admin=settings.admins[0] if settings.admins else None,
                              now=datetime.now(UTC))
    except Exception as exc:
        out(f"note WeCom features not checked: {type(exc).__name__}")
        return 0
    finally:
        services.close()
    for line in lines:
        out(line)
    return sum(line.startswith("FAIL") for line in lines)


def heartbeat_age(age: float) -> str:
    """A heartbeat's age in words; one from the future says so, rather than "-187798 s ago"."""
    if age >= 0:
        return f"heartbeat {age:.0f} s ago"
    return (f"heartbeat {-age:.0f} s in the future: this machine's clock and the worker's "
            "disagree (check NTP on both), or a test or demo with its own clock wrote it")


def _check_worker(engine: Any, out: Out, max_age: float) -> int:
    """Is a worker acting on the inbox, and has no message waited longer than `max_age`?"""
    from bot.pipeline.inbox import backlog
    from bot.pipeline.worker import WORKER_STALE_AFTER
    from store.models import WorkerHeartbeat

    now = datetime.now(UTC)
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        beat = s.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    waiting = backlog(sessions, now, max_age)
    age = (now - beat).total_seconds() if beat is not None else None
    inbox = f"inbox: {waiting['pending']} message(s) waiting" + (
        f", the oldest for {waiting['oldest_age_seconds']:.0f} s" if waiting["pending"] else "")
    # A few seconds "in the future" is two machines' clocks; more is not a live worker.
    if age is not None and -WORKER_STALE_AFTER <= age <= WORKER_STALE_AFTER:
        if not waiting["ok"]:
            out(f"FAIL {inbox}, longer than BOT_INBOX_MAX_AGE ({max_age:.0f} s), though a "
                f"worker is alive ({heartbeat_age(age)}): a message is stuck or the workers "
                "are behind; see the worker's log")
            return 1
        out(f"ok   worker alive ({heartbeat_age(age)}); {inbox}")
        return 0
    if age is not None and age < 0:
        out(f"FAIL worker: {heartbeat_age(age)}")
        return 1
    if waiting["pending"]:
        out(f"FAIL no worker alive and {inbox}: start `interview-bot worker`")
        return 1
    out("note no worker alive: start `interview-bot worker`, or members' messages will wait "
        "in the inbox unanswered")
    return 0


def verify_url(url: str, settings: Settings, out: Out,
               transport: httpx.BaseTransport | None = None,
               clock: Callable[[], float] = time.time) -> int:
    """Send WeCom's signed verification GET to `url`; on failure, name the actual cause.

    The server names the step that refused the check (bot.web.callback.refusal): a stale
    timestamp (with the server's time, so the clock difference is measured, not guessed), the
    Token, the EncodingAESKey, or the CorpID; a wrong path is a 404; a slow answer is timed.
    """
    crypto = settings.app_crypto(clock)
    echo = str(secrets.randbelow(10**19))
    params = crypto.verify_url_query(echo, nonce=str(secrets.randbelow(10**9)))
    started, sent_at = time.perf_counter(), clock()
    try:
        with httpx.Client(timeout=5.0, transport=transport) as client:
            resp = client.get(url, params=params)
    except httpx.HTTPError as exc:
        out(f"FAIL could not reach {url}: {network_cause(exc)}")
        return 1
    took = time.perf_counter() - started
    timing = f"{took * 1000:.0f} ms (WeCom allows {WECOM_URL_LIMIT * 1000:.0f} ms)"
    if resp.status_code != 200:
        why = _refused_because(resp, url, sent_at + took / 2, settings)
        out(f"FAIL HTTP {resp.status_code}: {why}; {timing}")
        return 1
    if resp.text != echo:
        shown = resp.text[:60]
        out(f"FAIL the answer must be the decrypted echostr, raw; got {shown!r}; {timing}")
        return 1
    if took > WECOM_URL_LIMIT:
        out(f"FAIL correct answer but too slow: {timing}; WeCom gives up after 1 s, so look at "
            "what stands between (a proxy, TLS set-up, a cold start) and the server's load")
        return 1
    out(f"PASS {url} answered the echostr correctly in {timing}")
    return 0


def _refused_because(resp: httpx.Response, url: str, now: float, settings: Settings) -> str:
    """Why the server refused the URL check, from its status and the step it names."""
    body = resp.text.strip()
    if resp.status_code == 404:
        path = httpx.URL(url).path
        return f"no callback at {path} (it is /wecom/callback)"
    m = re.fullmatch(r"stale timestamp; server time (\d+)", body)
    if m:
        skew = int(m.group(1)) - now
        side = "ahead of" if skew > 0 else "behind"
        return (f"the server refused our timestamp as stale: its clock is {abs(skew):.0f} s "
                f"{side} this machine's (it allows {settings.timestamp_window} s). WeCom "
                "signs with the correct time, so fix the clock that is wrong (NTP)")
    if body == "receive id mismatch":
        return ("the signature and the key are right but the CorpID is not: WECOM_CORP_ID "
                "differs between here and the server")
    if body == "cannot decrypt":
        return ("the signature is right but the message cannot be decrypted: "
                "WECOM_ENCODING_AES_KEY differs between here and the server")
    if resp.status_code == 403:
        return ("signature refused: WECOM_TOKEN differs between here and the server (or an "
                "older server that does not say which of WECOM_TOKEN / WECOM_ENCODING_AES_KEY "
                "/ WECOM_CORP_ID differs)")
    return f"unexpected answer {body[:200]!r}"


def outbox(args: argparse.Namespace, settings: Settings, out: Out) -> int:
    """`outbox list [--status S]`, `outbox retry ID|--all`, `outbox purge [--days N]`."""
    from bot.pipeline import outbox as ob
    from bot.services import utcnow

    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    try:
        if args.action == "retry":
            if args.id is None and not args.all:
                out("say which row: `outbox retry ID` or `outbox retry --all`")
                return 2
            n = ob.retry_dead(sessions, None if args.all else args.id, utcnow())
            out(f"{n} row(s) back to pending")
            return 0 if n else 1
        if args.action == "purge":
            from store.models import InboundMessage
            from store.sql import changed

            cut = utcnow() - timedelta(days=args.days)
            with sessions.begin() as s:
                n = changed(s, delete(OutboxMessage).where(OutboxMessage.status == "sent",
                                                           OutboxMessage.sent_at < cut))
                # The messages taken in keep what members wrote (phone numbers, feedback):
                # once acted on, they are only needed to spot WeCom's retries, minutes later.
                m = changed(s, delete(InboundMessage).where(
                    InboundMessage.status != "pending", InboundMessage.received_at < cut))
            out(f"purged {n} sent row(s) and {m} inbound message(s) older than {args.days} days")
            return 0
        with sessions() as s:
            q = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(50)
            if args.status:
                q = q.where(OutboxMessage.status == args.status)
            rows = s.scalars(q).all()
        out(f"{'id':>6} {'status':8} {'tries':>5} {'to':16} {'created':20} error / content")
        for r in rows:
            detail = r.last_error or r.content.replace("\n", " ")[:50]
            out(f"{r.id:>6} {r.status:8} {r.attempts:>5} {r.touser[:16]:16} "
                f"{r.created_at:%Y-%m-%d %H:%M:%S} {detail}")
        return 0
    finally:
        engine.dispose()


def set_role(sessions: Sessions, userid: str, role: str, now: datetime,
             name: str | None = None) -> tuple[User, bool]:
    """Give a member a role, creating the member if the bot has not met them yet.

    Returns (user, created). Userids are stored lower-cased, as WeCom sends them back.
    """
    from commands.context import ROLES

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    userid = userid.strip().lower()
    with sessions.begin() as s:
        user = s.scalars(select(User).where(User.wecom_userid == userid)).one_or_none()
        created = user is None
        if user is None:
            user = User(wecom_userid=userid, name=name or userid, role=role, created_at=now)
            s.add(user)
        else:
            user.role = role
            if name:
                user.name = name
        if name:
            # An admin vouches for this name: members may name this one by it, and WeCom's
            # sync leaves it alone.
            user.directory_name = name
            user.name_synced = True
    return user, created


def list_users(sessions: Sessions) -> list[User]:
    """Every member the bot knows, oldest first."""
    with sessions() as s:
        return list(s.scalars(select(User).order_by(User.id)).all())


def _pad(text: str, width: int) -> str:
    """Left-justify in terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def users(args: argparse.Namespace, database_url: str, admins: tuple[str, ...], out: Out) -> int:
    """`users list` and `role set USERID ROLE [--name NAME]`."""
    from bot.services import utcnow

    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    try:
        if args.command == "role":
            try:
                user, created = set_role(sessions, args.userid, args.role, utcnow(), args.name)
            except ValueError as exc:
                out(str(exc))
                return 2
            out(f"{user.wecom_userid} ({user.name}) is now {user.role}"
                + (" (new member: the bot had not met them yet)" if created else ""))
            if user.wecom_userid in {a.lower() for a in admins} and user.role != "admin":
                out(f"note: {user.wecom_userid} is in BOT_ADMINS and becomes admin again "
                    "on their next message; remove them there first")
            return 0
        rows = list_users(sessions)
        out(f"{'userid':20} {'name':16} {'role':12} {'lang':4} created")
        for u in rows:
            out(f"{u.wecom_userid[:20]:20} {_pad(u.name[:16], 16)} {u.role:12} "
                f"{u.lang or '-':4} {u.created_at:%Y-%m-%d %H:%M}")
        out(f"{len(rows)} member(s)")
        return 0
    finally:
        engine.dispose()


# --- the WeCom office side: `calendar setup` and check-config's feature lines ---------------

def calendar_setup(sessions: Sessions, client: WeComClient, *, agent_id: int,
                   organizer: str, name: str, now: datetime, out: Out) -> int:
    """Create the interview calendar once, store its cal_id and switch the feature on."""
    with sessions() as s:
        existing = org_setting(s, "calendar_id")
    if existing:
        out(f"ok   the interview calendar exists already (cal_id {existing}); nothing to do")
        return 0
    try:
        cal_id = oa.calendar_add(client, organizer=organizer, summary=name[:128],
                                 agentid=agent_id,
                                 description="面试机器人安排的面试 / Interviews booked by the bot")
    except WeComError as exc:
        hint = f" — {ENABLE['calendar'][1]}" if oa.not_permitted(exc) else ""
        out(f"FAIL oa/calendar/add: {exc}{hint}")
        return 1
    with sessions.begin() as s:
        set_org_setting(s, "calendar_id", cal_id, by=None, now=now)
        set_org_setting(s, "calendar", True, by=None, now=now)
    out(f"ok   created the calendar “{name}” (cal_id {cal_id}, organizer {organizer}); "
        "calendar events are on (turn off with 设置 全局 日历 关)")
    return 0


def feature_lines(sessions: Sessions, client: WeComClient, *, admin: str | None,
                  now: datetime) -> list[str]:
    """One line per feature: on, off or not permitted (probed with a read-only call)."""
    with sessions() as s:
        on = {k: bool(org_setting(s, k)) for k in ("calendar", "meetings", "rooms")}
        cal_id = org_setting(s, "calendar_id")
        refused = {f.feature: f.errcode for f in s.query(WeComFeature)}
    probes: dict[str, Callable[[], object]] = {
        "calendar": (lambda: oa.schedules_of_calendar(client, cal_id)) if cal_id else
        (lambda: None),
        "meetings": (lambda: oa.meetings_of_user(client, admin, int(now.timestamp()),
                                                 int((now + timedelta(days=1)).timestamp())))
        if admin else (lambda: None),
        "rooms": lambda: oa.rooms(client)}
    lines = []
    for feature, probe in probes.items():
        try:
            probe()
            denied = None
        except WeComError as exc:
            denied = getattr(exc, "errcode", None) if oa.not_permitted(exc) else None
        denied = denied or refused.get(feature)
        if denied:
            lines.append(f"FAIL {feature}: not permitted (errcode {denied}) — "
                         f"{ENABLE[feature][1]}")
        elif feature == "calendar" and on["calendar"] and not cal_id:
            lines.append("FAIL calendar: on, but no calendar yet — run "
                         "`interview-bot calendar setup --organizer USERID`")
        else:
            lines.append(f"ok   {feature}: {'on' if on[feature] else 'off'}")
    return lines
