"""One-reply errors in the router's format, for problems only a handler can see."""
from __future__ import annotations

from commands.registry import router
from commands.router import CommandError


def usage_error(name: str, problems: list[tuple[str, str]]) -> CommandError:
    """A CommandError naming every problem, with the command's usage and example."""
    return next(c for c in router.commands if c.name == name).refusal(problems)
