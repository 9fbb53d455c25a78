"""`interview-bot`: the one console script (serve, worker, demo, db, admin tools)."""
from __future__ import annotations

import argparse
import gc
import secrets
import signal
import string
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from bot import admin
from bot.logs import setup_logging
from bot.pipeline.outbox import STATUSES as OUTBOX_STATUSES
from config.settings import Settings, SettingsError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _cmd(name: str) -> Callable[[Callable[[argparse.Namespace], int]],
                                 Callable[[argparse.Namespace], int]]:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = fn
        return fn
    return register


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


@_cmd("serve")
def serve(args: argparse.Namespace) -> int:
    """Run the web app under gunicorn with config/gunicorn.conf.py."""
    from bot.gunicorn_app import run

    _valid_settings()
    run(args.host, args.port)
    return 0


def _valid_settings() -> Settings:
    settings = _settings()
    if settings.problems():
        print(SettingsError(settings.problems()), file=sys.stderr)
        raise SystemExit(2)
    return settings


@_cmd("worker")
def worker(args: argparse.Namespace) -> int:
    """Run the outbox sender and the clock until SIGTERM/SIGINT."""
    from bot.services import build

    svc = build(_valid_settings())
    stop = threading.Event()
    worker = svc.make_worker()

    def stop_now(*_: object) -> None:
        stop.set()
        svc.pipeline.wakeup.interrupt()   # out of its sleep now, not after the poll interval

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop_now)
    # What was built so far lives as long as the process: out of the collector's full passes,
    # each of which stalled the loop (and every message in it) for ~60 ms (issue 14).
    gc.collect()
    gc.freeze()
    worker.run(stop)
    svc.close()
    return 0


@_cmd("demo")
def demo(args: argparse.Namespace) -> int:
    """Everything in one process on the embedded defaults, with the simulator."""
    from devkit.demo import run_demo

    return run_demo(host=args.host, port=args.port, seed=not args.no_seed)


@_cmd("simulate")
def simulate(args: argparse.Namespace) -> int:
    """Send one message as a member through the real callback path; print the replies."""
    from pathlib import Path

    from devkit.simulate import Request
    from devkit.simulate import simulate as run

    instance = Path(args.instance).resolve() if args.instance else None
    return run(Request(args.user, " ".join(args.text), click=args.click), instance=instance)


@_cmd("db")
def db(args: argparse.Namespace) -> int:
    """Database maintenance: `db upgrade`."""
    from store.db import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    print("database is at the latest migration")
    return 0


@_cmd("check-config")
def check_config(args: argparse.Namespace) -> int:
    """Check settings, database and gettoken; print one verdict."""
    return admin.check_config(print)


@_cmd("calendar")
def calendar_cmd(args: argparse.Namespace) -> int:
    """`calendar setup`: create the interview calendar once and switch calendar events on."""
    from bot.admin import calendar_setup
    from bot.services import build, utcnow

    settings = _valid_settings()
    organizer = args.organizer or (settings.admins[0] if settings.admins else None)
    if not organizer:
        print("FAIL give --organizer USERID (or set BOT_ADMINS): WeCom needs an organizer")
        return 1
    services = build(settings)
    try:
        return calendar_setup(services.sessions, services.client, agent_id=settings.agent_id,
                              organizer=organizer, name=args.name, now=utcnow(), out=print)
    finally:
        services.close()


@_cmd("gen-aeskey")
def gen_aeskey(args: argparse.Namespace) -> int:
    """Print a new random EncodingAESKey (and a Token) for the WeCom console."""
    alphabet = string.ascii_letters + string.digits
    print("WECOM_ENCODING_AES_KEY=" + "".join(secrets.choice(alphabet) for _ in range(43)))
    print("WECOM_TOKEN=" + "".join(secrets.choice(alphabet) for _ in range(32)))
    return 0


@_cmd("verify-url")
def verify_url(args: argparse.Namespace) -> int:
    """Do what WeCom's console does when the callback URL is saved, and say pass or fail."""
    return admin.verify_url(args.url, _settings(), print)


@_cmd("parse-time")
def parse_time(args: argparse.Namespace) -> int:
    """Show how the bot understands a time phrase: ISO 8601 with offset, or why not."""
    from zoneinfo import ZoneInfo

    from commands.timeparse import parse_time as parse
    from commands.timeparse import reason

    zone = ZoneInfo(args.tz or _settings_or_default().timezone)
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(zone)
    if now.tzinfo is None:      # a bare --now is read in the zone given
        now = now.replace(tzinfo=zone)
    result = parse(" ".join(args.text), now, zone)
    if result.status == "ok" and result.start is not None:
        print(result.start.isoformat() if result.end is None
              else f"{result.start.isoformat()} – {result.end.isoformat()}")
        for _, zh, en in result.readings:   # how each non-literal part was read, as echoed
            print(f"  {zh}\n  {en}")
        return 0
    guess = f" (best guess {result.start.isoformat()})" if result.start else ""
    zh, en = reason(result)   # the very words the chat replies with
    print(f"{result.status}: {en or 'no time found'}{guess}")
    if zh:
        print(f"{result.status}: {zh}")
    return 1


def _settings_or_default() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError:
        return Settings()


@_cmd("outbox")
def outbox_cmd(args: argparse.Namespace) -> int:
    """See and retry outbox rows."""
    return admin.outbox(args, _settings(), print)


@_cmd("users")
def users_cmd(args: argparse.Namespace) -> int:
    """List the members the bot knows."""
    url, admins = _database_settings()
    return admin.users(args, url, admins, print)


@_cmd("role")
def role_cmd(args: argparse.Namespace) -> int:
    """Give a member a role."""
    url, admins = _database_settings()
    return admin.users(args, url, admins, print)


def _database_settings() -> tuple[str, tuple[str, ...]]:
    """DATABASE_URL and BOT_ADMINS only: member tools work before WeCom is configured."""
    s = Settings.from_env(strict=False)
    return s.database_url, s.admins


def parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    p = argparse.ArgumentParser(prog="interview-bot", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the web app (gunicorn)")
    s.add_argument("--host", default="0.0.0.0")
    s.add_argument("--port", type=int, default=8000)
    sub.add_parser("worker", help="run the outbox sender and the clock")
    d = sub.add_parser("demo", help="everything in one process, with the simulator")
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=int, default=8080)
    d.add_argument("--seed", action="store_true", default=True, help="load a sample company")
    d.add_argument("--no-seed", action="store_true", help="start with an empty company")
    sim = sub.add_parser("simulate", help="send one message as a member, print the replies")
    sim.add_argument("--user", required=True, help="the member's userid, e.g. lisi")
    sim.add_argument("--click", action="store_true",
                     help="press the app menu entry whose EventKey is TEXT")
    sim.add_argument("--instance", help="the demo's instance directory (default ./instance)")
    sim.add_argument("text", nargs="+")
    dbp = sub.add_parser("db", help="database migrations")
    dbp.add_argument("action", choices=["upgrade"])
    sub.add_parser("check-config", help="check settings, database and gettoken")
    sub.add_parser("gen-aeskey", help="print a new EncodingAESKey and Token")
    cal = sub.add_parser("calendar", help="calendar setup: create the interview calendar once")
    cal.add_argument("action", choices=["setup"])
    cal.add_argument("--organizer", help="the calendar's organizer userid (default: first admin)")
    cal.add_argument("--name", default="面试 Interviews", help="the calendar's title")
    v = sub.add_parser("verify-url", help="check a callback URL the way WeCom does")
    v.add_argument("url")
    t = sub.add_parser("parse-time", help="show how a time phrase is understood")
    t.add_argument("text", nargs="+")
    t.add_argument("--now", help="ISO time to resolve against (default: now)")
    t.add_argument("--tz", help="time zone (default: BOT_TIMEZONE)")
    o = sub.add_parser("outbox", help="list, retry or purge outbox rows")
    o.add_argument("action", choices=["list", "retry", "purge"])
    o.add_argument("id", nargs="?", type=int)
    o.add_argument("--status", default=None, choices=OUTBOX_STATUSES,
                   help="list only this status")
    o.add_argument("--all", action="store_true", help="retry every dead row")
    o.add_argument("--days", type=int, default=30,
                   help="purge sent rows and acted-on inbound messages older than this")
    u = sub.add_parser("users", help="list the members the bot knows")
    u.add_argument("action", choices=["list"])
    r = sub.add_parser("role", help="give a member a role: role set USERID ROLE")
    r.add_argument("action", choices=["set"])
    r.add_argument("userid")
    r.add_argument("role", choices=["interviewer", "hr", "admin"])
    r.add_argument("--name", help="the member's display name")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    setup_logging()
    args = parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
