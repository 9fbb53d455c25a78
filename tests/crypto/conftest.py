"""Shared fixtures for the crypto tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# A copy of shared/vectors/wecom-vectors.json lives beside the tests so that a fresh
# clone in CI does not depend on the sibling shared/ folder.
VECTORS_PATH = Path(__file__).resolve().parent / "vectors" / "wecom-vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))

# A fixed, valid app configuration for tests that do not need a vector.
TOKEN = "QDG6eK"
KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"


def vectors_of(*kinds: str) -> list[Any]:
    """Return pytest params (id = vector name) for the vectors of the given kinds."""
    return [pytest.param(v, id=v["name"]) for v in VECTORS if v["kind"] in kinds]
