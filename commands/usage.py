"""One-reply errors in the router's format, for problems only a handler can see."""
from __future__ import annotations

from commands.registry import router
from commands.router import CommandError


def usage_error(name: str, problems: list[tuple[str, str]]) -> CommandError:
    """A CommandError naming every problem, with the command's usage and example."""
    cmd = next(c for c in router.commands if c.name == name)
    zh = "；".join(z for z, _ in problems)
    en = "; ".join(e for _, e in problems)
    return CommandError(f"{zh}。\n用法：{cmd.usage[0]}\n例如：{cmd.example[0]}",
                        f"{en[0].upper() + en[1:]}.\nUsage: {cmd.usage[1]}\n"
                        f"Example: {cmd.example[1]}")
