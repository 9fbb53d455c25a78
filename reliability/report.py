"""What a scenario sent, what arrived, and whether that is exactly once."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg


@dataclass
class Result:
    """One scenario's figures; `problems` empty means it passed."""

    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """True when every check held."""
        return not self.problems

    def check(self, ok: bool, problem: str) -> None:
        """Record a problem unless `ok`."""
        if not ok:
            self.problems.append(problem)

    def render(self) -> str:
        """The scenario as printed by the runner."""
        lines = [f"== {self.name}: {'PASS' if self.passed else 'FAIL'} ({self.seconds:.0f} s)"]
        width = max((len(k) for k in self.figures), default=0)
        lines += [f"   {k:<{width}}  {v}" for k, v in self.figures.items()]
        lines += [f"   PROBLEM: {p}" for p in self.problems]
        return "\n".join(lines)


def tags_delivered(state: dict[str, Any], prefix: str) -> Counter[str]:
    """How many times each message's reply reached a member, by the tag it echoes."""
    pattern = re.compile(re.escape(prefix) + r"\d{6}")
    counts: Counter[str] = Counter()
    for d in state["delivered"]:
        m = pattern.search(d["content"])
        if m:
            counts[m.group(0)] += 1
    return counts


def exactly_once(result: Result, expected: Iterable[str], delivered: Counter[str]) -> None:
    """Figures and checks: every expected tag delivered once, nothing else, nothing twice."""
    want = set(expected)
    lost = sorted(want - set(delivered))
    doubled = {t: c for t, c in delivered.items() if c > 1}
    stray = sorted(set(delivered) - want)
    result.figures.update(replies_expected=len(want), replies_delivered=sum(delivered.values()),
                          lost=len(lost), duplicated=sum(c - 1 for c in doubled.values()))
    result.check(not lost, f"{len(lost)} replies never delivered, e.g. {lost[:5]}")
    result.check(not doubled, f"{len(doubled)} replies delivered more than once, "
                              f"e.g. {list(doubled.items())[:5]}")
    result.check(not stray, f"{len(stray)} replies to messages that were not acknowledged, "
                            f"e.g. {stray[:5]}")


def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of one query against a scenario's database."""
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(sql, params or None).fetchall()


def outbox_counts(url: str) -> dict[str, int]:
    """Outbox rows by status."""
    return {status: n for status, n in
            query(url, "SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status")}


def rows_per_message(url: str, table_sql: str) -> Counter[str]:
    """How many rows each inbound message key has in a table (outbox by source_key...)."""
    return Counter({k: n for k, n in query(url, table_sql)})
