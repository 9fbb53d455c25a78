"""atheris: commands.timeparse.parse_time / extract_time / extract_day on arbitrary text."""
from __future__ import annotations

from datetime import UTC, datetime

from _common import INSTRUMENT, atheris, run

with atheris.instrument_imports(include=INSTRUMENT):
    from commands.timeparse import extract_day, extract_time, parse_time

ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"]
STATUSES = {"ok", "ambiguous", "past", "invalid", "none", "unclear"}
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


TOKENS = ["明天", "后天", "今天", "下周", "本周", "周", "星期", "上午", "下午", "晚上", "凌晨",
          "中午",
          "点", "半", "分", "号", "月", "日", "年", "到", "至", "am", "pm", "noon", "midnight",
          "tomorrow", "next", "this", "last", "in", "hours", "minutes", "mon", "fri", "Dec",
          ":", "-", "~", "/", "T", "+08:00", "时间:", "dur:", "@", "#"]

if __name__ == "__main__":
    run("timeparse", test_one, SEEDS, tokens=TOKENS)
