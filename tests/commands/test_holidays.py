"""Public holidays of mainland China: the data file and the API the lifecycle code uses."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from commands.timeparse import holidays
from commands.timeparse.holidays import holiday_dates, holiday_on, is_makeup_workday

# 2026, from the State Council's notice.
OFF_2026 = [("元旦", "2026-01-01", "2026-01-03"), ("春节", "2026-02-15", "2026-02-23"),
            ("清明", "2026-04-04", "2026-04-06"), ("劳动节", "2026-05-01", "2026-05-05"),
            ("端午", "2026-06-19", "2026-06-21"), ("中秋", "2026-09-25", "2026-09-27"),
            ("国庆", "2026-10-01", "2026-10-07")]
MAKEUP_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


@pytest.mark.parametrize(("name", "first", "last"), OFF_2026)
def test_every_day_off_of_2026(name, first, last):
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    assert holiday_on(a - timedelta(days=1)) is None or a - timedelta(days=1) < date(2026, 1, 1)
    for i in range((b - a).days + 1):
        assert holiday_on(a + timedelta(days=i))[0] == name
    assert holiday_on(b + timedelta(days=1)) is None
    assert holiday_dates(name, date(2026, 1, 1)) == (a, b, False)


def test_makeup_working_days_of_2026():
    made = {date.fromisoformat(d) for d in MAKEUP_2026}
    assert all(is_makeup_workday(d) for d in made)
    assert all(d.weekday() >= 5 for d in made)
    d = date(2026, 1, 1)
    while d.year == 2026:
        assert is_makeup_workday(d) == (d in made)
        d += timedelta(days=1)


def test_2027_is_provisional_until_the_notice_is_out():
    assert holiday_dates("春节", date(2026, 12, 3)) == (date(2027, 2, 5), date(2027, 2, 8), True)
    assert holiday_dates("national day", date(2026, 12, 3))[2] is True
    assert holiday_on(date(2027, 1, 1)) == ("元旦", "New Year's Day")


@pytest.mark.parametrize("name", ["元旦", "new year's day", "春节", "Spring Festival", "清明节",
                                  "五一", "Labour Day", "端午节", "中秋", "国庆节", "National Day"])
def test_names_in_both_languages(name):
    assert holiday_dates(name, date(2026, 1, 1)) is not None


def test_unknown_names_and_dates_beyond_the_data():
    assert holiday_dates("圣诞节", date(2026, 1, 1)) is None
    assert holiday_dates("元旦", date(2030, 1, 2)) is None


def test_the_data_file_is_well_formed():
    raw = json.loads(holidays.DATA.read_text(encoding="utf-8"))
    for year, entry in raw["years"].items():
        names = [h["name"] for h in entry["holidays"]]
        assert sorted(names) == sorted(holidays.EN), year
        for h in entry["holidays"]:
            first, last = (date.fromisoformat(x) for x in h["off"])
            assert str(first.year) == year and first <= date.fromisoformat(h["day"]) <= last
