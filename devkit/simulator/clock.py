"""A clock that runs at real speed but can be moved forward, so reminders can be watched."""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

_STEP = re.compile(r"^\+?\s*(\d{1,4})\s*(m|min|h|hour|hours|d|day|days)$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "hour": "hours", "hours": "hours",
          "d": "days", "day": "days", "days": "days"}
MAX_STEP = timedelta(days=60)


def real_now() -> datetime:
    """The wall clock, aware and in UTC."""
    return datetime.now(UTC)


def parse_step(text: str) -> timedelta:
    """'+1h', '1 day', '30m' -> a positive timedelta; ValueError for anything else."""
    m = _STEP.match(text.strip())
    if not m:
        raise ValueError(f"not a step forward: {text!r} (try +30m, +1h, +1 day)")
    step = timedelta(**{_UNITS[m.group(2).lower()]: int(m.group(1))})
    if not timedelta(0) < step <= MAX_STEP:
        raise ValueError(f"a step must be between 1 minute and {MAX_STEP.days} days")
    return step


class OffsetClock:
    """Real time plus an offset that only grows; optionally saved to a file."""

    def __init__(self, offset: timedelta = timedelta(0), *, path: Path | None = None,
                 base: Callable[[], datetime] = real_now):
        self._offset, self._path, self._base = offset, path, base
        self._lock = threading.Lock()
        self.listeners: list[Callable[[], None]] = []   # e.g. wake the worker

    @classmethod
    def load(cls, path: Path, **kwargs: object) -> OffsetClock:
        """The clock saved at `path` (offset zero when there is none)."""
        seconds = 0.0
        if path.is_file():
            try:
                seconds = float(json.loads(path.read_text()).get("offset_seconds", 0))
            except (ValueError, AttributeError):
                seconds = 0.0   # a damaged file only costs the offset, never the demo
        return cls(timedelta(seconds=max(0.0, seconds)), path=path, **kwargs)  # type: ignore[arg-type]

    def __call__(self) -> datetime:
        return self._base() + self._offset

    @property
    def offset(self) -> timedelta:
        """How far ahead of real time this clock is."""
        return self._offset

    def advance(self, step: timedelta) -> datetime:
        """Move forward by `step` (never back: the outbox and dedupe rows assume it)."""
        if step <= timedelta(0):
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += step
            if self._path is not None:
                self._path.write_text(json.dumps(
                    {"offset_seconds": self._offset.total_seconds()}))
        for listener in self.listeners:
            listener()
        return self()
