"""WeCom's corp-wide frequency limits in the fake: per corp, per API, per minute and per hour.

Off unless a FakeWeCom is given CorpLimits. Windows are fixed and aligned to the epoch, like the
bot's budget (store.budget); a call over a limit is answered 45009 and not counted, as a
minute-level block ends with its window (protocol §6.9). `minute` shortens every window for
benchmarks. The fake also counts calls per minute window, for the peak a benchmark reports.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# §6.9 (doc 90312): per corp, per API: 10,000 calls a minute and 150,000 an hour.
PER_MINUTE, PER_HOUR = 10_000, 150_000


@dataclass
class CorpLimits:
    """The limits and what they saw: calls answered and refused, per API and minute window."""

    per_minute: int = PER_MINUTE
    per_hour: int = PER_HOUR
    minute: float = 60.0          # seconds in a minute: a benchmark scales every window
    # Per member WeCom drops the excess silently (§6.9); a test may ask for this code instead.
    member_errcode: int | None = None
    calls: Counter[tuple[str, int]] = field(default_factory=Counter)     # (api, minute no.)
    refused: Counter[str] = field(default_factory=Counter)               # "api errcode"
    _used: Counter[tuple[str, float, int]] = field(default_factory=Counter)

    def allow(self, api: str, now: float) -> bool:
        """Count one call of `api` at `now` if it fits its minute and hour; False: 45009."""
        windows = ((self.minute, self.per_minute), (self.minute * 60, self.per_hour))
        keys = [(api, length, int(now // length)) for length, _ in windows]
        if any(self._used[k] >= most for k, (_, most) in zip(keys, windows, strict=True)):
            self.refused[f"{api} 45009"] += 1
            return False
        for k in keys:
            self._used[k] += 1
        self.calls[(api, int(now // self.minute))] += 1
        return True

    def refuse_member(self, api: str) -> int | None:
        """The errcode for a message over a member's limit, counted; None: drop silently."""
        if self.member_errcode is not None:
            self.refused[f"{api} {self.member_errcode}"] += 1
        return self.member_errcode

    def snapshot(self) -> dict[str, Any]:
        """Calls per API per minute window, the peak minute, and the refusals."""
        per_api: dict[str, dict[str, int]] = {}
        for (api, window), n in sorted(self.calls.items()):
            per_api.setdefault(api, {})[str(window)] = n
        return {"per_minute": self.per_minute, "per_hour": self.per_hour,
                "minute_seconds": self.minute, "calls": per_api,
                "peak_per_minute": {api: max(w.values()) for api, w in per_api.items()},
                "refused": dict(self.refused), "refused_total": sum(self.refused.values())}
