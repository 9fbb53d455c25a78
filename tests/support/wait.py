"""Waiting for a state, not for a time: poll a predicate until it holds or a deadline passes."""
from __future__ import annotations

import time
from collections.abc import Callable


def until(predicate: Callable[[], object], timeout: float = 15.0, every: float = 0.05) -> bool:
    """True as soon as predicate() is true; False if it is still false after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)
