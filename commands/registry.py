"""The one command table; `load()` imports every command module so they register."""
from __future__ import annotations

import importlib

from commands.router import Router

router = Router()

# One module per command family; each registers itself with `router` on import.
COMMAND_MODULES = ("commands.help",)


def load() -> Router:
    """Import all command modules (idempotent) and return the router."""
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    return router
