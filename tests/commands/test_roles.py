"""Every command × every role: the router lets a role through exactly when it ranks high enough,
and each command's help entry is complete in both languages."""
from __future__ import annotations

import pytest

from commands.context import ROLES, role_allows
from commands.registry import load

ROUTER = load()
COMMANDS = [c for c in ROUTER.commands]
# The roles the product research assigns; a command moving role must be a decision.
EXPECTED_ROLE = {
    "help": "interviewer", "my interviews": "interviewer", "today": "interviewer",
    "interview": "interviewer", "accept": "interviewer", "decline": "interviewer",
    "feedback": "interviewer", "candidate": "interviewer", "settings": "interviewer",
    "confirm": "interviewer", "abort": "interviewer", "amend feedback": "interviewer",
    "schedule": "hr", "reschedule": "hr", "cancel": "hr", "add interviewer": "hr",
    "remove interviewer": "hr", "noshow": "hr", "done": "hr", "interviews": "hr", "free": "hr",
    "pending feedback": "hr", "nudge": "hr", "add candidate": "hr", "name": "hr", "group": "hr",
    "absent": "hr", "decide": "hr", "next round": "hr", "pool": "hr", "load": "interviewer",
    "find time": "hr", "invite": "hr", "reschedule link": "hr",
    "rooms": "hr", "book room": "hr", "link": "hr",
    "role": "admin", "audit": "admin",
}


def test_the_command_table_is_the_one_expected():
    assert {c.name: c.role for c in COMMANDS} == EXPECTED_ROLE


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: c.name)
def test_every_command_has_both_languages_and_an_example_that_routes_to_it(cmd):
    assert cmd.en and cmd.zh
    for pair in (cmd.summary, cmd.usage, cmd.example):
        assert pair[0] and pair[1]
    for example in cmd.example:
        found = ROUTER.match(example)
        assert found is not None and found[0] is cmd, example


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: c.name)
def test_each_role_may_use_exactly_the_commands_of_its_rank(desk, cmd, role):
    desk.user("tester", role, "测试员")
    for lang, example in zip(("zh", "en"), cmd.example, strict=True):
        text = desk.ask("tester", example)
        denied = ("需要" in text and "权限" in text) if lang == "zh" else "needs the" in text
        assert denied == (not role_allows(role, cmd.role)), (role, example, text)
        assert "出错了" not in text and "went wrong" not in text
