"""Every package says what belongs in it and what it may import (README, "Where things are")."""
from __future__ import annotations

import ast

import pytest

from tests.layers.graph import REPO

PACKAGES = ["crypto", "config", "store", "commands", "bot", "bot/wecom", "bot/pipeline",
            "bot/web", "devkit", "migrations"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_says_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse((REPO / package / "__init__.py").read_text())) or ""
    assert "import" in doc, f"{package}/__init__.py: say what it may import"
