"""The handler contract: every command and every confirmed action takes the Context first and
returns list[Reply] (the router no longer normalises str / Reply / None)."""
from __future__ import annotations

import inspect
import typing

import pytest

import commands.router
from commands.confirm import ACTIONS
from commands.context import Context
from commands.registry import load
from commands.replies import Reply

ROUTER = load()


def _hints(fn: typing.Callable[..., object]) -> dict[str, object]:
    return typing.get_type_hints(fn)


@pytest.mark.parametrize("cmd", ROUTER.commands, ids=lambda c: c.name)
def test_every_command_handler_takes_the_context_and_returns_replies(cmd):
    hints = _hints(cmd.handler)
    first = next(iter(inspect.signature(cmd.handler).parameters))
    assert hints[first] is Context
    assert hints["return"] == list[Reply]


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_confirmed_action_returns_replies(name):
    _, run = ACTIONS[name]
    assert _hints(run)["return"] == list[Reply]


def test_every_declared_parameter_is_a_typed_argument_of_its_handler():
    for cmd in ROUTER.commands:
        hints = _hints(cmd.handler)
        for p in (*cmd.params, *cmd.options):
            assert p.name in hints, f"{cmd.name}: {p.name} has no type"


def test_the_router_has_no_normaliser_left():
    assert not hasattr(commands.router, "as_replies")
