"""Dependencies run one way: crypto ← config ← store ← commands ← bot.wecom ← bot.pipeline ←
bot.services ← bot.web / bot.admin ← bot.cli / wsgi ← devkit (README, "Where things are")."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.layers.graph import REPO, graph

# Lowest first. A module may import its own layer and the layers below it, never above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("crypto",),
    ("config",),
    ("store", "migrations"),
    ("commands",),
    ("bot.wecom", "bot.diagnose"),
    ("bot.pipeline",),
    ("bot.services", "bot.logs"),
    ("bot.web", "bot.admin"),
    ("bot.cli", "bot.gunicorn_app", "bot.gunicorn_log", "bot.gunicorn_worker", "bot", "wsgi",
     "config.gunicorn.conf"),
    ("devkit",),
)
# The one declared exception: the CLI's `demo` and `simulate` subcommands load the development
# kit inside their functions, so `serve` and `worker` never do (the probe below proves it).
DEV_ENTRY_POINTS = {"bot.cli -> devkit.demo", "bot.cli -> devkit.simulate"}


def layer_of(module: str) -> int:
    """The layer of a module: its longest matching package prefix."""
    best = (-1, -1)
    for rank, names in enumerate(LAYERS):
        for name in names:
            if module == name or module.startswith(name + "."):
                best = max(best, (len(name), rank))
    assert best[1] >= 0, f"{module} belongs to no layer: add it to LAYERS"
    return best[1]


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Every import that climbs a layer, as 'importer -> imported'."""
    return sorted(f"{a} -> {b}" for a, targets in edges.items() for b in targets
                  if layer_of(b) > layer_of(a))


def test_no_module_imports_a_layer_above_its_own():
    assert [e for e in upward(graph()) if e not in DEV_ENTRY_POINTS] == []


def test_the_check_catches_an_upward_import():
    # The same check on a graph with one climb in it: commands reaching into the pipeline.
    edges = {"commands.schedule": {"store.models", "bot.pipeline.outbox"}}
    assert upward(edges) == ["commands.schedule -> bot.pipeline.outbox"]


def package(module: str) -> str:
    """The package a module counts in for the cycle check (bot's subpackages apart)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] in ("bot", "devkit") and len(parts) > 1 else parts[0]


def test_no_two_packages_import_each_other():
    edges = graph()
    pairs = {(package(a), package(b)) for a, bs in edges.items() for b in bs
             if package(a) != package(b)}
    assert sorted((a, b) for a, b in pairs if (b, a) in pairs) == []


_NO_DEVKIT = """
import importlib.abc, sys
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "devkit" or name.startswith("devkit."):
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Absent())
import os
os.environ.update(WECOM_CORP_ID="wwtestcorp0000001", WECOM_AGENT_ID="1000002",
                  WECOM_SECRET="s" * 43, WECOM_TOKEN="token123",
                  WECOM_ENCODING_AES_KEY="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                  DATABASE_URL="sqlite://")
import wsgi                                   # what `serve` loads under gunicorn
from bot.services import build
from config.settings import Settings
svc = build(Settings.from_env(dotenv=None).validated())
svc.make_worker()                             # what `worker` runs
import bot.cli, bot.admin
print("devkit" in sys.modules, wsgi.app.url_map)
"""


@pytest.mark.parametrize("probe", [_NO_DEVKIT])
def test_serve_and_worker_run_without_the_development_kit(probe):
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("False"), done.stdout
    assert "/wecom/callback" in done.stdout and "/simulator" not in done.stdout
