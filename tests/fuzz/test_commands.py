"""Fuzzing the command router (every registered command, real database) and the time parser."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.pipeline.dispatch import ensure_user
from commands.context import ROLES, Context, Reply
from commands.registry import load
from commands.timeparse import TimeResult, extract_day, extract_time, parse_day, parse_time
from store.db import make_sessionmaker
from tests.fuzz.support import fuzz, within

ROUTER = load()
ALIASES = sorted({a for c in ROUTER.commands for a in (*c.en, *c.zh)})
WORDS = ["#1", "#12", "#999999999", "@lisi", "@boss", "张三", "明天下午3点", "周五 14:00", "下周三",
         "3-4pm", "tomorrow 3pm", "时长:60", "dur:45", "round:2", "轮次:二面", "形式:视频",
         "mode:video", "rec:yes", "结论:推荐", "score:4", "评分:9", "notes:", "原因:", "C12",
         "position:后端", "phone:13800000000", "email:a@b.c", "确认", "confirm ABCD", "today",
         "本周", "Asia/Shanghai", "'); DROP TABLE users;--", "[x](http://e)", "<a href=x>",
         "：", ":", "#", "@", "0", "-1", "2026-13-45", "25点", "\u3000", "\n", "🙂"]
# No NUL: XML cannot carry it and parse_aibot removes it, so no command text ever has one.
CHARS = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
COMMAND = st.builds(lambda a, ws, tail: " ".join([a, *ws]) + tail, st.sampled_from(ALIASES),
                    st.lists(st.sampled_from(WORDS), max_size=6),
                    st.text(alphabet=CHARS, max_size=20))
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sessions(engine):
    return make_sessionmaker(engine)


def run(sessions, settings, text: str, role: str) -> list[Reply]:
    """One message through the router, in a transaction that is rolled back."""
    with sessions() as s, s.begin():
        sender = ensure_user(s, f"fuzz-{role}", settings, NOW)
        sender.role = role
        ctx = Context(sender=sender, session=s, now=NOW, settings=settings,
                      lang="zh", source_key="fuzz")
        with s.begin_nested():   # as Dispatcher.take does: the savepoint flushes the handler's rows
            replies = ROUTER.dispatch(ctx, text)
        s.rollback()
    return replies


@fuzz(150)
@given(text=COMMAND | st.text(alphabet=CHARS, max_size=200), role=st.sampled_from(ROLES))
def test_any_command_text_gets_replies_not_an_exception(sessions, settings, text, role):
    replies = run(sessions, settings, text, role)
    assert all(isinstance(r, Reply) and isinstance(r.text, str) for r in replies)


@pytest.mark.parametrize("alias", ALIASES)
def test_ten_thousand_characters_after_any_command(sessions, settings, alias):
    for tail in ("x" * 10_000, " 张三 明天下午3点" * 1000, "#1 " * 3000, "a:" * 5000):
        text = f"{alias} {tail}"
        replies = within(lambda text=text: run(sessions, settings, text, "admin"))
        # No amplification: a reply may quote the message, not multiply it.
        assert sum(len(r.text) for r in replies) < len(text) + 2000, alias


ZONES = st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York", "Europe/London",
                         "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"])
TIME_TEXT = st.lists(st.sampled_from(WORDS + ["上午", "下午", "晚上", "凌晨", "中午", "点", "半",
                                              "号", "月", "日", "am", "pm", "noon", "midnight",
                                              "到",
                                              "~", "-", "next", "last", "in 2 hours", "2小时后",
                                              "12/1", "Dec 1", "十二点", "3:00", "15:30",
                                              "+08:00", "+48:00", "-13:00", "T15:00+99:00"]),
                     max_size=8).map(" ".join) | st.text(max_size=80)
STATUSES = {"ok", "ambiguous", "past", "invalid", "none", "unclear"}


@fuzz(200)
@given(text=TIME_TEXT, now=st.datetimes(min_value=datetime(2000, 1, 1),
                                        max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
       tz=ZONES)
def test_time_parsing_always_answers_with_a_status(text, now, tz):
    result = parse_time(text, now, tz)
    assert isinstance(result, TimeResult) and result.status in STATUSES
    if result.status == "ok":
        assert result.start.tzinfo is not None
        assert result.start.utcoffset() == result.start.astimezone(ZoneInfo(tz)).utcoffset()
    found, rest = extract_time(text, now, tz)
    assert found.status in STATUSES and isinstance(rest, str) and len(rest) <= len(text)
    day, rest = extract_day(text, now, tz)
    assert day is None or day.year >= 1999
    parse_day(text, now, tz)


@pytest.mark.parametrize("text", ["0:01+48:00", "2026-12-01T15:00+99:00", "15:00-12:30",
                                  "2026-12-01 15:00+14:01"])
def test_an_impossible_utc_offset_is_invalid_not_a_crash(text):
    # Found by atheris (fuzz/fuzz_timeparse.py): timezone() raised ValueError.
    assert parse_time(text, NOW, "Asia/Shanghai").status == "invalid"


def test_a_naive_now_is_the_one_documented_error():
    with pytest.raises(ValueError):
        parse_time("明天下午3点", datetime(2026, 11, 25, 10), "Asia/Shanghai")


@pytest.mark.parametrize("text", ["明天下午3点 " * 1500, "1" * 10_000, "3-" * 5000,
                                  "下周" * 5000, "next " * 2000 + "wed", "12/1 " * 2000,
                                  "到" * 10_000, "点半" * 5000, "2026-12-01 " * 1000])
def test_ten_thousand_character_time_phrases_are_bounded(text):
    within(lambda: parse_time(text, NOW, "Asia/Shanghai"))
    within(lambda: extract_time(text, NOW + timedelta(days=1), "Asia/Shanghai"))
