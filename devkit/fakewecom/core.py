"""FakeWeCom: the in-memory WeCom server API behind every adapter."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import httpx

from . import appchat, control, messages
from . import oa as office
from .adapters import FakeWeComServer, make_transport, make_wsgi_app
from .errors import ApiError, InjectedHTTPStatus, InjectedTimeout, error_payload
from .ratelimits import CorpLimits
from .records import ApiRequest, Delivered, Fault, FaultQueue, GroupMessage, RecordedRequest
from .state import Config, State

API_PREFIX = "/cgi-bin/"
NOT_FOUND = {"errcode": 404, "errmsg": "not found"}


class Route(NamedTuple):
    """How one /cgi-bin/ api is served."""

    method: str
    handler: Callable[[State, ApiRequest], dict[str, Any]]
    needs_token: bool = True


ROUTES: dict[str, Route] = {
    "gettoken": Route("GET", messages.gettoken, needs_token=False),
    "user/get": Route("GET", messages.user_get),
    "message/send": Route("POST", messages.send),
    "message/recall": Route("POST", messages.recall),
    "message/update_template_card": Route("POST", messages.update_template_card),
    "appchat/create": Route("POST", appchat.create),
    "appchat/update": Route("POST", appchat.update),
    "appchat/get": Route("GET", appchat.get),
    "appchat/send": Route("POST", appchat.send),
    **{api: Route("POST", handler) for api, handler in office.ROUTES.items()},
}


def api_name(path: str) -> str:
    """Normalise "message/send", "/cgi-bin/message/send" or a full path to "message/send"."""
    name = path.strip("/")
    return name.removeprefix("cgi-bin/")


class FakeWeCom:
    """Thread-safe in-memory fake of WeCom's active server API (protocol doc §6)."""

    def __init__(
        self,
        corp_id: str = "wwfakecorp0000001",
        secret: str = "fake-secret",
        agent_id: int = 1000002,
        token_ttl: float = 7200,
        users: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        *,
        timeout_seconds: float = 3.0,
        limits: CorpLimits | None = None,
    ) -> None:
        self.config = Config(corp_id, secret, agent_id, token_ttl, clock)
        self.timeout_seconds = timeout_seconds
        self._state = State(self.config, users)
        self._state.corp_limits = limits   # None: no corp-wide limits (most tests)
        self._faults = FaultQueue()
        # One re-entrant lock: control requests call public methods while holding it.
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._wsgi = make_wsgi_app(self)

    # --- the API -------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """Serve one request; raises InjectedTimeout/InjectedHTTPStatus for transport faults."""
        with self._changed:
            try:
                return self._dispatch(method.upper(), path, dict(query), body)
            finally:
                self._changed.notify_all()

    def _dispatch(
        self, method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        if path.startswith(control.PREFIX):
            return control.handle(self, method, path.removeprefix(control.PREFIX), body)
        self._record(method, path, query, body)
        route = ROUTES.get(api_name(path)) if path.startswith(API_PREFIX) else None
        if route is None:
            return 404, dict(NOT_FOUND)
        fault = self._faults.take(api_name(path))
        if fault is not None:
            return self._inject(fault)
        request = ApiRequest(method, api_name(path), query, body)
        limits = self._state.corp_limits
        if limits is not None and not limits.allow(api_name(path), self._state.now()):
            return 200, error_payload(45009)
        try:
            if method != route.method:
                raise ApiError(43001 if route.method == "GET" else 43002)
            if route.needs_token:
                self._state.check_token(query.get("access_token"))
            answer = route.handler(self._state, request)
            if fault is None and self._faults.take_lost(api_name(path)):
                raise InjectedTimeout()   # done, but the answer never reaches the caller
            return 200, answer
        except ApiError as exc:
            return 200, exc.payload()

    def _record(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        state = self._state
        state.requests.append(RecordedRequest(method, path, query, body, state.now()))
        # Failed and faulted calls count too: the point is to catch gettoken stampedes.
        if api_name(path) == "gettoken":
            state.gettoken_calls += 1

    @staticmethod
    def _inject(fault: Fault) -> tuple[int, dict[str, Any]]:
        if fault.timeout:
            raise InjectedTimeout()
        if fault.status is not None:
            raise InjectedHTTPStatus(fault.status)
        return 200, error_payload(fault.errcode if fault.errcode is not None else -1)

    # --- test controls ------------------------------------------------------

    def fail_next(
        self,
        path: str,
        times: int = 1,
        *,
        errcode: int | None = None,
        status: int | None = None,
        timeout: bool = False,
        lose_answer: bool = False,
    ) -> None:
        """Make the next `times` requests to an api fail (errcode -1 if no kind is given).

        lose_answer: the request takes effect, then times out (the caller never sees it).
        """
        if lose_answer:
            with self._lock:
                self._faults.add_lost(api_name(path), times)
            return
        if sum((errcode is not None, status is not None, bool(timeout))) > 1:
            raise ValueError("give only one of errcode, status or timeout")
        if times < 1:
            raise ValueError("times must be at least 1")
        if status is not None and not 100 <= status <= 599:
            raise ValueError(f"bad HTTP status {status}")
        if api_name(path) not in ROUTES:
            raise ValueError(f"unknown api {path!r}")
        with self._lock:
            self._faults.add(api_name(path), Fault(times, errcode, status, bool(timeout)))

    def expire_tokens(self) -> None:
        """Expire every issued token so the client must call gettoken again (42001)."""
        with self._lock:
            self._state.expire_tokens()

    def reset(self) -> None:
        """Forget traffic, chats, faults, limits and counters; tokens and users stay."""
        with self._changed:
            self._state.clear_traffic()
            self._faults.clear()
            self._changed.notify_all()

    def add_users(self, users: Mapping[str, str]) -> None:
        """Add members (userid -> name) to the directory."""
        with self._lock:
            self._state.directory.add(users)

    # --- the office side (calendars, meetings, rooms) -----------------------

    def add_room(self, room_id: int, name: str, capacity: int = 8) -> None:
        """Add a meeting room."""
        with self._lock:
            office.oa(self._state).rooms[room_id] = {
                "meetingroom_id": room_id, "name": name, "capacity": capacity,
                "city": "", "building": "", "floor": "", "equipment": []}

    def deny(self, *api_prefixes: str) -> None:
        """Refuse these APIs with 48002 (the app is not enabled for them)."""
        with self._lock:
            office.oa(self._state).denied.update(api_prefixes)

    def allow(self, *api_prefixes: str) -> None:
        """Undo deny()."""
        with self._lock:
            office.oa(self._state).denied.difference_update(api_prefixes)

    def hide_users(self, *userids: str) -> None:
        """Put members outside the app's visible range."""
        with self._lock:
            office.oa(self._state).invisible.update(u.lower() for u in userids)

    def respond(self, schedule_id: str, userid: str, status: int) -> None:
        """A member answers an event in their calendar (2 accept, 1 tentative, 4 decline);
        queues the respond_schedule callback WeCom sends (without the status)."""
        with self._changed:
            office_state = office.oa(self._state)
            event = office_state.schedules[schedule_id]
            for a in event["attendees"]:
                if a["userid"].lower() == userid.lower():
                    a["response_status"] = status
            office_state.callbacks.append((userid, {
                "Event": "respond_schedule", "CalId": event["cal_id"],
                "ScheduleId": schedule_id}))
            self._changed.notify_all()

    def edit_schedule(self, schedule_id: str, by: str, **fields: Any) -> None:
        """Someone changes (or with deleted=True deletes) an event outside the bot."""
        with self._changed:
            office_state = office.oa(self._state)
            event = office_state.schedules[schedule_id]
            deleted = fields.pop("deleted", False)
            event.update(fields)
            if deleted:
                event["status"] = 1
            office_state.callbacks.append((by, {
                "Event": "delete_schedule" if deleted else "modify_schedule",
                "CalId": event["cal_id"], "ScheduleId": schedule_id}))
            self._changed.notify_all()

    def take_callbacks(self) -> list[tuple[str, dict[str, str]]]:
        """The callbacks the fake wants delivered (from userid, event fields), once each."""
        with self._lock:
            office_state = office.oa(self._state)
            out, office_state.callbacks = office_state.callbacks, []
            return out

    def deliver_callbacks(self, url: str, crypto: Any, agent_id: int | str) -> int:
        """POST the queued callbacks to the app's callback URL, sealed as WeCom seals them
        (crypto: a crypto.WeComCrypto of the app). Returns how many were accepted."""
        from bot.wecom.messages import callback_xml

        accepted = 0
        for user, fields in self.take_callbacks():
            xml = callback_xml(self.config.corp_id, agent_id, user, "event", fields,
                               int(self.config.clock()))
            nonce = self._state.next_id("nonce").replace("-", "")
            body, query = crypto.seal_callback(xml, nonce=nonce, agent_id=str(agent_id))
            accepted += httpx.post(url, params=query, content=body, timeout=10).status_code == 200
        return accepted

    @property
    def schedules(self) -> dict[str, dict[str, Any]]:
        """Every event made through oa/schedule/add (deleted ones have status 1)."""
        with self._lock:
            return {k: office._public(v) for k, v in office.oa(self._state).schedules.items()}

    @property
    def meetings(self) -> dict[str, dict[str, Any]]:
        """Every meeting made through meeting/create (cancelled ones have status 5)."""
        with self._lock:
            return {k: dict(v) for k, v in office.oa(self._state).meetings.items()}

    @property
    def bookings(self) -> dict[str, dict[str, Any]]:
        """Every room booking (cancelled ones have status 1)."""
        with self._lock:
            return {k: dict(v) for k, v in office.oa(self._state).bookings.items()}

    @property
    def short_urls(self) -> list[dict[str, Any]]:
        """Join links made by meeting/create_customer_short_url."""
        with self._lock:
            return list(office.oa(self._state).short_urls)

    def calendar_of(self, userid: str, start: int, end: int) -> list[dict[str, Any]]:
        """A member's events and meetings that overlap [start, end), for the simulator."""
        with self._lock:
            office_state = office.oa(self._state)
            out = []
            for e in office_state.schedules.values():
                if e["status"] == 0 and e["start_time"] < end and e["end_time"] > start and \
                        any(a["userid"].lower() == userid.lower() for a in e["attendees"]):
                    mine = next(a for a in e["attendees"] if a["userid"].lower() == userid.lower())
                    out.append({"kind": "event", "summary": e["summary"],
                                "schedule_id": e["schedule_id"],
                                "start": e["start_time"], "end": e["end_time"],
                                "description": e["description"],
                                "response_status": mine["response_status"]})
            for m in office_state.meetings.values():
                if m["status"] != 5 and m["meeting_start"] < end and \
                        m["meeting_start"] + m["meeting_duration"] > start and \
                        userid.lower() in {u.lower() for u in [m["admin_userid"], *m["invitees"]]}:
                    out.append({"kind": "meeting", "summary": m["title"],
                                "start": m["meeting_start"],
                                "end": m["meeting_start"] + m["meeting_duration"],
                                "link": m["meeting_link"]})
            return sorted(out, key=lambda x: x["start"])

    # --- inspection ----------------------------------------------------------

    @property
    def delivered(self) -> list[Delivered]:
        """App messages delivered, one entry per member (a snapshot)."""
        with self._lock:
            return list(self._state.delivered)

    @property
    def dropped(self) -> list[Delivered]:
        """Messages accepted but silently dropped by the per-member limit."""
        with self._lock:
            return list(self._state.dropped)

    @property
    def group_messages(self) -> list[GroupMessage]:
        """Messages posted with appchat/send."""
        with self._lock:
            return list(self._state.group_messages)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every /cgi-bin/ request received, control requests excluded."""
        with self._lock:
            return list(self._state.requests)

    @property
    def recalls(self) -> list[str]:
        """msgids recalled with message/recall."""
        with self._lock:
            return list(self._state.recalls)

    @property
    def card_updates(self) -> list[dict[str, Any]]:
        """Bodies accepted by message/update_template_card."""
        with self._lock:
            return list(self._state.card_updates)

    @property
    def chats(self) -> dict[str, dict[str, Any]]:
        """chatid -> chat_info of every appchat group."""
        with self._lock:
            return {chatid: chat.info() for chatid, chat in self._state.chats.items()}

    @property
    def users(self) -> dict[str, str]:
        """userid -> name of the known members."""
        with self._lock:
            return self._state.directory.snapshot()

    @property
    def gettoken_calls(self) -> int:
        """Number of gettoken requests, failed ones included."""
        with self._lock:
            return self._state.gettoken_calls

    @property
    def suppressed_duplicates(self) -> int:
        """Sends answered ok but not delivered because of enable_duplicate_check."""
        with self._lock:
            return self._state.suppressed_duplicates

    def messages_to(self, userid: str) -> list[str]:
        """Contents delivered to one member, in order (userids are case-insensitive)."""
        with self._lock:
            return [m.content for m in self._state.delivered if m.touser.lower() == userid.lower()]

    def messages_in(self, chatid: str) -> list[str]:
        """Contents posted to one appchat group, in order."""
        with self._lock:
            return [m.content for m in self._state.group_messages if m.chatid == chatid]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until predicate() is true after some request (real time); False on timeout."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def snapshot(self) -> dict[str, Any]:
        """Return the JSON-ready state served by GET /_fake/state."""
        with self._lock:
            state = self._state
            return {
                "gettoken_calls": state.gettoken_calls,
                "delivered": [dataclasses.asdict(m) for m in state.delivered],
                "group_messages": [dataclasses.asdict(m) for m in state.group_messages],
                "dropped_count": len(state.dropped),
                "suppressed_duplicates": state.suppressed_duplicates,
                "recalls": list(state.recalls),
                "card_updates": list(state.card_updates),
                "chats": self.chats,
                "request_count": len(state.requests),
                "limits": state.corp_limits.snapshot() if state.corp_limits else None,
            }

    # --- adapters ------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """Return an httpx transport (sync or async clients) served by this fake."""
        return make_transport(self)

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """WSGI entry point serving this fake."""
        return self._wsgi(environ, start_response)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> FakeWeComServer:
        """Start a threaded local HTTP server in a daemon thread."""
        return FakeWeComServer(self, host, port)
