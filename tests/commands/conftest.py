"""Handler tests: commands run through the real router against PostgreSQL, fixed clock.

`desk.say(userid, text)` runs one message the way the spine does (one transaction, the
handler in a savepoint) and returns the replies; `desk.to(userid)` is what the sender got.
"""
from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.pipeline.dispatch import ensure_user
from commands.context import Context, Reply
from commands.registry import load
from store.db import make_sessionmaker
from store.models import User

HR, LISI, WANGWU, ZHAOLIU = "wangfang", "lisi", "wangwu", "zhaoliu"


class Desk:
    """Sends commands as any user and keeps what came back."""

    _ids = itertools.count(1)

    def __init__(self, sessions: Any, settings: Any, clock: Any):
        self.sessions, self.settings, self.clock = sessions, settings, clock
        self.router = load()
        self.sent: list[tuple[str, Reply]] = []   # (from userid, reply) in order

    def user(self, userid: str, role: str = "interviewer", name: str | None = None,
             lang: str | None = None, tz: str | None = None) -> None:
        """Create (or update) a user."""
        with self.sessions.begin() as s:
            u = ensure_user(s, userid, self.settings, self.clock())
            u.role, u.name, u.lang, u.timezone = role, name or userid, lang, tz
            u.name_synced = name is not None
            u.directory_name = name   # as WeCom's directory sync would have it

    def say(self, userid: str, text: str, chat: str = "single") -> list[Reply]:
        """One message from userid; returns every reply (to the sender and to others)."""
        with self.sessions.begin() as s:
            sender = ensure_user(s, userid, self.settings, self.clock())
            ctx = Context(sender=sender, session=s, now=self.clock(), settings=self.settings,
                          lang=sender.lang or "zh", chat=chat,
                          source_key=f"test:{next(self._ids)}")
            with s.begin_nested():
                replies = self.router.dispatch(ctx, text)
        self.sent += [(userid, r) for r in replies]
        return replies

    def ask(self, userid: str, text: str, chat: str = "single") -> str:
        """The text of the replies addressed to the sender."""
        return "\n".join(r.text for r in self.say(userid, text, chat) if r.to in (None, userid))

    def notices(self, userid: str) -> list[Reply]:
        """Every reply addressed to userid by someone else's command."""
        return [r for _, r in self.sent if r.to == userid]

    def confirm(self, userid: str, reply: str, extra: str = "") -> str:
        """Send the confirm command a reply asked for."""
        code = re.search(r"(?:确认|confirm) ([A-Z2-9]{4})", reply).group(1)
        word = "确认" if "确认" in reply else "confirm"
        return self.ask(userid, f"{word} {code}{extra}")

    def count(self, model: Any, *where: Any) -> int:
        """Rows of a model."""
        with self.sessions() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where))

    def get(self, model: Any, *where: Any) -> Any:
        """The one row matching."""
        with self.sessions() as s:
            return s.scalars(select(model).where(*where)).one()

    def users(self) -> dict[str, User]:
        """Every user by userid."""
        with self.sessions() as s:
            return {u.wecom_userid: u for u in s.scalars(select(User))}


@pytest.fixture
def desk(db, settings, clock) -> Desk:
    d = Desk(make_sessionmaker(db), settings, clock)
    d.user(HR, "hr", "王芳")
    d.user(LISI, "interviewer", "李四")
    d.user(WANGWU, "interviewer", "王五")
    d.user(ZHAOLIU, "interviewer", "赵六")
    return d
