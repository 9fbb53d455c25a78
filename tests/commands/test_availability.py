"""Declared interview hours and caps: parsing, per-person settings, organisation defaults."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from commands.availability import caps_of, hours_of, parse_caps, parse_hours, within_hours
from tests.commands.conftest import LISI

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("text", "value"), [
    ("周二 周四 14:00-18:00", {"days": [2, 4], "hours": "14:00-18:00"}),
    ("tue thu 14:00 - 18:00", {"days": [2, 4], "hours": "14:00-18:00"}),
    ("周一-周三", {"days": [1, 2, 3], "hours": None}),
    ("9:30-11:00", {"days": None, "hours": "09:30-11:00"}),
])
def test_hours_parse(text, value):
    assert parse_hours(text) == value


@pytest.mark.parametrize("text", ["周八 14:00-18:00", "18:00-14:00", "周二 下午", "",
                                  "14:00-15:00 16:00-17:00"])
def test_hours_refuse_what_is_not_understood(text):
    with pytest.raises(ValueError):
        parse_hours(text)


@pytest.mark.parametrize(("text", "value"), [
    ("每天2 每周6", {"day": 2, "week": 6}), ("day 2 week 6", {"day": 2, "week": 6}),
    ("2/day", {"day": 2, "week": None}), ("每周 5", {"day": None, "week": 5}),
    ("不限", {"day": None, "week": None}),
])
def test_caps_parse(text, value):
    assert parse_caps(text) == value


@pytest.mark.parametrize("text", ["每天2 很多", "每天0", "每天2 每天3", "6", "week"])
def test_caps_refuse_what_is_not_understood(text):
    with pytest.raises(ValueError):
        parse_caps(text)


def test_person_declares_hours_and_caps_and_reads_them_back(desk):
    assert "Updated" in desk.ask(LISI, "settings interviewhours tue thu 14:00-18:00")
    assert "已更新" in desk.ask(LISI, "设置 上限 每天2 每周6")
    lisi = desk.users()[LISI]
    with desk.sessions() as s:
        assert hours_of(s, lisi.id) == {"days": [2, 4], "hours": "14:00-18:00"}
        assert caps_of(s, lisi.id) == {"day": 2, "week": 6}
        tue = datetime(2026, 12, 1, 6, tzinfo=UTC)          # Tuesday 14:00 Shanghai
        assert within_hours(s, lisi.id, tue, tue.replace(hour=7), TZ)
        assert not within_hours(s, lisi.id, tue.replace(hour=3), tue.replace(hour=4), TZ)
        wed = datetime(2026, 12, 2, 6, tzinfo=UTC)
        assert not within_hours(s, lisi.id, wed, wed.replace(hour=7), TZ)
    shown = desk.ask(LISI, "settings")
    assert "2,4 14:00-18:00" in shown and "day 2, week 6" in shown


def test_bad_caps_write_nothing(desk):
    assert "不是有效的值" in desk.ask(LISI, "设置 上限 每天2 很多")
    with desk.sessions() as s:
        assert caps_of(s, desk.users()[LISI].id) == {"day": None, "week": None}


def test_org_default_applies_until_a_person_overrides(desk):
    desk.user("boss", "admin", "老板")
    assert "interview_caps" in desk.ask("boss", "设置 全局 上限 每天3 每周8")
    lisi = desk.users()[LISI].id
    with desk.sessions() as s:
        assert caps_of(s, lisi) == {"day": 3, "week": 8}
    desk.ask(LISI, "设置 上限 每天1")
    with desk.sessions() as s:
        assert caps_of(s, lisi) == {"day": 1, "week": None}
