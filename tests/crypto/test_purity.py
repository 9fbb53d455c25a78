"""crypto/ must stay pure: importing it may not pull in web, HTTP or database libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "httpx", "sqlalchemy", "werkzeug")

_PROBE = """
import json, sys
import crypto
# Exercise the lazy paths too, in case an import hides inside a function.
c = crypto.WeComCrypto("t", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "id")
body, q = c.seal_callback("<xml/>", nonce="1")
c.open_xml(body, q["msg_signature"], q["timestamp"], q["nonce"])
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""


def _loaded_modules() -> set[str]:
    # A fresh interpreter: this test process may already have Flask & co. loaded.
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def test_import_crypto_loads_no_framework() -> None:
    loaded = _loaded_modules()
    assert "crypto" in loaded
    assert not loaded.intersection(FORBIDDEN), sorted(loaded.intersection(FORBIDDEN))


def test_crypto_sources_import_nothing_of_the_project() -> None:
    project = ("bot", "commands", "config", "migrations", "wsgi")
    for path in (REPO / "crypto").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                assert words[1].split(".")[0] not in project, f"{path.name}: {line}"
