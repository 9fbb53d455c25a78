"""`make reliability`: run every scenario at full size and print what was sent and what arrived.

    python reliability/run.py [--quick] [--only storm,pg,faults,kill,slow,halfopen,frozen]
                              [--results FILE]

Exit status 0 when every scenario passed. Only 127.0.0.1 is used; the shared PostgreSQL gets a
scratch database per scenario (dropped after), the restart scenario a private instance.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reliability.network import FrozenDatabase, HalfOpen, SlowClients  # noqa: E402
from reliability.report import Result  # noqa: E402
from reliability.scenarios import ApiFaults, PgRestart, Storm, WorkerKill  # noqa: E402

FULL = {"storm": Storm(), "pg": PgRestart(), "faults": ApiFaults(), "kill": WorkerKill(),
        "slow": SlowClients(), "halfopen": HalfOpen(), "frozen": FrozenDatabase()}
QUICK = {"storm": Storm(messages=200, users=50, rate=100),
         "pg": PgRestart(messages=200, users=50, rate=50, down_for=3, lease=2),
         "faults": ApiFaults(messages=200, users=50, rate=40),
         "kill": WorkerKill(messages=200, users=50, rate=100, lease=3),
         "slow": SlowClients(slow_via_nginx=40, messages=60, users=20),
         "halfopen": HalfOpen(messages=120, users=30, lease=5, back_after=2),
         "frozen": FrozenDatabase(messages=120, users=30, frozen_for=5)}


def log(msg: str) -> None:
    """Progress, timestamped, on stderr."""
    print(time.strftime("%H:%M:%S ") + msg, file=sys.stderr, flush=True)


def markdown(results: list[Result], started: str, seconds: float) -> str:
    """The results as reliability/RESULTS.md."""
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    out = ["# Reliability results", "",
           f"`make reliability RELIABILITY_ARGS=\"--results reliability/RESULTS.md\"` on "
           f"{started}, {seconds:.0f} s in all; machine: {platform.machine()}, {_cpus()} CPUs, "
           f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
           f"load average at the end {load} (1/5/15 min; other processes included).", "",
           "What each scenario does and checks: [README.md](README.md).", ""]
    for r in results:
        out += [f"## {r.name}: {'PASS' if r.passed else 'FAIL'} ({r.seconds:.0f} s)", "",
                "| figure | value |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in r.figures.items()]
        out += [f"\nProblem: {p}" for p in r.problems] + [""]
    return "\n".join(out)


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


def main(argv: list[str] | None = None) -> int:
    """Run the chosen scenarios; 0 when all passed."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="the small sizes of `make test`")
    p.add_argument("--only", default=",".join(FULL), help="comma-separated scenarios")
    p.add_argument("--results", type=Path, help="also write the figures as markdown here")
    args = p.parse_args(argv)
    table = QUICK if args.quick else FULL
    started, t0 = time.strftime("%Y-%m-%d %H:%M"), time.monotonic()
    results = []
    for name in args.only.split(","):
        log(f"scenario {name}")
        try:
            result = table[name](log)
        except Exception as exc:   # a harness failure is a failed scenario, not a traceback
            result = Result(name, problems=[f"{type(exc).__name__}: {exc}"])
        print(result.render(), flush=True)
        results.append(result)
    seconds = time.monotonic() - t0
    failed = [r.name for r in results if not r.passed]
    print(f"\n{len(results) - len(failed)} of {len(results)} scenarios passed "
          f"in {seconds:.0f} s" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    if args.results:
        args.results.write_text(markdown(results, started, seconds))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
