"""The 09:00 rush: a large company's agendas and HR digests, all due at once, within WeCom's limits.

Standalone: `python bench/rush.py --workers 2` (or 4). In a scratch database bench_<random>,
dropped at the end, it seeds a company (20,000 members, 3,000 interviewers with one interview
each that day, a few HR members), runs the real clock tick (bot.pipeline.clock.ReminderClock) at
09:00 of that day with an injected clock, exactly as a worker's tick would at 09:00, and then lets
real `interview-bot worker` processes send everything to the fake WeCom API over HTTP
(devkit/fakewecom/standalone.py), with WeCom's corp-wide limits enforced by both the fake (45009) and the
bot's budget (store.budget). It reports when the last agenda was delivered (seconds after the
moment the work fell due, in real time, and in the scaled minutes the limits count), the calls
WeCom refused, and the peak calls per minute window, as a table and as JSON.

The day is a past weekday and its interviews are cancelled once their agendas are queued, so the
workers' own real-time ticks (auto-complete, nudges) leave them alone during the run. The work
is held until a start time a few seconds ahead, so every worker is up when it falls due.

`--minute-seconds` shortens every limit window for both the fake and the budget (an hour is 60
of them), so a run with a tight `--per-minute` shows the spreading without waiting for real
minutes; the per-member limits (30 a minute) stay in real minutes.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    OUT,
    SECRET,
    TOKEN,
    VENV_BIN,
    Procs,
    ScratchDB,
    log,
    wait_http,
)
from devkit.children import free_port  # noqa: E402

ZONE = "Asia/Shanghai"
LEAD = 8.0   # seconds between queuing and the work falling due: the workers start meanwhile


def env(db: ScratchDB, fake_url: str, args: argparse.Namespace) -> dict[str, str]:
    """A worker's environment: the scratch database, the fake, the budget as the fake has it."""
    import os

    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("WECOM_", "BOT_", "DATABASE_URL"))}
    return {**keep, "WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": str(AGENT_ID),
            "WECOM_SECRET": SECRET, "WECOM_TOKEN": TOKEN, "WECOM_ENCODING_AES_KEY": AES_KEY,
            "WECOM_API_BASE": fake_url, "DATABASE_URL": db.url, "BOT_TIMEZONE": ZONE,
            "BOT_LOG_LEVEL": "WARNING",
            "WECOM_BUDGET_PER_MINUTE": str(args.per_minute),
            "WECOM_BUDGET_PER_HOUR": str(args.per_hour),
            "WECOM_BUDGET_LICENSED_MEMBERS": str(args.members),
            "WECOM_BUDGET_MINUTE_SECONDS": str(args.minute_seconds)}


def the_day(today: date) -> date:
    """A weekday at least two weeks ago: no real-time tick of the workers touches it."""
    day = today - timedelta(days=14)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def seed(sessions: Any, args: argparse.Namespace, day: date) -> None:
    """The company: members, HR, one interview per interviewer between 09:30 and 18:00."""
    from sqlalchemy import insert, text

    from store.hiring import Candidate, Interview, Panelist
    from store.models import User

    tz = ZoneInfo(ZONE)
    made = datetime.combine(day - timedelta(days=3), datetime.min.time(), tz)
    users = [dict(id=i, wecom_userid=f"m{i:05d}", name=f"成员{i}", role="interviewer",
                  created_at=made, name_synced=True, lang="zh" if i % 3 else "en")
             for i in range(1, args.members + 1)]
    for u in users[:args.hr]:
        u["role"] = "hr"
    nine_thirty = datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=9, minutes=30)
    interviewers = range(args.hr + 1, args.hr + 1 + args.interviewers)
    # Start times shuffled against the member order (a stride prime to 18 slots), so that the
    # claim order by first interview is not simply the insertion order.
    starts = {uid: nine_thirty + timedelta(minutes=30 * ((uid * 7) % 18))
              for uid in interviewers}
    with sessions.begin() as s:
        s.execute(insert(User), users)
        s.execute(insert(Candidate), [dict(id=k, name=f"候选人{k}", created_at=made)
                                      for k in range(1, args.interviewers + 1)])
        s.execute(insert(Interview), [
            dict(id=k, candidate_id=k, start_at=starts[uid], end_at=starts[uid] +
                 timedelta(minutes=45), status="scheduled", mode="video", created_by=1,
                 created_at=made, updated_at=made)
            for k, uid in enumerate(interviewers, start=1)])
        s.execute(insert(Panelist), [
            dict(interview_id=k, user_id=uid, start_at=starts[uid], rsvp="accepted",
                 added_at=made) for k, uid in enumerate(interviewers, start=1)])
        for table in ("users", "candidates", "interviews"):
            s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))"))


def queue_the_rush(sessions: Any, day: date) -> tuple[int, float]:
    """Run the 09:00 tick of `day`; returns the rows it queued and the seconds it took."""
    from sqlalchemy import func, select, update

    from bot.pipeline.clock import ReminderClock
    from store.hiring import Interview, Panelist
    from store.models import OutboxMessage

    nine = datetime.combine(day, datetime.min.time(), ZoneInfo(ZONE)) + timedelta(hours=9)
    began = time.perf_counter()
    ReminderClock(sessions, ZONE)(nine.astimezone(UTC))
    took = time.perf_counter() - began
    with sessions.begin() as s:
        # The day is long past on the workers' real clock: close it (done, decided, feedback
        # waived) so their ticks queue no nudges or warnings of their own. Not cancelled: a
        # cancelled interview rightly voids the agenda that names it.
        s.execute(update(Interview).values(status="completed", decision="pass"))
        s.execute(update(Panelist).values(feedback_status="waived"))
        # Late reminders of the first interviews fall due at 09:00 too; this run is about the
        # digests.
        others = s.execute(update(OutboxMessage).where(~OutboxMessage.dedupe_key.like("agenda%"))
                           .values(status="void", last_error="bench: not the digests"))
        queued = s.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.status == "pending")) or 0
    log(f"set aside {others.rowcount} reminders/warnings also due at 09:00")
    return int(queued), took


def hold_until(sessions: Any, due: datetime) -> None:
    """Make the queued work fall due at `due` (real time), keeping its rank."""
    from sqlalchemy import update

    from store.models import OutboxMessage

    with sessions.begin() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.status == "pending")
                  .values(next_attempt_at=due))


def wait_done(db: ScratchDB, workers: list[Any], total: int, timeout: float) -> None:
    """Until every queued row is sent (or dead), or the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = db.scalar("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
        if not left:
            return
        for w in workers:
            if not w.alive():
                raise RuntimeError(f"{w.name} exited:\n{w.tail()}")
        time.sleep(0.5)
    raise RuntimeError(f"not done after {timeout:.0f} s: {left} of {total} rows unsent")


def figures(db: ScratchDB, fake: dict[str, Any], due: datetime,
            args: argparse.Namespace) -> dict[str, Any]:
    """What the run measured, from the outbox and the fake's own counts."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT split_part(dedupe_key, ':', 1), status, sent_at, rank_at FROM outbox "
            "WHERE dedupe_key LIKE 'agenda%' ORDER BY sent_at, id").fetchall()
        statuses = dict(conn.execute(
            "SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
        gettoken = conn.execute("SELECT coalesce(sum(gettoken_calls), 0) FROM access_tokens"
                                ).fetchone()[0]
    agendas = [r for r in rows if r[0] == "agenda"]
    digests = [r for r in rows if r[0] == "agenda-hr"]
    sent = [r for r in agendas if r[1] == "sent"]
    last = max((r[2] for r in sent), default=due)
    ranks = [r[3] for r in sent]
    in_order = sum(1 for a, b in zip(ranks, ranks[1:], strict=False) if a <= b)
    limits = fake.get("limits") or {}
    peak = limits.get("peak_per_minute", {})
    seconds = (last - due).total_seconds()
    return {
        "workers": args.workers, "members": args.members, "interviewers": args.interviewers,
        "hr": args.hr, "agendas": len(agendas), "agendas_sent": len(sent),
        "hr_digests": len(digests), "hr_digests_sent": sum(r[1] == "sent" for r in digests),
        "outbox": statuses,
        "last_agenda_s": round(seconds, 1),
        "last_agenda_minutes": round(seconds / args.minute_seconds, 2),
        "minute_seconds": args.minute_seconds,
        "limit_per_minute": args.per_minute, "limit_per_hour": args.per_hour,
        "budget_per_minute": args.per_minute * 90 // 100,
        "refused": limits.get("refused", {}), "refused_total": limits.get("refused_total", 0),
        "dropped_per_member": fake.get("dropped_count", 0),
        "peak_per_minute": peak.get("message/send", 0),
        "peak_per_minute_all": peak, "gettoken_calls": gettoken,
        "rank_order_kept": round(in_order / max(1, len(ranks) - 1), 4),
    }


def table(r: dict[str, Any], tick_s: float) -> str:
    """The result as a small table."""
    lines = [
        f"09:00 rush, {r['workers']} worker(s), {r['members']} members, "
        f"{r['interviewers']} interviewers, {r['hr']} HR",
        "| figure | value |", "|---|---|",
        f"| 09:00 tick (queue {r['agendas']} agendas + {r['hr_digests']} HR digests) "
        f"| {tick_s:.1f} s |",
        f"| agendas delivered | {r['agendas_sent']} / {r['agendas']} |",
        f"| last agenda delivered after 09:00 | {r['last_agenda_s']} s real "
        f"= {r['last_agenda_minutes']} limit minutes of {r['minute_seconds']:g} s |",
        f"| last agenda after 09:00, counting the tick (it queues all at its end) "
        f"| {tick_s + r['last_agenda_s']:.1f} s real |",
        f"| calls refused by WeCom (45009/45033) | {r['refused_total']} |",
        f"| messages dropped for a member's limit | {r['dropped_per_member']} |",
        f"| peak message/send per limit minute | {r['peak_per_minute']} "
        f"(limit {r['limit_per_minute']}, budget {r['budget_per_minute']}) |",
        f"| sent in first-interview order | {r['rank_order_kept'] * 100:.1f} % of adjacent "
        "pairs |",
        f"| gettoken calls | {r['gettoken_calls']} |",
    ]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--members", type=int, default=20_000)
    p.add_argument("--interviewers", type=int, default=3_000)
    p.add_argument("--hr", type=int, default=5)
    p.add_argument("--per-minute", type=int, default=10_000, help="WeCom's limit (doc 90312)")
    p.add_argument("--per-hour", type=int, default=150_000)
    p.add_argument("--minute-seconds", type=int, default=60,
                   help="a limit minute's length in real seconds (scales every window)")
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--json", type=Path, default=None,
                   help="where to write the result (default bench/out/rush-<N>w.json)")
    args = p.parse_args()
    if args.hr + args.interviewers > args.members:
        p.error("--hr plus --interviewers must not exceed --members")

    import httpx

    from store.db import make_engine, make_sessionmaker

    OUT.mkdir(exist_ok=True)
    procs, db = Procs(), ScratchDB()
    engine = None
    try:
        log(f"creating scratch database {db.name}")
        db.create()
        port = free_port()
        fake_url = f"http://127.0.0.1:{port}"
        run_env = env(db, fake_url, args)
        subprocess.run([str(VENV_BIN / "interview-bot"), "db", "upgrade"], env=run_env,
                       cwd=OUT, check=True, capture_output=True, timeout=120)
        fake = procs.start("rush-fakewecom", [
            sys.executable, "-m", "devkit.fakewecom.standalone", "--corp-id",
            CORP_ID, "--secret", SECRET, "--agent-id", str(AGENT_ID), "--port", str(port),
            "--limits", "--per-minute", str(args.per_minute), "--per-hour", str(args.per_hour),
            "--minute-seconds", str(args.minute_seconds)],
            env=run_env, stdin=subprocess.PIPE)
        wait_http(fake_url + "/_fake/state", fake, ok=(200,))
        engine = make_engine(db.url)
        sessions = make_sessionmaker(engine)
        day = the_day(datetime.now(ZoneInfo(ZONE)).date())
        log(f"seeding {args.members} members, {args.interviewers} interviews on {day}")
        seed(sessions, args, day)
        log("running the 09:00 tick")
        queued, tick_s = queue_the_rush(sessions, day)
        due = datetime.now(UTC) + timedelta(seconds=LEAD)
        hold_until(sessions, due)
        log(f"{queued} messages queued in {tick_s:.1f} s; starting {args.workers} worker(s)")
        workers = [procs.start(f"rush-worker{i}", [str(VENV_BIN / "interview-bot"), "worker"],
                               env=run_env) for i in range(args.workers)]
        wait_done(db, workers, queued, args.timeout)
        state = httpx.get(fake_url + "/_fake/state", timeout=60).json()
        result = figures(db, state, due, args)
        result.update(tick_s=round(tick_s, 1), queued=queued, day=day.isoformat(),
                      last_agenda_incl_tick_s=round(tick_s + result["last_agenda_s"], 1),
                      time="real seconds after the work fell due; limit minutes = "
                           "real seconds / minute_seconds")
        print(table(result, tick_s))
        path = args.json or OUT / f"rush-{args.workers}w.json"
        path.write_text(json.dumps(result, indent=2, default=str) + "\n")
        log(f"wrote {path}")
        ok = result["agendas_sent"] == result["agendas"] and not result["refused_total"] \
            and result["peak_per_minute"] <= args.per_minute
        return 0 if ok else 1
    finally:
        procs.stop_all()
        if engine is not None:
            engine.dispose()
        db.drop()
        log(f"dropped {db.name}")


if __name__ == "__main__":
    sys.exit(main())
