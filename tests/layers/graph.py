"""The import graph of our packages, read from the sources (every import, lazy ones too)."""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OURS = ("crypto", "config", "store", "commands", "bot", "devkit", "migrations", "wsgi")


def module_name(path: Path) -> str:
    """`bot/pipeline/inbox.py` -> `bot.pipeline.inbox`."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources() -> list[Path]:
    """Every Python file of the production and development packages."""
    files = [REPO / "wsgi.py"]
    for top in OURS[:-1]:
        files += sorted((REPO / top).rglob("*.py"))
    return files


def imports(path: Path) -> set[str]:
    """The modules of ours that one file imports, at any depth (function-level included)."""
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m.split(".")[0] in OURS}


def graph() -> dict[str, set[str]]:
    """module -> the modules of ours it imports (only names that are real modules/packages)."""
    files = sources()
    known = {module_name(f) for f in files}
    edges: dict[str, set[str]] = {}
    for f in files:
        edges[module_name(f)] = {m for m in imports(f) if m in known} - {module_name(f)}
    return edges
