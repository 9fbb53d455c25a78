"""`GET /healthz`: database reachable, migrations current, last worker heartbeat, inbox backlog."""
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
        out["inbox"] = backlog(svc.sessions, svc.clock())
    except DATABASE_DOWN:
        return jsonify(status="unavailable", database="unreachable"), 503
    if beat is None:
        out["worker"] = {"ok": False, "last_heartbeat": None}
    else:
        age = (svc.clock() - beat).total_seconds()
        out["worker"] = {"ok": age <= WORKER_STALE_AFTER, "last_heartbeat": beat.isoformat(),
                         "age_seconds": round(age, 1)}
    ok = out["migrations"] == "current"
    return jsonify(status="ok" if ok else "unavailable", **out), 200 if ok else 503
