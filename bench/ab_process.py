"""A/B of the durable path: Bot.process as it is vs with the changes in bench/variants.py.

    .venv/bin/python bench/ab_process.py [--messages 2000] [--rounds 3]
    .venv/bin/python bench/ab_process.py --cprofile baseline     # where its CPU goes

In one process, single-threaded, against a scratch PostgreSQL database (created and dropped
here): N distinct 「帮助」 messages from existing members go through `Bot.process` (dedupe row,
member, rate-limit count, handler in a savepoint, outbox row, commit), HTTP and crypto aside.
The variants add the changes of bench/variants.py one at a time (monkeypatched in this process
only; nothing in bot/ is edited), alternating order between rounds; each reports per message
the wall time, this process's CPU, the PostgreSQL backend's CPU and the SQL statements sent.
"""
from __future__ import annotations

import argparse
import atexit
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    SECRET,
    TOKEN,
    ScratchDB,
    cpu_seconds,
    log,
    text_xml,
)
from variants import apply  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cprofile", metavar="VARIANT",
                   help="instead: cProfile one variant (e.g. baseline), print the top functions")
    args = p.parse_args()

    from sqlalchemy import create_engine, event, insert, text

    from bot.db import make_engine, upgrade
    from bot.inbound import parse_message
    from bot.models import User
    from bot.services import build
    from config.settings import Settings

    db = ScratchDB()
    atexit.register(db.drop)
    db.create()
    upgrade(db.url)
    settings = Settings(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, token=TOKEN,
                        encoding_aes_key=AES_KEY, database_url=db.url,
                        timestamp_window=0).validated()
    users = [f"u{i:05d}" for i in range(10000)]
    sa_url = db.url.replace("postgresql://", "postgresql+psycopg://", 1)
    engines = {
        "pre-ping": make_engine(db.url),
        "no-pre-ping": create_engine(sa_url, pool_size=10, max_overflow=20, pool_timeout=3,
                                     connect_args={"connect_timeout": 2}),
    }
    statements = [0]
    for eng in engines.values():
        event.listen(eng, "before_cursor_execute", lambda *a, **k: statements.__setitem__(
            0, statements[0] + 1))
    steps = ["stmt-cache", "core-outbox", "select-first", "no-pre-ping"]
    variants = [("baseline", [])] + [(" + ".join(steps[:i + 1]), steps[:i + 1])
                                     for i in range(len(steps))]
    msg_id = [7_100_000_000_000_000_000]

    def messages(n: int) -> list[tuple[Any, str]]:
        out = []
        for i in range(n):
            msg_id[0] += 1
            xml = text_xml(users[i % len(users)], "帮助", msg_id[0], int(time.time()))
            out.append((parse_message(xml.encode()), xml))
        return out

    def reset(engine: Any) -> None:
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE inbound_messages, outbox, users RESTART IDENTITY CASCADE"))
            conn.execute(insert(User), [{"wecom_userid": u, "name": u, "role": "interviewer",
                                         "created_at": datetime.now(UTC), "lang": "zh"}
                                        for u in users])

    def backends() -> dict[int, float]:
        import psycopg

        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            pids = [r[0] for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (db.name,)).fetchall()]
        return {pid: cpu_seconds(pid) for pid in pids}

    results: dict[str, list[dict[str, float]]] = {v[0]: [] for v in variants}
    if args.cprofile:
        import cProfile
        import pstats

        name, changes = next(v for v in variants if v[0] == args.cprofile)
        engine = engines["no-pre-ping" if "no-pre-ping" in changes else "pre-ping"]
        reset(engine)
        svc = build(settings, engine=engine)
        undo = apply([c for c in changes if c != "no-pre-ping"])
        try:
            for msg, payload in messages(200):
                svc.bot.process(msg, payload)
            batch = messages(args.messages)
            prof = cProfile.Profile(time.process_time)   # CPU time, not waits
            prof.enable()
            for msg, payload in batch:
                svc.bot.process(msg, payload)
            prof.disable()
        finally:
            undo()
            for eng in engines.values():
                eng.dispose()
            db.drop()
        stats = pstats.Stats(prof).strip_dirs()
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)
        return 0
    try:
        for r in range(args.rounds):
            for name, changes in (variants if r % 2 == 0 else list(reversed(variants))):
                engine = engines["no-pre-ping" if "no-pre-ping" in changes else "pre-ping"]
                reset(engine)
                svc = build(settings, engine=engine)
                undo = apply([c for c in changes if c != "no-pre-ping"])
                try:
                    for msg, payload in messages(200):   # warm: caches, prepared statements
                        svc.bot.process(msg, payload)
                    batch = messages(args.messages)
                    pg0, st0 = backends(), statements[0]
                    c0, w0 = time.process_time(), time.perf_counter()
                    outcomes = [svc.bot.process(msg, payload) for msg, payload in batch]
                    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
                    pg1 = backends()
                finally:
                    undo()
                assert outcomes == ["new"] * len(batch), set(outcomes)
                n = len(batch)
                pg = sum(v - pg0.get(pid, 0.0) for pid, v in pg1.items())
                results[name].append({"wall_ms": 1000 * wall / n, "cpu_ms": 1000 * cpu / n,
                                      "pg_cpu_ms": 1000 * pg / n,
                                      "statements": (statements[0] - st0) / n})
                log(f"round {r + 1} {name}: {1000 * wall / n:.3f} ms wall, "
                    f"{1000 * cpu / n:.3f} ms CPU, {(statements[0] - st0) / n:.1f} statements")
    finally:
        for eng in engines.values():
            eng.dispose()
        db.drop()
    base = statistics.median(x["wall_ms"] for x in results["baseline"])
    base_cpu = statistics.median(x["cpu_ms"] for x in results["baseline"])
    print("\n| Variant of Bot.process (single thread, per message) | wall ms | Python CPU ms "
          "| PostgreSQL CPU ms | statements | wall vs baseline | CPU vs baseline |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, *_ in variants:
        rows = results[name]
        wall = statistics.median(x["wall_ms"] for x in rows)
        cpu = statistics.median(x["cpu_ms"] for x in rows)
        pg = statistics.median(x["pg_cpu_ms"] for x in rows)
        st = statistics.median(x["statements"] for x in rows)
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {pg:.3f} | {st:.1f} | "
              f"{wall / base:.2f}× | {cpu / base_cpu:.2f}× |")
    print("\n(statements: those SQLAlchemy sends through a cursor; BEGIN, COMMIT and the "
          "pre-ping's SELECT 1 come on top.)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
