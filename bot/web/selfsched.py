"""`/book/<token>`: the candidate's self-scheduling page (no login; the signed link is the key).

GET shows the free slots, POST books one (one transaction: the invitation row locked, the
booking through commands.selfsched, the notices into the outbox), then redirects to the
confirmation with its .ics file. Forged or altered links get a plain 404, expired or used
ones a 410, a flood a 429; nothing a visitor sends makes a 500.
"""
from __future__ import annotations

import hmac
import logging
from collections import OrderedDict
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from bot.pipeline.outbox import deliver
from bot.web.ratelimit import Limiter
from bot.web.respond import services
from bot.web.selfsched_page import WORDS, render
from commands import ics, selfsched
from commands import invite_token as tokens
from commands.render import when
from commands.router import CommandError
from store.invitations import Invitation
from store.models import User

log = logging.getLogger(__name__)

bp = Blueprint("selfsched", __name__)
PER_TOKEN = (20, 600.0)   # requests per link per 10 minutes: a person needs a handful
PER_IP = (60, 600.0)      # requests per address per 10 minutes, links or garbage alike
_WEEKDAY = {"zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
            "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


class Refused(Exception):
    """A request answered with a plain page: 404, 410, 429, 400 or 403."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def limiters() -> tuple[Limiter, Limiter]:
    """This app's (per link, per address) limiters, made on first use."""
    ext = current_app.extensions
    if "selfsched_limits" not in ext:
        ext["selfsched_limits"] = (Limiter(*PER_TOKEN), Limiter(*PER_IP))
    return ext["selfsched_limits"]  # type: ignore[no-any-return]


def lang() -> str:
    """?lang= (or the form's), else the browser's Accept-Language; Chinese by default."""
    asked = request.values.get("lang", "")
    if asked in WORDS:
        return asked
    best = request.accept_languages.best_match(("zh", "zh-CN", "zh-TW", "en", "en-US"))
    return "en" if best and best.startswith("en") else "zh"


def _page(status: int, title_key: str, message: str) -> Response:
    w = WORDS[lang()]
    return Response(render(state="message", w=w, lang=lang(), title=w[title_key],
                           message=message, lang_link=None), status=status,
                    mimetype="text/html")


@bp.errorhandler(Refused)
def _refused(exc: Refused) -> Response:
    key = {404: "404_title", 410: "410_title", 429: "429_title"}.get(exc.status, "400_title")
    return _page(exc.status, key, exc.message)


def client_address() -> str:
    """The visitor's address: behind our own nginx (config/nginx-site.conf, on this host) the
    hop it appended to X-Forwarded-For, the only one not written by the client."""
    addr = request.remote_addr or ""
    if addr in ("127.0.0.1", "::1"):
        last = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if last:
            return last[:64]
    return addr


@bp.before_request
def _per_address() -> None:
    if not limiters()[1].allow(f"ip:{client_address()}"):
        raise Refused(429, WORDS[lang()]["429"])


@bp.after_request
def _headers(resp: Response) -> Response:
    # The token is in the URL: never send it on as a Referer, never cache or frame the page.
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    return resp


def _key() -> bytes:
    return tokens.derive_key(services().settings.secret)


def _read(token: str) -> tuple[int, str]:
    """The invitation id and nonce of a genuine token, counted against its limit."""
    found = tokens.read(_key(), token)
    if found is None:
        raise Refused(404, WORDS[lang()]["404"])
    if not limiters()[0].allow(f"inv:{found[0]}"):
        raise Refused(429, WORDS[lang()]["429"])
    return found


def _invitation(s: Session, iid: int, nonce: str, *, lock: bool = False,
                want: str = "open") -> Invitation:
    inv = s.get(Invitation, iid, with_for_update=lock or None)
    w = WORDS[lang()]
    if inv is None or not hmac.compare_digest(inv.nonce, nonce):
        raise Refused(404, w["404"])
    if inv.status == "used" and want == "open":
        raise Refused(410, w["used"])
    if inv.status == "revoked" or (want == "open" and inv.expires_at <= services().clock()):
        raise Refused(410, w["expired"])
    if want == "used" and inv.status != "used":
        raise Refused(404, w["404"])
    return inv


def _days(inv: Invitation, slots: list[tuple[datetime, datetime]],
          lg: str) -> list[tuple[str, list[tuple[str, str]]]]:
    tz = services().settings.tz
    key = _key()
    days: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
    for start, end in slots:
        a, b = start.astimezone(tz), end.astimezone(tz)
        label = f"{a:%m-%d} {_WEEKDAY[lg][a.weekday()]}" if lg == "zh" else \
            f"{_WEEKDAY[lg][a.weekday()]} {a:%b} {a.day}"
        sid = tokens.slot_id(key, inv.id, inv.nonce, int(start.timestamp()) // 60)
        days.setdefault(label, []).append((sid, f"{a:%H:%M}–{b:%H:%M}"))
    return list(days.items())


def _pick_page(token: str, inv: Invitation, s: Session, note: str = "",
               status: int = 200) -> Response:
    svc, lg = services(), lang()
    w = WORDS[lg]
    offered = selfsched.slots(s, inv, svc.clock(), svc.settings.tz)
    other = "en" if lg == "zh" else "zh"
    html = render(state="pick", w=w, lang=lg, title=w["title"], note=note,
                  wording=selfsched.wording(s, lg), reschedule=inv.kind == "reschedule",
                  length=w["length"].format(n=inv.minutes),
                  zone=w["zone"].format(tz=svc.settings.timezone), days=_days(inv, offered, lg),
                  csrf=tokens.csrf(_key(), inv.id, inv.nonce),
                  action=url_for("selfsched.page", token=token),
                  lang_link=url_for("selfsched.page", token=token, lang=other))
    return Response(html, status=status, mimetype="text/html")


@bp.get(f"{selfsched.LINK_PATH}<token>")
def page(token: str) -> ResponseReturnValue:
    """The free slots of an open invitation."""
    iid, nonce = _read(token)
    with services().sessions() as s:
        return _pick_page(token, _invitation(s, iid, nonce), s)


@bp.post(f"{selfsched.LINK_PATH}<token>")
def take(token: str) -> ResponseReturnValue:
    """Book the chosen slot, or show the page again saying why not."""
    iid, nonce = _read(token)
    w, svc = WORDS[lang()], services()
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        raise Refused(403, w["400"])   # a form posted from another site
    key, now = _key(), svc.clock()
    with svc.sessions.begin() as s:
        inv = _invitation(s, iid, nonce, lock=True)
        if not tokens.csrf_ok(key, iid, nonce, request.form.get("csrf", "")):
            raise Refused(400, w["400"])
        minute = tokens.read_slot(key, iid, nonce, request.form.get("slot", ""))
        if minute is None:   # missing, altered, or a slot of another invitation
            return _pick_page(token, inv, s, w["pick"], 400)
        start = datetime.fromtimestamp(minute * 60, UTC)
        try:
            booked = selfsched.book(s, svc.settings, inv, start, now)
        except selfsched.SlotGone:
            return _pick_page(token, inv, s, w["gone"], 409)
        except CommandError as exc:   # e.g. the round was booked by HR meanwhile
            log.info("self-scheduling %s refused: %s", iid, exc.en)
            return _pick_page(token, inv, s, w["gone"], 409)
        hr = s.get(User, inv.created_by)
        deliver(s, booked.replies, sender=hr.wecom_userid if hr else None,
                source_key=f"selfsched:{inv.id}", now=now)
    svc.pipeline.wakeup.notify()
    return redirect(url_for("selfsched.done", token=token, lang=lang()), 303)


@bp.get(f"{selfsched.LINK_PATH}<token>/done")
def done(token: str) -> ResponseReturnValue:
    """The confirmation: the booked time and the .ics link."""
    iid, nonce = _read(token)
    svc, lg = services(), lang()
    w = WORDS[lg]
    with svc.sessions() as s:
        inv = _invitation(s, iid, nonce, want="used")
        assert inv.booked_start is not None and inv.booked_end is not None
        html = render(state="done", w=w, lang=lg, title=w["done_title"], reschedule=inv.kind == "reschedule",
                      when=when(inv.booked_start, inv.booked_end, svc.settings.tz, lg),
                      ics=url_for("selfsched.calendar_file", token=token), lang_link=None)
    return Response(html, mimetype="text/html")


@bp.get(f"{selfsched.LINK_PATH}<token>/interview.ics")
def calendar_file(token: str) -> ResponseReturnValue:
    """The booked interview as an .ics file for the candidate's own calendar."""
    iid, nonce = _read(token)
    svc = services()
    with svc.sessions() as s:
        inv = _invitation(s, iid, nonce, want="used")
        assert inv.booked_start is not None and inv.booked_end is not None
        body = ics.event(uid=f"{inv.nonce}@interview-bot", start=inv.booked_start,
                         end=inv.booked_end, now=inv.used_at or svc.clock(),
                         summary="面试 Interview")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'attachment; filename="interview.ics"'})

