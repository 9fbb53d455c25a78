"""The one command table; `load()` imports every command module so they register."""
from __future__ import annotations

import importlib

from commands.router import Router

router = Router()

# One module per command family; each registers itself with `router` on import.
COMMAND_MODULES = (
    "commands.help",
    "commands.kinds",          # parameter kinds (time, day, person, people …) before their users
    "commands.views", "commands.rsvp", "commands.feedback", "commands.candidates",
    "commands.schedule", "commands.reschedule", "commands.panel", "commands.lifecycle",
    "commands.decision",
    "commands.hr_views", "commands.admin", "commands.audit", "commands.settings_cmd",
    "commands.confirm", "commands.group", "commands.office", "commands.pools",
    "commands.findtime",
    "commands.load_report", "commands.selfsched",
)


# The order `help` lists commands in (modules register in import order, which is incidental).
HELP_ORDER = (
    "help", "my interviews", "today", "interview", "accept", "decline", "feedback",
    "amend feedback", "candidate",
    "settings", "confirm", "abort",
    "schedule", "find time", "reschedule", "cancel", "add interviewer", "remove interviewer",
    "noshow",
    "done", "absent", "decide", "next round", "interviews", "free", "pending feedback", "nudge",
    "add candidate", "name",
    "group", "role", "audit", "pool", "load", "invite", "reschedule link",
)


def load() -> Router:
    """Import all command modules (idempotent) and return the router."""
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    rank = {n: i for i, n in enumerate(HELP_ORDER)}
    router.commands.sort(key=lambda c: rank.get(c.name, len(rank)))   # stable for the rest
    return router
