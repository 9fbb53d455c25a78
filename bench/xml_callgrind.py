"""What xmltodict would add to a callback, counted in instructions (valgrind's callgrind).

    .venv/bin/python bench/xml_callgrind.py [--small 100] [--large 600]

bench/xml_cost.py times the same thing, and on a shared machine its figure wanders across the
5 % line that issue 14 draws (+7.3 %, +6.5 %, −1.8 % in three runs). Callgrind counts the
instructions a process executes, the same for the same program and inputs whatever else the
machine does. Each variant (the hand-written parser in use, xmltodict over the same screened
expat: bench/xml_cost.xmltodict_parse) runs our WSGI app in-process on `small` and on `large`
distinct signed, encrypted 「帮助」 callbacks (plus the 200 warm-up ones of bench/wsgi_cost.cost),
each INSERT committed to a scratch PostgreSQL database; a callback's instructions are
(large − small) / (large − small callbacks), so start-up and imports cancel out. PostgreSQL's
own work is in another process and not counted; building each request's WSGI environ is.
Takes about four minutes (four runs under valgrind).
"""
from __future__ import annotations

import argparse
import atexit
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))


def child(variant: str, n: int, tag: str) -> None:
    """One run, under valgrind: `n` + warm-up callbacks through the app with one parser."""
    from common import AES_KEY, AGENT_ID, CORP_ID, OUR_PATH, SECRET, TOKEN, MessageFactory
    from wsgi_cost import cost
    from xml_cost import xmltodict_parse

    os.environ.update(WECOM_CORP_ID=CORP_ID, WECOM_AGENT_ID=str(AGENT_ID),
                      WECOM_SECRET=SECRET, WECOM_TOKEN=TOKEN, WECOM_ENCODING_AES_KEY=AES_KEY,
                      BOT_TIMESTAMP_WINDOW="0")
    import xmltodict  # noqa: F401  (imported by both variants: the same start-up)

    import crypto.xmlsafe as xs

    if variant == "xmltodict":
        xs._parse = xmltodict_parse()   # type: ignore[assignment]   # every caller uses it
    from wsgi import app

    users = [f"{tag}{i:05d}" for i in range(1000)]
    _, status = cost(app, OUR_PATH, MessageFactory().many(n + 200, users))
    assert status.startswith("200"), status


def instructions(variant: str, n: int, tag: str, db_url: str, out: Path) -> int:
    """Instructions of one child run (callgrind's I refs)."""
    env = {**os.environ, "DATABASE_URL": db_url}
    subprocess.run(["psql", db_url.replace("+psycopg", ""), "-qc", "TRUNCATE inbound_messages"],
                   check=True, env=env)
    log = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                          sys.executable, __file__, "--child", variant, str(n), tag],
                         env=env, capture_output=True, text=True, check=True).stderr
    match = re.search(r"I\s+refs:\s+([\d,]+)", log)
    assert match, log[-2000:]
    return int(match.group(1).replace(",", ""))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--small", type=int, default=100)
    p.add_argument("--large", type=int, default=600)
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return 0
    from common import ScratchDB

    from store.db import upgrade

    db = ScratchDB()
    atexit.register(db.drop)
    db.create()
    upgrade(db.url)
    per: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variant in ("hand-written", "xmltodict"):
            counts = [instructions(variant, n, f"{variant[0]}{n}", db.url,
                                   Path(tmp) / f"cg.{variant}.{n}")
                      for n in (args.small, args.large)]
            per[variant] = (counts[1] - counts[0]) / (args.large - args.small)
            print(f"{variant}: {per[variant]:,.0f} instructions per callback "
                  f"({counts[0]:,} / {counts[1]:,} in all)")
    extra = per["xmltodict"] - per["hand-written"]
    print(f"xmltodict adds {extra:,.0f} instructions per callback: "
          f"{100 * extra / per['hand-written']:+.1f} % of a callback's")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
