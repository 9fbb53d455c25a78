"""Fixtures for the WeCom office side: the fake with rooms, the interview calendar made by
`calendar setup`, and `say(user, text)` over the real callback and worker."""
from __future__ import annotations

from typing import Any

import pytest

from bot.admin import calendar_setup
from commands.settings_store import set_org_setting
from tests.conftest import AGENT_ID

HR, LISI, WANGWU = "boss", "lisi", "wangwu"


class Office:
    """Talk to the bot as members and look at what the fake WeCom holds."""

    def __init__(self, services: Any, fake: Any, wecom: Any, deliver: Any, clock: Any):
        self.services, self.fake, self.wecom, self.deliver, self.clock = \
            services, fake, wecom, deliver, clock
        self.seen: dict[str, int] = {}

    def setting(self, key: str, value: Any) -> None:
        with self.services.sessions.begin() as s:
            set_org_setting(s, key, value, by=None, now=self.clock())

    def say(self, user: str, text: str) -> str:
        """Send a message, run the worker, return what the sender got since."""
        assert self.wecom.text(user, text).status_code == 200
        self.deliver()
        return self.news(user)

    def news(self, user: str) -> str:
        got = self.fake.messages_to(user)
        new = got[self.seen.get(user, 0):]
        self.seen[user] = len(got)
        return "\n".join(new)

    def confirm(self, user: str, reply: str) -> str:
        import re
        code = re.search(r"(?:确认|confirm) ([A-Z2-9]{4})", reply).group(1)
        return self.say(user, f"确认 {code}")

    def events(self, live: bool = True) -> list[dict[str, Any]]:
        return [e for e in self.fake.schedules.values() if not live or e["status"] == 0]

    def event(self) -> dict[str, Any]:
        (e,) = self.events()
        return e

    def later(self, **delta: float) -> None:
        """Let time pass (retries come due) and run the worker."""
        self.clock.advance(**delta)
        self.deliver()


@pytest.fixture
def office(services, fake_wecom, wecom, deliver, clock) -> Office:
    fake_wecom.add_room(1, "大会议室", capacity=12)
    fake_wecom.add_room(2, "小会议室", capacity=4)
    from bot.pipeline.dispatch import ensure_user

    with services.sessions.begin() as s:
        for userid, name in ((HR, "王芳"), (LISI, "李四"), (WANGWU, "王五"), ("zhaoliu", "赵六")):
            u = ensure_user(s, userid, services.settings, clock())
            u.name, u.name_synced = name, True
            u.directory_name = name   # as WeCom's directory sync would have it
    out: list[str] = []
    assert calendar_setup(services.sessions, services.client, agent_id=AGENT_ID,
                          organizer=HR, name="面试", now=clock(), out=out.append) == 0, out
    return Office(services, fake_wecom, wecom, deliver, clock)
