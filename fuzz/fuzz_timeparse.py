"""atheris: commands.timeparse.parse_time / extract_time / extract_day on arbitrary text."""
from __future__ import annotations

from datetime import UTC, datetime

from _common import atheris, run

with atheris.instrument_imports():
    from commands.timeparse import extract_day, extract_time, parse_time

ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"]
STATUSES = {"ok", "ambiguous", "past", "invalid", "none"}
SEEDS = [s.encode() for s in ["明天下午3点", "下周三 14:00-15:30", "fri 3-4pm", "12月1日 晚上8点",
                              "in 2 hours", "2026-12-01T15:00+08:00", "凌晨2点到4点"]]


def test_one(data: bytes) -> None:
    """A TimeResult with a known status for every text; no exception."""
    fdp = atheris.FuzzedDataProvider(data)
    tz = ZONES[fdp.ConsumeIntInRange(0, len(ZONES) - 1)]
    now = datetime.fromtimestamp(fdp.ConsumeIntInRange(946_684_800, 3_786_912_000), UTC)
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    assert parse_time(text, now, tz).status in STATUSES
    assert extract_time(text, now, tz)[0].status in STATUSES
    extract_day(text, now, tz)


if __name__ == "__main__":
    run("timeparse", test_one, SEEDS)
