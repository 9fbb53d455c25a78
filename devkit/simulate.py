"""`interview-bot simulate --user lisi "我的面试"`: one message through the real callback path,
the bot's replies printed (for scripts).

It uses the demo's database and dev credentials (instance/). When a demo is running it sends
through that demo's simulator, so the demo's worker delivers as usual; otherwise it builds the
app in-process, posts through the Flask test client and drains the worker synchronously.
"""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bot.pipeline.sender import plain_text
from bot.services import build
from devkit import demo_seed
from devkit.demo import (
    CLOCK_FILE,
    FAKE_PREFIX,
    RUNNING_FILE,
    database_url,
    demo_settings,
    demo_worker,
    instance_dir,
)
from devkit.fakewecom import FakeWeCom
from devkit.simulator.clock import OffsetClock
from devkit.simulator.devcreds import load_or_create
from devkit.simulator.fakelink import RemoteFake
from devkit.simulator.wecom_side import CallbackRefused, WeComSide, client_poster
from store.db import Sessions, make_engine, make_sessionmaker, upgrade
from store.models import OutboxMessage

Out = Callable[[str], object]
UNFINISHED = ("pending", "sending")


@dataclass(frozen=True)
class Request:
    """What to send: a text message, or a menu press with `text` as its EventKey."""

    user: str
    text: str
    click: bool = False


def running_demo(instance: Path) -> str | None:
    """The base URL of a demo running on this instance directory, if one answers."""
    path = instance / RUNNING_FILE
    try:
        info = json.loads(path.read_text())
        os.kill(int(info["pid"]), 0)
        httpx.get(info["url"] + "/healthz", timeout=2)
        return str(info["url"])
    except (OSError, ValueError, KeyError, httpx.HTTPError):
        return None


def simulate(req: Request, *, instance: Path | None = None, out: Out = print,
             wait: float = 15.0) -> int:
    """Send one message as `req.user`, print what the bot sent; 0 when it was taken in."""
    instance = instance or instance_dir()
    logging.getLogger("alembic").setLevel(logging.WARNING)   # stdout/stderr stay for replies
    db_url = database_url(instance)
    upgrade(db_url)
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    try:
        if not _has_members(sessions):
            demo_seed.seed_users(sessions, OffsetClock.load(instance / CLOCK_FILE)())
        base = running_demo(instance)
        try:
            if base is not None:
                key, delivered = _via_demo(base, req, sessions, wait)
            else:
                key, delivered = _in_process(instance, db_url, req)
        except CallbackRefused as exc:
            out(f"the bot refused the message: {exc}")
            return 1
        _print_replies(sessions, key, req.user, delivered, out)
        return 0
    finally:
        engine.dispose()


def _has_members(sessions: Sessions) -> bool:
    from store.models import User

    with sessions() as s:
        return s.scalar(select(User.id).limit(1)) is not None


def _send(side: WeComSide, req: Request) -> str:
    return side.click(req.user, req.text) if req.click else side.text(req.user, req.text)


def _in_process(instance: Path, db_url: str, req: Request) -> tuple[str, list[dict[str, Any]]]:
    creds = load_or_create(instance)
    clock = OffsetClock.load(instance / CLOCK_FILE)   # the demo's time, moved or not
    fake = FakeWeCom(corp_id=creds.corp_id, secret=creds.secret, agent_id=creds.agent_id,
                     clock=lambda: clock().timestamp())
    # Never dialled: the fake's transport answers in-process (at the root, not FAKE_PREFIX).
    settings = demo_settings(creds, "http://127.0.0.1", db_url)
    svc = build(settings, transport=fake.transport(), clock=clock)
    try:
        from bot.web.app import create_app

        client = create_app(services=svc).test_client()
        key = _send(WeComSide(settings, clock, client_poster(client)), req)
        demo_worker(svc).drain()
        return key, fake.snapshot()["delivered"]
    finally:
        svc.close()


def _via_demo(base: str, req: Request, sessions: Sessions,
              wait: float) -> tuple[str, list[dict[str, Any]]]:
    body = {"user": req.user, "kind": "click", "key": req.text} if req.click \
        else {"user": req.user, "kind": "text", "text": req.text}
    resp = httpx.post(base + "/simulator/api/send", json=body, timeout=15)
    if resp.status_code != 200:
        raise CallbackRefused(resp.status_code)
    key = resp.json()["key"]
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _unfinished(sessions, key):
        time.sleep(0.1)   # the demo's worker is sending; wait for it, bounded
    return key, RemoteFake(base + FAKE_PREFIX).state()["delivered"]


def _unfinished(sessions: Sessions, key: str) -> bool:
    with sessions() as s:
        return s.scalar(select(OutboxMessage.id).where(
            OutboxMessage.source_key == key, OutboxMessage.status.in_(UNFINISHED))
            .limit(1)) is not None


def _print_replies(sessions: Sessions, key: str, user: str,
                   delivered: list[dict[str, Any]], out: Out) -> None:
    with sessions() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.source_key == key)
                         .order_by(OutboxMessage.id)).all()
    by_msgid = {d["msgid"]: d for d in delivered}
    if not rows:
        out("(no reply)")
    first = True
    for row in rows:
        if not first:
            out("")
        first = False
        d = by_msgid.get(row.wecom_msgid or "")
        head = "" if row.touser.lower() == user.lower() else f"→ {row.touser}: "
        if d is None:
            why = f"{row.status}, {row.last_error}" if row.last_error else row.status
            out(f"{head}(not delivered: {why})")
            continue
        out(head + render(d["msgtype"], d["content"]))


def render(msgtype: str, content: str) -> str:
    """A delivered message as plain terminal text."""
    if msgtype == "markdown":
        return plain_text(content)
    if msgtype != "template_card":
        return content
    card = json.loads(content)
    lines = [x for x in ((card.get("main_title") or {}).get("title"),
                         (card.get("main_title") or {}).get("desc"),
                         card.get("sub_title_text")) if x]
    for kv in card.get("horizontal_content_list") or []:
        lines.append(f"{kv.get('keyname', '')}: {kv.get('value', '')}")
    buttons = [f"[{b.get('text', '')}] (key: {b.get('key', '')})"
               for b in card.get("button_list") or []]
    if buttons:
        lines.append(" ".join(buttons))
    return "\n".join(lines) or "[card]"
