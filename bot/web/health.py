"""`GET /healthz`: database reachable, migrations current, last worker heartbeat, inbox backlog.

503 when the database is unreachable, the migrations are behind, or the oldest message in the
inbox has waited longer than BOT_INBOX_MAX_AGE.
"""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select, text

from bot.pipeline.dispatch import DATABASE_DOWN
from bot.pipeline.inbox import backlog
from bot.pipeline.worker import WORKER_STALE_AFTER
from bot.web.respond import services
from store.db import migration_status
from store.models import WorkerHeartbeat

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when this web process can serve callbacks; 503 otherwise. Worker state is shown."""
    svc = services()
    out: dict[str, object] = {}
    try:
        with svc.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, head = migration_status(svc.engine)
        out["database"] = "ok"
        out["migrations"] = "current" if current == head else f"at {current}, code wants {head}"
        with svc.sessions() as s:
            beat = s.scalar(select(func.max(WorkerHeartbeat.beat_at)))
        # Messages taken in and not yet acted on: grows when the workers are down or behind.
        inbox = backlog(svc.sessions, svc.clock(), svc.settings.inbox_max_age_seconds)
        out["inbox"] = inbox
    except DATABASE_DOWN:
        return jsonify(status="unavailable", database="unreachable"), 503
    if beat is None:
        out["worker"] = {"ok": False, "last_heartbeat": None}
    else:
        age = (svc.clock() - beat).total_seconds()
        # A beat far in the future is a wrong clock (or a test's), not a live worker.
        out["worker"] = {"ok": -WORKER_STALE_AFTER <= age <= WORKER_STALE_AFTER,
                         "last_heartbeat": beat.isoformat(),
                         "age_seconds": round(age, 1)}
    # Workers being down is shown, not failed on; a member waiting too long is a failure.
    ok = out["migrations"] == "current" and bool(inbox["ok"])
    return jsonify(status="ok" if ok else "unavailable", **out), 200 if ok else 503
