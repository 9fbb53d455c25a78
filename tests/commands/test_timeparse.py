"""Table-driven tests for commands.timeparse (now = Wed 2026-11-25 10:00 Asia/Shanghai)."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.timeparse import (
    TimeResult,
    extract_day,
    extract_time,
    format_when,
    parse_day,
    parse_time,
)
from commands.timeparse._scan import prepare, scan, scan_longest

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SH)  # a Wednesday


def cst(s: str) -> str:
    """'2026-11-26 15:00' -> the ISO string of that wall time in Shanghai."""
    return datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=SH).isoformat()


OK, AMB, PAST, BAD, NONE, UNC = "ok", "ambiguous", "past", "invalid", "none", "unclear"

# (phrase, status, start, end) — start/end as "YYYY-MM-DD HH:MM" in Shanghai, or None.
CHINESE = [
    # the examples in the issue
    ("明天下午3点", OK, "2026-11-26 15:00", None),
    ("后天上午10:30", OK, "2026-11-27 10:30", None),
    ("周五 14:00", OK, "2026-11-27 14:00", None),
    ("下周三10点", OK, "2026-12-02 10:00", None),
    ("12月1日 15:00", OK, "2026-12-01 15:00", None),
    ("12月1号下午3点半", OK, "2026-12-01 15:30", None),
    ("今晚8点", OK, "2026-11-25 20:00", None),
    ("2026-12-01 15:00", OK, "2026-12-01 15:00", None),
    # days
    ("明天下午三点", OK, "2026-11-26 15:00", None),
    ("明天15:00", OK, "2026-11-26 15:00", None),
    ("明天 15:00", OK, "2026-11-26 15:00", None),
    ("明日 15:00", OK, "2026-11-26 15:00", None),
    ("后天上午10点", OK, "2026-11-27 10:00", None),
    ("大后天上午10点", OK, "2026-11-28 10:00", None),
    ("今天下午2点", OK, "2026-11-25 14:00", None),
    ("今天晚上8点", OK, "2026-11-25 20:00", None),
    ("明天晚上7点半", OK, "2026-11-26 19:30", None),
    ("明早9点", OK, "2026-11-26 09:00", None),
    ("明晚7点半", OK, "2026-11-26 19:30", None),
    ("明天早上8点", OK, "2026-11-26 08:00", None),
    ("明天凌晨2点", OK, "2026-11-26 02:00", None),
    ("昨天下午3点", PAST, "2026-11-24 15:00", None),
    ("昨天3点", PAST, "2026-11-24 15:00", None),
    ("今早8点", PAST, "2026-11-25 08:00", None),
    ("今天上午9点", PAST, "2026-11-25 09:00", None),
    # weekdays: bare = next on/after today; 本/这 = this week; 下 = next week; 上 = last week
    ("周五下午2点", OK, "2026-11-27 14:00", None),
    ("星期五 14:00", OK, "2026-11-27 14:00", None),
    ("礼拜五 14:00", OK, "2026-11-27 14:00", None),
    ("星期天 14:00", OK, "2026-11-29 14:00", None),
    ("周日 14:00", OK, "2026-11-29 14:00", None),
    ("周三 15:00", OK, "2026-11-25 15:00", None),
    ("周三 9:00", OK, "2026-12-02 09:00", None),
    ("周三 10:00", OK, "2026-12-02 10:00", None),
    ("周一 10:00", OK, "2026-11-30 10:00", None),
    ("下周一上午10点", OK, "2026-11-30 10:00", None),
    ("下周三 10:30", OK, "2026-12-02 10:30", None),
    ("下个星期三 10:30", OK, "2026-12-02 10:30", None),
    ("下周日 10:00", OK, "2026-12-06 10:00", None),
    ("下下周一 10:00", OK, "2026-12-07 10:00", None),
    ("本周五 15:00", OK, "2026-11-27 15:00", None),
    ("这周五 15:00", OK, "2026-11-27 15:00", None),
    ("本周日 10:00", OK, "2026-11-29 10:00", None),
    ("本周一 10:00", PAST, "2026-11-23 10:00", None),
    ("上周五下午3点", PAST, "2026-11-20 15:00", None),
    # dates: no year = this year, or next year once the date has passed
    ("12月1日下午3点", OK, "2026-12-01 15:00", None),
    ("12月1号 下午3点", OK, "2026-12-01 15:00", None),
    ("十二月一日下午三点", OK, "2026-12-01 15:00", None),
    ("2026年12月1日 15:00", OK, "2026-12-01 15:00", None),
    ("2026年12月1日下午3点", OK, "2026-12-01 15:00", None),
    ("2027年1月5日 10:00", OK, "2027-01-05 10:00", None),
    ("1月5日 10:00", OK, "2027-01-05 10:00", None),
    ("11月24日 15:00", PAST, "2026-11-24 15:00", None),
    ("11月25日 9:00", PAST, "2026-11-25 09:00", None),
    ("2026年11月24日 15:00", PAST, "2026-11-24 15:00", None),
    ("12-01 15:00", OK, "2026-12-01 15:00", None),
    ("二十号 15:00", OK, "2026-12-20 15:00", None),
    ("30号下午3点", OK, "2026-11-30 15:00", None),
    ("下个月5号 10:00", OK, "2026-12-05 10:00", None),
    ("周二 12月1日 15:00", OK, "2026-12-01 15:00", None),
    # hours, minutes and parts of the day
    ("下午3点", OK, "2026-11-25 15:00", None),
    ("15点", OK, "2026-11-25 15:00", None),
    ("十五点", OK, "2026-11-25 15:00", None),
    ("15点30分", OK, "2026-11-25 15:30", None),
    ("15时30分", OK, "2026-11-25 15:30", None),
    ("二十三点", OK, "2026-11-25 23:00", None),
    ("下午15点", OK, "2026-11-25 15:00", None),
    ("下午3点一刻", OK, "2026-11-25 15:15", None),
    ("下午3点三刻", OK, "2026-11-25 15:45", None),
    ("下午三点二十分", OK, "2026-11-25 15:20", None),
    ("下午3点05分", OK, "2026-11-25 15:05", None),
    ("下午3点20", OK, "2026-11-25 15:20", None),
    ("下午3点钟", OK, "2026-11-25 15:00", None),
    ("下午3点整", OK, "2026-11-25 15:00", None),
    ("十二点", OK, "2026-11-25 12:00", None),
    ("12点", OK, "2026-11-25 12:00", None),
    ("十二点半", OK, "2026-11-25 12:30", None),
    ("中午12点", OK, "2026-11-25 12:00", None),
    ("中午1点", OK, "2026-11-25 13:00", None),
    ("傍晚6点", OK, "2026-11-25 18:00", None),
    ("晚上八点", OK, "2026-11-25 20:00", None),
    ("晚8点", OK, "2026-11-25 20:00", None),
    ("晚上12点", OK, "2026-11-26 00:00", None),
    ("夜里2点", OK, "2026-11-26 02:00", None),
    ("凌晨2点", PAST, "2026-11-25 02:00", None),
    ("早8点", PAST, "2026-11-25 08:00", None),
    ("明天0点", OK, "2026-11-26 00:00", None),
    ("10:30", OK, "2026-11-25 10:30", None),
    ("9:00", PAST, "2026-11-25 09:00", None),
    ("今天9:00", PAST, "2026-11-25 09:00", None),
    # ambiguous: X点 with X = 1–11 and no 上午/下午; best guess 1–7 pm, 8–11 am
    ("3点", AMB, "2026-11-25 15:00", None),
    ("三点", AMB, "2026-11-25 15:00", None),
    ("3点半", AMB, "2026-11-25 15:30", None),
    ("3点钟", AMB, "2026-11-25 15:00", None),
    ("两点", AMB, "2026-11-25 14:00", None),
    ("明天3点", AMB, "2026-11-26 15:00", None),
    ("十点半", OK, "2026-11-25 10:30", None),
    ("明天十点半", OK, "2026-11-26 10:30", None),
    ("9点", PAST, "2026-11-25 09:00", None),
    ("3:30", AMB, "2026-11-25 15:30", None),
    # offsets from now
    ("2小时后", OK, "2026-11-25 12:00", None),
    ("两个小时后", OK, "2026-11-25 12:00", None),
    ("半小时后", OK, "2026-11-25 10:30", None),
    ("30分钟后", OK, "2026-11-25 10:30", None),
    ("1个半小时后", OK, "2026-11-25 11:30", None),
    ("3天后下午3点", OK, "2026-11-28 15:00", None),
    ("三天后下午3点", OK, "2026-11-28 15:00", None),
    # ranges: the end inherits the start's day and 下午
    ("明天下午3点-4点", OK, "2026-11-26 15:00", "2026-11-26 16:00"),
    ("明天下午3点到4点", OK, "2026-11-26 15:00", "2026-11-26 16:00"),
    ("下午3点到4点", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("下午3点至4点半", OK, "2026-11-25 15:00", "2026-11-25 16:30"),
    ("明天下午3点~5点", OK, "2026-11-26 15:00", "2026-11-26 17:00"),
    ("3点-4点半", AMB, "2026-11-25 15:00", "2026-11-25 16:30"),
    ("15:00-16:00", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("15:00 – 16:00", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("14:00~15:30", OK, "2026-11-25 14:00", "2026-11-25 15:30"),
    ("14：00～15：30", OK, "2026-11-25 14:00", "2026-11-25 15:30"),
    ("明天１５：００", OK, "2026-11-26 15:00", None),
    ("晚上10点到12点", OK, "2026-11-25 22:00", "2026-11-26 00:00"),
    ("23:00-01:00", OK, "2026-11-25 23:00", "2026-11-26 01:00"),
    ("明天 10-11", AMB, "2026-11-26 10:00", "2026-11-26 11:00"),
    ("明天 14", OK, "2026-11-26 14:00", None),
    ("早上十点", OK, "2026-11-25 10:00", None),  # exactly now is not past
    ("上午12点", OK, "2026-11-25 12:00", None),
    ("半夜12点", OK, "2026-11-26 00:00", None),
    ("明天24点", OK, "2026-11-27 00:00", None),
    ("周5 14:00", OK, "2026-11-27 14:00", None),
    ("两天后 10:00", OK, "2026-11-27 10:00", None),
    ("二〇二六年十二月一日 15:00", OK, "2026-12-01 15:00", None),
    ("下午3点到晚上8点", OK, "2026-11-25 15:00", "2026-11-25 20:00"),
    ("3点到下午4点", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("明天下午3点到后天上午10点", OK, "2026-11-26 15:00", "2026-11-27 10:00"),
    ("明天晚上11点到1点", OK, "2026-11-26 23:00", "2026-11-27 01:00"),
    # impossible
    ("25点", BAD, None, None),
    ("二十五点", BAD, None, None),
    ("明天25:00", BAD, None, None),
    ("12:60", BAD, None, None),
    ("2月30日", BAD, None, None),
    ("2月30日 15:00", BAD, None, None),
    ("13月1日 15:00", BAD, None, None),
    ("十三月一日", BAD, None, None),
    ("32号 10:00", BAD, None, None),
    ("上午15点", BAD, None, None),
    ("15:00-14:00", BAD, None, None),
    ("周五 12月1日 15:00", UNC, None, None),  # the weekday does not agree: asked back
    ("明天", BAD, None, None),
    ("明天下午", BAD, None, None),
    ("下周三", BAD, None, None),
    # nothing time-like
    ("张三", NONE, None, None),
    ("面试官 李四", NONE, None, None),
    ("", NONE, None, None),
    ("#12", NONE, None, None),
    ("时长:60", NONE, None, None),
    ("晚一点", BAD, None, None),  # a time word nobody can place is refused, never dropped
    ("3号楼", NONE, None, None),
    ("下午", BAD, None, None),
    ("下周", UNC, None, None),
]

ENGLISH = [
    # the examples in the issue
    ("tomorrow 3pm", OK, "2026-11-26 15:00", None),
    ("fri 14:00", OK, "2026-11-27 14:00", None),
    ("next wed 10:30", OK, "2026-12-02 10:30", None),
    ("Dec 1 3:30pm", OK, "2026-12-01 15:30", None),
    ("in 2 hours", OK, "2026-11-25 12:00", None),
    # days and weekdays
    ("tomorrow at 3pm", OK, "2026-11-26 15:00", None),
    ("tomorrow 15:00", OK, "2026-11-26 15:00", None),
    ("TOMORROW 3PM", OK, "2026-11-26 15:00", None),
    ("3pm tomorrow", OK, "2026-11-26 15:00", None),
    ("tmr 3pm", OK, "2026-11-26 15:00", None),
    ("the day after tomorrow 10am", OK, "2026-11-27 10:00", None),
    ("Friday 14:00", OK, "2026-11-27 14:00", None),
    ("friday 2pm", OK, "2026-11-27 14:00", None),
    ("on friday at 2pm", OK, "2026-11-27 14:00", None),
    ("next Friday 2pm", OK, "2026-12-04 14:00", None),
    ("next monday 10am", OK, "2026-11-30 10:00", None),
    ("next sun 10am", OK, "2026-12-06 10:00", None),
    ("this fri 3pm", OK, "2026-11-27 15:00", None),
    ("this coming fri 3pm", OK, "2026-11-27 15:00", None),
    ("this mon 3pm", PAST, "2026-11-23 15:00", None),
    ("last fri 3pm", PAST, "2026-11-20 15:00", None),
    ("wed 3pm", OK, "2026-11-25 15:00", None),
    ("wed 9am", OK, "2026-12-02 09:00", None),
    ("thursday 10:00", OK, "2026-11-26 10:00", None),
    ("Thu 10:00", OK, "2026-11-26 10:00", None),
    ("tue 10:00", OK, "2026-12-01 10:00", None),
    ("Sat. 11am", OK, "2026-11-28 11:00", None),
    ("tonight 8pm", OK, "2026-11-25 20:00", None),
    ("tonight 8", OK, "2026-11-25 20:00", None),
    ("tonight at midnight", OK, "2026-11-26 00:00", None),
    ("this afternoon 3", OK, "2026-11-25 15:00", None),
    ("this afternoon at 4", OK, "2026-11-25 16:00", None),
    ("tomorrow morning 9", OK, "2026-11-26 09:00", None),
    ("tomorrow evening 7", OK, "2026-11-26 19:00", None),
    ("tomorrow afternoon 3:30", OK, "2026-11-26 15:30", None),
    ("3 in the afternoon", OK, "2026-11-25 15:00", None),
    ("yesterday 3pm", PAST, "2026-11-24 15:00", None),
    ("in 3 days 3pm", OK, "2026-11-28 15:00", None),
    # dates
    ("Dec 1 3pm", OK, "2026-12-01 15:00", None),
    ("December 1st 3pm", OK, "2026-12-01 15:00", None),
    ("Dec. 1, 2026 3pm", OK, "2026-12-01 15:00", None),
    ("1 Dec 15:00", OK, "2026-12-01 15:00", None),
    ("1st of December 3pm", OK, "2026-12-01 15:00", None),
    ("1 December 2027 10:00", OK, "2027-12-01 10:00", None),
    ("Jan 5 10am", OK, "2027-01-05 10:00", None),
    ("Nov 24 3pm", PAST, "2026-11-24 15:00", None),
    ("Nov 25 9am", PAST, "2026-11-25 09:00", None),
    ("12/1 15:00", OK, "2026-12-01 15:00", None),
    ("12/1 3pm", OK, "2026-12-01 15:00", None),
    ("12/1/2026 3pm", OK, "2026-12-01 15:00", None),
    ("1/5 10:00", OK, "2027-01-05 10:00", None),
    ("tue Dec 1 3pm", OK, "2026-12-01 15:00", None),
    ("Tuesday, December 1 3pm", OK, "2026-12-01 15:00", None),
    # clock forms
    ("3pm", OK, "2026-11-25 15:00", None),
    ("3PM", OK, "2026-11-25 15:00", None),
    ("3:30pm", OK, "2026-11-25 15:30", None),
    ("3:30 pm", OK, "2026-11-25 15:30", None),
    ("3 p.m.", OK, "2026-11-25 15:00", None),
    ("3.30pm", OK, "2026-11-25 15:30", None),
    ("11am", OK, "2026-11-25 11:00", None),
    ("12pm", OK, "2026-11-25 12:00", None),
    ("12am", PAST, "2026-11-25 00:00", None),
    ("at 3pm", OK, "2026-11-25 15:00", None),
    ("15:00", OK, "2026-11-25 15:00", None),
    ("noon", OK, "2026-11-25 12:00", None),
    ("12 noon", OK, "2026-11-25 12:00", None),
    ("tomorrow noon", OK, "2026-11-26 12:00", None),
    ("midnight", OK, "2026-11-26 00:00", None),
    ("tomorrow midnight", OK, "2026-11-27 00:00", None),
    ("9am", PAST, "2026-11-25 09:00", None),
    ("tomorrow 9:00", OK, "2026-11-26 09:00", None),
    ("tomorrow 09:00", OK, "2026-11-26 09:00", None),
    ("at 15", OK, "2026-11-25 15:00", None),
    ("24:00", OK, "2026-11-26 00:00", None),
    ("8:00", PAST, "2026-11-25 08:00", None),
    ("Mon, Dec 7 9am", OK, "2026-12-07 09:00", None),
    ("3 days later 3pm", OK, "2026-11-28 15:00", None),
    ("12/31/2026 10:00", OK, "2026-12-31 10:00", None),
    ("2026.12.01 15:00", OK, "2026-12-01 15:00", None),
    # ambiguous
    ("fri 3", AMB, "2026-11-27 15:00", None),
    ("at 3", AMB, "2026-11-25 15:00", None),
    ("tomorrow 3", AMB, "2026-11-26 15:00", None),
    ("tomorrow at 9", AMB, "2026-11-26 09:00", None),
    ("3 o'clock", AMB, "2026-11-25 15:00", None),
    ("tomorrow 2:00", AMB, "2026-11-26 14:00", None),
    ("1:00", AMB, "2026-11-25 13:00", None),
    # offsets from now
    ("in 30 minutes", OK, "2026-11-25 10:30", None),
    ("in 1 hour", OK, "2026-11-25 11:00", None),
    ("in an hour", OK, "2026-11-25 11:00", None),
    ("in half an hour", OK, "2026-11-25 10:30", None),
    ("in an hour and a half", OK, "2026-11-25 11:30", None),
    ("in 90 mins", OK, "2026-11-25 11:30", None),
    ("in two hours", OK, "2026-11-25 12:00", None),
    ("2 hours later", OK, "2026-11-25 12:00", None),
    ("2 hours ago", PAST, "2026-11-25 08:00", None),
    # ranges
    ("3pm-4pm", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("3-4pm", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("3pm to 4pm", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("from 3pm to 4pm", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("3pm - 4:30pm", OK, "2026-11-25 15:00", "2026-11-25 16:30"),
    ("14:00 to 15:30", OK, "2026-11-25 14:00", "2026-11-25 15:30"),
    ("14:00 until 15:30", OK, "2026-11-25 14:00", "2026-11-25 15:30"),
    ("10-11am", OK, "2026-11-25 10:00", "2026-11-25 11:00"),
    ("11am-1pm", OK, "2026-11-25 11:00", "2026-11-25 13:00"),
    ("11-1pm", OK, "2026-11-25 11:00", "2026-11-25 13:00"),
    ("3pm-4", OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ("tomorrow 3-4pm", OK, "2026-11-26 15:00", "2026-11-26 16:00"),
    ("fri 3-4", AMB, "2026-11-27 15:00", "2026-11-27 16:00"),
    ("11pm-1am", OK, "2026-11-25 23:00", "2026-11-26 01:00"),
    ("1-4pm", OK, "2026-11-25 13:00", "2026-11-25 16:00"),
    ("22:00-24:00", OK, "2026-11-25 22:00", "2026-11-26 00:00"),
    ("tomorrow 3pm-tomorrow 4pm", OK, "2026-11-26 15:00", "2026-11-26 16:00"),
    # ISO
    ("2026/12/01 15:00", OK, "2026-12-01 15:00", None),
    ("2026-12-01T15:00", OK, "2026-12-01 15:00", None),
    ("2026-12-01T15:00:00", OK, "2026-12-01 15:00", None),
    ("2026-12-01 15:00+08:00", OK, "2026-12-01 15:00", None),
    ("2026-12-01T15:00+08:00", OK, "2026-12-01 15:00", None),
    ("2026-12-01T07:00Z", OK, "2026-12-01 15:00", None),
    ("2026-12-01T02:00-05:00", OK, "2026-12-01 15:00", None),
    ("2026-12-01 3pm", OK, "2026-12-01 15:00", None),
    ("2026-12-01 09:00", OK, "2026-12-01 09:00", None),
    ("2026-12-01 15:00-16:00", OK, "2026-12-01 15:00", "2026-12-01 16:00"),
    ("2026-11-20 15:00", PAST, "2026-11-20 15:00", None),
    ("2026-12-01 3:00", AMB, "2026-12-01 15:00", None),
    # impossible
    ("13pm", BAD, None, None),
    ("0pm", BAD, None, None),
    ("25:00", BAD, None, None),
    ("morning 3pm", BAD, None, None),
    ("Feb 30 3pm", BAD, None, None),
    ("2026-02-30 15:00", BAD, None, None),
    ("fri Dec 1 3pm", UNC, None, None),
    ("tomorrow", BAD, None, None),
    ("2026-12-01", BAD, None, None),
    ("tonight", BAD, None, None),
    ("Dec 32 3pm", BAD, None, None),
    ("31/12 10:00", BAD, None, None),
    # nothing time-like
    ("hello", NONE, None, None),
    ("round 2", NONE, None, None),
    ("dur:45", NONE, None, None),
    ("Alice Wang", NONE, None, None),
    ("13800138000", NONE, None, None),
    ("8-9", NONE, None, None),
    ("next week", UNC, None, None),
]

TABLE = CHINESE + ENGLISH

# The wider grammar of issue 11: traditional forms, mixed languages, more dates, relative times,
# ranges, vague days asked back (UNC), holidays, and refusals that name the part not understood.
WIDER = [
    # traditional characters
    ('週五下午三點', OK, "2026-11-27 15:00", None),
    ('下週三 15:00', OK, "2026-12-02 15:00", None),
    ('禮拜五下午3點', OK, "2026-11-27 15:00", None),
    ('星期五下午3時', OK, "2026-11-27 15:00", None),
    ('下個星期一上午10點', OK, "2026-11-30 10:00", None),
    ('明天下午兩點', OK, "2026-11-26 14:00", None),
    ('明天下午3點半', OK, "2026-11-26 15:30", None),
    ('明天下午3點一刻', OK, "2026-11-26 15:15", None),
    ('後天上午10點', OK, "2026-11-27 10:00", None),
    ('這週五下午2點', OK, "2026-11-27 14:00", None),
    ('下週三下午3時30分', OK, "2026-12-02 15:30", None),
    ('十二月一號下午三點', OK, "2026-12-01 15:00", None),
    ('明天晚上8點', OK, "2026-11-26 20:00", None),
    ('明天中午12點', OK, "2026-11-26 12:00", None),
    # mixed
    ('明天 3pm', OK, "2026-11-26 15:00", None),
    ('tomorrow 下午3点', OK, "2026-11-26 15:00", None),
    ('周五 3pm', OK, "2026-11-27 15:00", None),
    ('fri 下午2点', OK, "2026-11-27 14:00", None),
    ('下周三 10am', OK, "2026-12-02 10:00", None),
    ('next wed 下午3点', OK, "2026-12-02 15:00", None),
    ('12月1日 3pm', OK, "2026-12-01 15:00", None),
    ('Dec 1 下午3点', OK, "2026-12-01 15:00", None),
    ('明天 15:00-16:00', OK, "2026-11-26 15:00", "2026-11-26 16:00"),
    ('tomorrow 下午3点到4点', OK, "2026-11-26 15:00", "2026-11-26 16:00"),
    ('后天 2:30pm', OK, "2026-11-27 14:30", None),
    # parts of the day
    ('后天中午', OK, "2026-11-27 12:00", None),
    ('明天中午', OK, "2026-11-26 12:00", None),
    ('中午12点半', OK, "2026-11-25 12:30", None),
    ('明天傍晚6点半', OK, "2026-11-26 18:30", None),
    ('明天傍晚5点', OK, "2026-11-26 17:00", None),
    ('今晚8点半', OK, "2026-11-25 20:30", None),
    ('今晚9点', OK, "2026-11-25 21:00", None),
    ('明晚8点', OK, "2026-11-26 20:00", None),
    ('明早9点', OK, "2026-11-26 09:00", None),
    ('明早十点', OK, "2026-11-26 10:00", None),
    ('早上8点半', PAST, "2026-11-25 08:30", None),
    ('明天早上9点', OK, "2026-11-26 09:00", None),
    ('明天早9点', OK, "2026-11-26 09:00", None),
    ('明天凌晨1点', OK, "2026-11-26 01:00", None),
    ('明天凌晨5点半', OK, "2026-11-26 05:30", None),
    ('明天晚上11点', OK, "2026-11-26 23:00", None),
    ('明天夜里1点', OK, "2026-11-27 01:00", None),
    ('明天下午三点一刻', OK, "2026-11-26 15:15", None),
    ('明天下午三点三刻', OK, "2026-11-26 15:45", None),
    ('明天下午3点整', OK, "2026-11-26 15:00", None),
    ('明天下午3点钟', OK, "2026-11-26 15:00", None),
    ('明天下午三点整', OK, "2026-11-26 15:00", None),
    ('明天下午 3 点', OK, "2026-11-26 15:00", None),
    ('明天 下午 3点', OK, "2026-11-26 15:00", None),
    ('明天下午3点零5分', OK, "2026-11-26 15:05", None),
    ('明天下午3点05', OK, "2026-11-26 15:05", None),
    ('明天上午十一点', OK, "2026-11-26 11:00", None),
    ('明天上午11点半', OK, "2026-11-26 11:30", None),
    ('明天下午1点', OK, "2026-11-26 13:00", None),
    ('明天下午十二点半', OK, "2026-11-26 12:30", None),
    # full-width digits and spaces
    ('明天１５：３０', OK, "2026-11-26 15:30", None),
    ('明天\u3000下午３点', OK, "2026-11-26 15:00", None),
    ('１２月１日\u3000１５：００', OK, "2026-12-01 15:00", None),
    ('明天下午３点', OK, "2026-11-26 15:00", None),
    # dates
    ('12.1 15:00', OK, "2026-12-01 15:00", None),
    ('12.1 下午3点', OK, "2026-12-01 15:00", None),
    ('12.9 下午4点', OK, "2026-12-09 16:00", None),
    ('12/9 15:00', OK, "2026-12-09 15:00", None),
    ('12/09 15:00', OK, "2026-12-09 15:00", None),
    ('12-09 15:00', OK, "2026-12-09 15:00", None),
    ('12-9 15:00', BAD, None, None),
    ('2026/12/08 15:00', OK, "2026-12-08 15:00", None),
    ('2026/12/8 15:00', OK, "2026-12-08 15:00", None),
    ('2026.12.08 15:00', OK, "2026-12-08 15:00", None),
    ('2026-12-08 15:00', OK, "2026-12-08 15:00", None),
    ('8 December 3pm', OK, "2026-12-08 15:00", None),
    ('8 Dec 3pm', OK, "2026-12-08 15:00", None),
    ('Dec 8 3pm', OK, "2026-12-08 15:00", None),
    ('Dec 8th 3pm', OK, "2026-12-08 15:00", None),
    ('December 8th at 3pm', OK, "2026-12-08 15:00", None),
    ('the 8th of December 3pm', OK, "2026-12-08 15:00", None),
    ('Dec 10 10am', OK, "2026-12-10 10:00", None),
    ('10 Dec 10:00', OK, "2026-12-10 10:00", None),
    ('12月8日 15:00', OK, "2026-12-08 15:00", None),
    ('12月8号 15:00', OK, "2026-12-08 15:00", None),
    ('十二月八日 15:00', OK, "2026-12-08 15:00", None),
    ('12月8日下午3点', OK, "2026-12-08 15:00", None),
    ('2026年12月8日下午3点', OK, "2026-12-08 15:00", None),
    ('二〇二六年十二月八日下午三点', OK, "2026-12-08 15:00", None),
    ('1月4日 10:00', OK, "2027-01-04 10:00", None),
    ('2027年1月4日 10:00', OK, "2027-01-04 10:00", None),
    ('下个月3号 10:00', OK, "2026-12-03 10:00", None),
    ('下个月3号下午3点', OK, "2026-12-03 15:00", None),
    ('下月3号 10:00', OK, "2026-12-03 10:00", None),
    ('本月30号 10:00', OK, "2026-11-30 10:00", None),
    ('30号 10:00', OK, "2026-11-30 10:00", None),
    ('3号 10:00', OK, "2026-12-03 10:00", None),
    ('28号下午2点', OK, "2026-11-28 14:00", None),
    # weekday in brackets
    ('12月1日（周二）下午3点', OK, "2026-12-01 15:00", None),
    ('12月1日(周二)下午3点', OK, "2026-12-01 15:00", None),
    ('12月1日（星期二）15:00', OK, "2026-12-01 15:00", None),
    ('12月2日（周三）10:00', OK, "2026-12-02 10:00", None),
    ('Dec 1 (Tue) 3pm', OK, "2026-12-01 15:00", None),
    ('12月1日（周三）下午3点', UNC, None, None),
    ('12月2日（周二）10:00', UNC, None, None),
    ('Dec 1 (Wed) 3pm', UNC, None, None),
    # relative
    ('半小时后', OK, "2026-11-25 10:30", None),
    ('一个半小时后', OK, "2026-11-25 11:30", None),
    ('1个半小时后', OK, "2026-11-25 11:30", None),
    ('两个小时后', OK, "2026-11-25 12:00", None),
    ('三个小时后', OK, "2026-11-25 13:00", None),
    ('45分钟后', OK, "2026-11-25 10:45", None),
    ('十分钟后', OK, "2026-11-25 10:10", None),
    ('三天后下午3点', OK, "2026-11-28 15:00", None),
    ('3天后 15:00', OK, "2026-11-28 15:00", None),
    ('一周后下午3点', OK, "2026-12-02 15:00", None),
    ('两周后上午10点', OK, "2026-12-09 10:00", None),
    ('1周后 10:00', OK, "2026-12-02 10:00", None),
    ('一个星期后 10:00', OK, "2026-12-02 10:00", None),
    ('in 3 days at 2pm', OK, "2026-11-28 14:00", None),
    ('in 3 days 2pm', OK, "2026-11-28 14:00", None),
    ('in 2 days at 10am', OK, "2026-11-27 10:00", None),
    ('in a week at 10am', OK, "2026-12-02 10:00", None),
    ('in two weeks at 3pm', OK, "2026-12-09 15:00", None),
    ('3 days from now at 3pm', OK, "2026-11-28 15:00", None),
    ('in 45 minutes', OK, "2026-11-25 10:45", None),
    ('in 3 hours', OK, "2026-11-25 13:00", None),
    ('in half an hour', OK, "2026-11-25 10:30", None),
    ('2 days later 10am', OK, "2026-11-27 10:00", None),
    # ranges
    ('10:00-11:00', OK, "2026-11-25 10:00", "2026-11-25 11:00"),
    ('10:00~11:00', OK, "2026-11-25 10:00", "2026-11-25 11:00"),
    ('10:00到11:00', OK, "2026-11-25 10:00", "2026-11-25 11:00"),
    ('10:00 - 11:30', OK, "2026-11-25 10:00", "2026-11-25 11:30"),
    ('下午3点到4点半', OK, "2026-11-25 15:00", "2026-11-25 16:30"),
    ('下午3点-4点', OK, "2026-11-25 15:00", "2026-11-25 16:00"),
    ('下午3点至5点', OK, "2026-11-25 15:00", "2026-11-25 17:00"),
    ('明天下午2点到3点', OK, "2026-11-26 14:00", "2026-11-26 15:00"),
    ('明天10:00-11:00', OK, "2026-11-26 10:00", "2026-11-26 11:00"),
    ('明天上午10点到11点', OK, "2026-11-26 10:00", "2026-11-26 11:00"),
    ('明天上午10点到下午1点', OK, "2026-11-26 10:00", "2026-11-26 13:00"),
    ('周五下午3点到4点', OK, "2026-11-27 15:00", "2026-11-27 16:00"),
    ('下周一下午2点到3点半', OK, "2026-11-30 14:00", "2026-11-30 15:30"),
    ('tomorrow 10am-11am', OK, "2026-11-26 10:00", "2026-11-26 11:00"),
    ('tomorrow 2-3pm', OK, "2026-11-26 14:00", "2026-11-26 15:00"),
    ('fri 2pm to 3pm', OK, "2026-11-27 14:00", "2026-11-27 15:00"),
    ('Dec 1 2pm-3pm', OK, "2026-12-01 14:00", "2026-12-01 15:00"),
    ('12月1日 14:00-15:30', OK, "2026-12-01 14:00", "2026-12-01 15:30"),
    ('from 2pm to 3:30pm tomorrow', OK, "2026-11-26 14:00", "2026-11-26 15:30"),
    # vague days asked back
    ('下周下午3点', UNC, None, None),
    ('下周 下午3点', UNC, None, None),
    ('下个星期下午3点', UNC, None, None),
    ('下礼拜下午3点', UNC, None, None),
    ('这周下午3点', UNC, None, None),
    ('本周下午3点', UNC, None, None),
    ('周末上午10点', UNC, None, None),
    ('这周末上午10点', UNC, None, None),
    ('下周末上午10点', UNC, None, None),
    ('月底下午3点', UNC, None, None),
    ('月末下午3点', UNC, None, None),
    ('这个月底下午3点', UNC, None, None),
    ('下个月初上午10点', UNC, None, None),
    ('下月初上午10点', UNC, None, None),
    ('月初上午10点', UNC, None, None),
    ('12月底下午3点', UNC, None, None),
    ('月中下午3点', UNC, None, None),
    ('next week 3pm', UNC, None, None),
    ('next week at 3pm', UNC, None, None),
    ('this week 3pm', UNC, None, None),
    ('this weekend 10am', UNC, None, None),
    ('next weekend 10am', UNC, None, None),
    ('the weekend 10am', UNC, None, None),
    ('end of the month 3pm', UNC, None, None),
    ('end of month 3pm', UNC, None, None),
    ('beginning of next month 10am', UNC, None, None),
    ('start of next month 10am', UNC, None, None),
    ('下周', UNC, None, None),
    ('周末', UNC, None, None),
    ('月底', UNC, None, None),
    # holidays
    ('元旦上午10点', OK, "2027-01-01 10:00", None),
    ('元旦下午3点', OK, "2027-01-01 15:00", None),
    ('春节上午10点', OK, "2027-02-06 10:00", None),
    ('清明上午10点', OK, "2027-04-05 10:00", None),
    ('清明节上午10点', OK, "2027-04-05 10:00", None),
    ('劳动节上午10点', OK, "2027-05-01 10:00", None),
    ('五一上午10点', OK, "2027-05-01 10:00", None),
    ('端午上午10点', OK, "2027-06-09 10:00", None),
    ('端午节上午10点', OK, "2027-06-09 10:00", None),
    ('中秋上午10点', OK, "2027-09-15 10:00", None),
    ('中秋节上午10点', OK, "2027-09-15 10:00", None),
    ('国庆上午10点', OK, "2027-10-01 10:00", None),
    ('国庆节上午10点', OK, "2027-10-01 10:00", None),
    ("new year's day 10am", OK, "2027-01-01 10:00", None),
    ('national day 10am', OK, "2027-10-01 10:00", None),
    ('labour day 10am', OK, "2027-05-01 10:00", None),
    ('mid-autumn festival 10am', OK, "2027-09-15 10:00", None),
    ('dragon boat festival 10am', OK, "2027-06-09 10:00", None),
    ('spring festival 10am', OK, "2027-02-06 10:00", None),
    ('christmas 3pm', OK, "2026-12-25 15:00", None),
    ('Christmas 3pm', OK, "2026-12-25 15:00", None),
    ('christmas eve 3pm', OK, "2026-12-24 15:00", None),
    ('圣诞节下午3点', OK, "2026-12-25 15:00", None),
    ('平安夜下午3点', OK, "2026-12-24 15:00", None),
    ('元旦', BAD, None, None),
    # English forms
    ('tomorrow at noon', OK, "2026-11-26 12:00", None),
    ('noon tomorrow', OK, "2026-11-26 12:00", None),
    ('tomorrow noon', OK, "2026-11-26 12:00", None),
    ('3pm tomorrow', OK, "2026-11-26 15:00", None),
    ('at 3pm tomorrow', OK, "2026-11-26 15:00", None),
    ('tomorrow at 3:30 pm', OK, "2026-11-26 15:30", None),
    ('Tomorrow 3 PM', OK, "2026-11-26 15:00", None),
    ('tomorrow 3p.m.', OK, "2026-11-26 15:00", None),
    ('fri at 2:30pm', OK, "2026-11-27 14:30", None),
    ('Friday at 2.30pm', OK, "2026-11-27 14:30", None),
    ('next Tuesday 10am', OK, "2026-12-01 10:00", None),
    ('next tue 10:00', OK, "2026-12-01 10:00", None),
    ('this Friday at 4pm', OK, "2026-11-27 16:00", None),
    ('on Monday at 10am', OK, "2026-11-30 10:00", None),
    ('monday 10am', OK, "2026-11-30 10:00", None),
    ('Mon 10am', OK, "2026-11-30 10:00", None),
    ('Wednesday 4pm', OK, "2026-11-25 16:00", None),
    ('sat 10am', OK, "2026-11-28 10:00", None),
    ('sunday 3pm', OK, "2026-11-29 15:00", None),
    ('tomorrow evening 7pm', OK, "2026-11-26 19:00", None),
    ('tomorrow morning 10am', OK, "2026-11-26 10:00", None),
    ('tomorrow afternoon 2pm', OK, "2026-11-26 14:00", None),
    ('tomorrow 10-11am', OK, "2026-11-26 10:00", "2026-11-26 11:00"),
    ('tomorrow 14:00', OK, "2026-11-26 14:00", None),
    ('tomorrow 11:30', OK, "2026-11-26 11:30", None),
    ('the day after tomorrow 3pm', OK, "2026-11-27 15:00", None),
    ('day after tomorrow 3pm', OK, "2026-11-27 15:00", None),
    ('tmr 10am', OK, "2026-11-26 10:00", None),
    ('tmrw 2pm', OK, "2026-11-26 14:00", None),
    ('Dec 1st 2pm', OK, "2026-12-01 14:00", None),
    ('December 1 2026 3pm', OK, "2026-12-01 15:00", None),
    ('1 Dec 2026 3pm', OK, "2026-12-01 15:00", None),
    ('Tue Dec 1 3pm', OK, "2026-12-01 15:00", None),
    ('Tuesday Dec 1st 3pm', OK, "2026-12-01 15:00", None),
    ('12/1 at 3pm', OK, "2026-12-01 15:00", None),
    # refusals: a part nobody can place is named
    ('明天下午3点 哈哈', BAD, None, None),
    ('明天哈哈下午3点', BAD, None, None),
    ('改天下午3点', BAD, None, None),
    ('过两天下午3点', BAD, None, None),
    ('年底下午3点', BAD, None, None),
    ('下旬下午3点', BAD, None, None),
    ('稍后', BAD, None, None),
    ('尽快', BAD, None, None),
    ('asap', BAD, None, None),
    ('tomorrow 3pm asap', BAD, None, None),
    ('tomorrow 3pm or so', BAD, None, None),
    ('soon', BAD, None, None),
    ('later today', BAD, None, None),
    ('next month 3pm', BAD, None, None),
    ('下个月下午3点', BAD, None, None),
    ('明年元旦上午10点', BAD, None, None),
    ('周几下午3点', BAD, None, None),
    ('3pm-ish tomorrow', BAD, None, None),
    ('明天下午3点左右', BAD, None, None),
    ('明天下午3点前后', BAD, None, None),
    ('大概明天下午3点', BAD, None, None),
    ('明天 foo 下午3点', BAD, None, None),
]


@pytest.mark.parametrize(("phrase", "status", "start", "end"), WIDER)
def test_wider_grammar(phrase: str, status: str, start: str | None, end: str | None) -> None:
    r = parse_time(phrase, NOW)
    _check(r, status, _iso(start), _iso(end))


@pytest.mark.parametrize("phrase", [row[0] for row in WIDER if row[1] in (BAD, UNC)])
def test_refusals_name_the_part(phrase: str) -> None:
    # Never a bare "invalid": the reason quotes what was not understood, in both languages.
    r = parse_time(phrase, NOW)
    zh = re.findall(r"「([^」]+)」", r.reason_zh)
    en = re.findall(r"“([^”]+)”", r.reason_en)
    assert zh and en, (r.reason_zh, r.reason_en)
    assert any(q in phrase for q in zh) and any(q in phrase for q in en)


def test_table_has_four_hundred_phrases() -> None:
    assert len(TABLE) + len(WIDER) >= 400
    assert sum(1 for row in WIDER if row[1] in (BAD, UNC)) >= 40


def _iso(s: str | None) -> str | None:
    return cst(s) if s else None


def _check(r: TimeResult, status: str, start: str | None, end: str | None) -> None:
    assert r.status == status, (r.status, r.reason_en)
    assert (r.start.isoformat() if r.start else None) == start
    assert (r.end.isoformat() if r.end else None) == end
    if status == "none":
        assert r.matched == ""
    else:
        assert r.matched
    if status in ("ok",):
        assert r.reason_en == r.reason_zh == ""
    else:
        assert r.reason_en and r.reason_zh


def test_table_size() -> None:
    assert len(TABLE) >= 170
    assert len(CHINESE) >= 80 and len(ENGLISH) >= 80


@pytest.mark.parametrize(("phrase", "status", "start", "end"), TABLE)
def test_parse_time(phrase: str, status: str, start: str | None, end: str | None) -> None:
    r = parse_time(phrase, NOW)
    _check(r, status, _iso(start), _iso(end))
    if r.start is not None:
        assert r.start.tzinfo == SH


@pytest.mark.parametrize(("phrase", "status", "start", "end"), TABLE)
def test_whole_phrase_is_matched(phrase: str, status: str, start: str | None,
                                 end: str | None) -> None:
    # Each table entry is a complete phrase: all of it must be understood.
    r = parse_time(phrase, NOW)
    if status != "none":
        assert r.matched == phrase.strip()


# (now, zone, phrase, status, start ISO, end ISO)
_NY_SPRING = datetime(2026, 3, 7, 12, 0, tzinfo=NY)  # DST starts 2026-03-08 02:00
_NY_FALL = datetime(2026, 10, 31, 12, 0, tzinfo=NY)  # DST ends 2026-11-01 02:00
ZONED = [
    (_NY_SPRING, "America/New_York", "tomorrow 9am", OK, "2026-03-08T09:00:00-04:00", None),
    (_NY_SPRING, "America/New_York", "tomorrow 1:30am", OK, "2026-03-08T01:30:00-05:00", None),
    (_NY_SPRING, "America/New_York", "tomorrow 2:30am", BAD, None, None),
    (_NY_SPRING, "America/New_York", "明天凌晨2点半", BAD, None, None),
    (_NY_SPRING, "America/New_York", "明天上午9点", OK, "2026-03-08T09:00:00-04:00", None),
    (_NY_SPRING, "America/New_York", "tomorrow 1am-3am", OK, "2026-03-08T01:00:00-05:00",
     "2026-03-08T03:00:00-04:00"),
    (_NY_SPRING, "America/New_York", "sun 9am", OK, "2026-03-08T09:00:00-04:00", None),
    (_NY_FALL, "America/New_York", "tomorrow 9am", OK, "2026-11-01T09:00:00-05:00", None),
    (_NY_FALL, "America/New_York", "tomorrow 1:30am", OK, "2026-11-01T01:30:00-04:00", None),
    (_NY_FALL, "America/New_York", "today 3pm", OK, "2026-10-31T15:00:00-04:00", None),
    (datetime(2026, 3, 8, 1, 30, tzinfo=NY), "America/New_York", "in 2 hours", OK,
     "2026-03-08T04:30:00-04:00", None),
    (datetime(2026, 11, 1, 0, 30, tzinfo=NY), "America/New_York", "in 2 hours", OK,
     "2026-11-01T01:30:00-05:00", None),
    # now given in UTC is converted to the zone first
    (datetime(2026, 11, 25, 2, 0, tzinfo=UTC), "Asia/Shanghai", "明天下午3点", OK,
     "2026-11-26T15:00:00+08:00", None),
    (datetime(2026, 11, 25, 17, 0, tzinfo=UTC), "Asia/Shanghai", "明天下午3点", OK,
     "2026-11-27T15:00:00+08:00", None),
    (datetime(2026, 11, 25, 2, 0, tzinfo=UTC), SH, "tomorrow 3pm", OK,
     "2026-11-26T15:00:00+08:00", None),
    # a time already gone today is past, not tomorrow
    (datetime(2026, 11, 25, 16, 0, tzinfo=SH), "Asia/Shanghai", "下午3点", PAST,
     "2026-11-25T15:00:00+08:00", None),
    (datetime(2026, 11, 25, 16, 0, tzinfo=SH), "Asia/Shanghai", "3pm", PAST,
     "2026-11-25T15:00:00+08:00", None),
    (datetime(2026, 11, 25, 16, 0, tzinfo=SH), "Asia/Shanghai", "3点", PAST,
     "2026-11-25T15:00:00+08:00", None),
    # 12月1日 asked on 12月5日 is a mistake to point out; 1月5日 asked in December is next year
    (datetime(2026, 12, 5, 10, 0, tzinfo=SH), "Asia/Shanghai", "12月1日 15:00", PAST,
     "2026-12-01T15:00:00+08:00", None),
    (datetime(2026, 12, 5, 10, 0, tzinfo=SH), "Asia/Shanghai", "Dec 1 3pm", PAST,
     "2026-12-01T15:00:00+08:00", None),
    (datetime(2026, 12, 5, 10, 0, tzinfo=SH), "Asia/Shanghai", "1月5日 15:00", OK,
     "2027-01-05T15:00:00+08:00", None),
    (datetime(2026, 12, 5, 10, 0, tzinfo=SH), "Asia/Shanghai", "8月1日 15:00", OK,
     "2027-08-01T15:00:00+08:00", None),
    # Feb 29 without a year goes to the next leap year
    (NOW, "Asia/Shanghai", "2月29日 10:00", OK, "2028-02-29T10:00:00+08:00", None),
    (NOW, "Europe/London", "tomorrow 3pm", OK, "2026-11-26T15:00:00+00:00", None),
]


@pytest.mark.parametrize(("now", "tz", "phrase", "status", "start", "end"), ZONED)
def test_zones_and_clock(now: datetime, tz: str | ZoneInfo, phrase: str, status: str,
                         start: str | None, end: str | None) -> None:
    _check(parse_time(phrase, now, tz), status, start, end)


def test_dst_gap_reason_names_the_zone() -> None:
    r = parse_time("tomorrow 2:30am", _NY_SPRING, "America/New_York")
    assert "America/New_York" in r.reason_en and "2026-03-08 02:30" in r.reason_en
    assert "America/New_York" in r.reason_zh


def test_ambiguous_gives_alternatives_and_reasons() -> None:
    r = parse_time("3点", NOW)
    assert [a.strftime("%H:%M") for a in r.alternatives] == ["03:00", "15:00"]
    assert r.reason_en == "“3点” could be 03:00 or 15:00 — add 上午/下午 or use 15:00"
    assert "上午/下午" in r.reason_zh and "15:00" in r.reason_zh
    r = parse_time("fri 3", NOW)
    assert [a.isoformat() for a in r.alternatives] == [
        "2026-11-27T03:00:00+08:00", "2026-11-27T15:00:00+08:00"]
    assert "am/pm" in r.reason_en
    r = parse_time("下周三5点", NOW)
    assert [a.strftime("%H:%M") for a in r.alternatives] == ["05:00", "17:00"]


def test_non_ok_reasons() -> None:
    assert "past" in parse_time("昨天下午3点", NOW).reason_en
    assert "过去" in parse_time("昨天下午3点", NOW).reason_zh
    assert "1–12" in parse_time("13pm", NOW).reason_en
    assert "no time of day" in parse_time("明天", NOW).reason_en
    assert "Tuesday" in parse_time("fri Dec 1 3pm", NOW).reason_en
    assert "周二" in parse_time("周五 12月1日 15:00", NOW).reason_zh
    assert parse_time("hello", NOW).reason_en == "no date or time found"


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        parse_time("明天下午3点", datetime(2026, 11, 25, 10, 0))


# (command, status, start, end, remaining)
COMMANDS = [
    ("张三 明天下午3点 面试官 李四 时长:60", OK, "2026-11-26 15:00", None,
     "张三 面试官 李四 时长:60"),
    ("Alice Wang tomorrow 3pm with Li Si dur:45", OK, "2026-11-26 15:00", None,
     "Alice Wang with Li Si dur:45"),
    ("#12 下周三 10:30 原因:候选人冲突", OK, "2026-12-02 10:30", None, "#12 原因:候选人冲突"),
    ("改期 #12 下周三 10:30 原因:候选人冲突", OK, "2026-12-02 10:30", None,
     "改期 #12 原因:候选人冲突"),
    ("安排 张三 明天下午3点 面试官 李四 王五 时长:60 轮次:二面 形式:视频", OK, "2026-11-26 15:00",
     None, "安排 张三 面试官 李四 王五 时长:60 轮次:二面 形式:视频"),
    ("安排 张三 周五 14:00 面试官 李四", OK, "2026-11-27 14:00", None, "安排 张三 面试官 李四"),
    ("安排 张三 3点半 面试官 李四", AMB, "2026-11-25 15:30", None, "安排 张三 面试官 李四"),
    ("schedule Alice Wang tomorrow 3pm with @Li Si dur:45 round:1", OK, "2026-11-26 15:00",
     None, "schedule Alice Wang with @Li Si dur:45 round:1"),
    ("reschedule #12 to Dec 1 3pm", OK, "2026-12-01 15:00", None, "reschedule #12 to"),
    ("reschedule #12 12/1 3pm reason:candidate asked", OK, "2026-12-01 15:00", None,
     "reschedule #12 reason:candidate asked"),
    ("schedule Sun Li fri 3pm with Wang", OK, "2026-11-27 15:00", None,
     "schedule Sun Li with Wang"),
    ("schedule Alice at 3pm tomorrow with Li", OK, "2026-11-26 15:00", None,
     "schedule Alice with Li"),
    ("schedule Bob 12/1 3pm round:2", OK, "2026-12-01 15:00", None, "schedule Bob round:2"),
    ("安排 张三 时间:明天下午3点 面试官:李四", OK, "2026-11-26 15:00", None,
     "安排 张三 面试官:李四"),
    ("安排张三明天下午3点面试官李四", OK, "2026-11-26 15:00", None, "安排张三 面试官李四"),
    ("安排 张三 明天下午3点-4点 面试官 李四", OK, "2026-11-26 15:00", "2026-11-26 16:00",
     "安排 张三 面试官 李四"),
    ("安排 张三 明天下午3点 3号会议室", OK, "2026-11-26 15:00", None, "安排 张三 3号会议室"),
    ("安排 张三 明天下午3点 电话 13800138000", OK, "2026-11-26 15:00", None,
     "安排 张三 电话 13800138000"),
    ("安排张三三点面试", AMB, "2026-11-25 15:00", None, "安排张三 面试"),
    ("安排　张三　明天　１５：００", OK, "2026-11-26 15:00", None, "安排 张三"),
    ("安排 张三 明天 面试官 李四", BAD, None, None, "安排 张三 面试官 李四"),
    ("安排 张三 面试官 李四", NONE, None, None, "安排 张三 面试官 李四"),
    ("cancel #12 candidate withdrew", NONE, None, None, "cancel #12 candidate withdrew"),
    ("评价 #12 结论:推荐 评分:4 备注:明天下午3点再聊", NONE, None, None,
     "评价 #12 结论:推荐 评分:4 备注:明天下午3点再聊"),
    ("设置 提醒 60,15", NONE, None, None, "设置 提醒 60,15"),
    ("安排 张三 晚一点 面试官 李四", BAD, None, None, "安排 张三 晚一点 面试官 李四"),
    ("schedule Li Si in 2 hours", OK, "2026-11-25 12:00", None, "schedule Li Si"),
    ("  安排   张三  明天下午3点  ", OK, "2026-11-26 15:00", None, "安排 张三"),
    ("schedule May 12/1 3pm", OK, "2026-12-01 15:00", None, "schedule May"),
    ("round 2 tomorrow 3pm", OK, "2026-11-26 15:00", None, "round 2"),
    ("schedule Alice 2 rounds tomorrow 3pm", OK, "2026-11-26 15:00", None,
     "schedule Alice 2 rounds"),
    ("interviews tomorrow 2 rounds", BAD, None, None, "interviews 2 rounds"),
    ("安排 张三 明天 2 轮 面试官 李四", BAD, None, None, "安排 张三 2 轮 面试官 李四"),
    ("when: tomorrow 3pm with Li", OK, "2026-11-26 15:00", None, "with Li"),
    ("时间：明天下午3点 张三", OK, "2026-11-26 15:00", None, "张三"),
    ("mail li.si@corp.com tomorrow 3pm", OK, "2026-11-26 15:00", None,
     "mail li.si@corp.com"),
    ("link https://meet.example.com/12/1 tomorrow 3pm", OK, "2026-11-26 15:00", None,
     "link https://meet.example.com/12/1"),
]


@pytest.mark.parametrize(("command", "status", "start", "end", "rest"), COMMANDS)
def test_extract_time(command: str, status: str, start: str | None, end: str | None,
                      rest: str) -> None:
    r, remaining = extract_time(command, NOW)
    _check(r, status, _iso(start), _iso(end))
    assert remaining == rest
    if r.matched:
        assert r.matched in command


DAYS = [
    ("今天", date(2026, 11, 25)),
    ("明天", date(2026, 11, 26)),
    ("后天", date(2026, 11, 27)),
    ("大后天", date(2026, 11, 28)),
    ("昨天", date(2026, 11, 24)),
    ("周五", date(2026, 11, 27)),
    ("周三", date(2026, 11, 25)),
    ("星期日", date(2026, 11, 29)),
    ("下周三", date(2026, 12, 2)),
    ("本周五", date(2026, 11, 27)),
    ("本周一", date(2026, 11, 23)),
    ("上周五", date(2026, 11, 20)),
    ("下下周一", date(2026, 12, 7)),
    ("12月1日", date(2026, 12, 1)),
    ("12月1号", date(2026, 12, 1)),
    ("12-01", date(2026, 12, 1)),
    ("2026-12-01", date(2026, 12, 1)),
    ("2027年1月5日", date(2027, 1, 5)),
    ("1月5日", date(2027, 1, 5)),
    ("二十号", date(2026, 12, 20)),
    ("3天后", date(2026, 11, 28)),
    ("今晚", date(2026, 11, 25)),
    ("明天下午3点", date(2026, 11, 26)),
    ("today", date(2026, 11, 25)),
    ("tomorrow", date(2026, 11, 26)),
    ("fri", date(2026, 11, 27)),
    ("friday", date(2026, 11, 27)),
    ("next wed", date(2026, 12, 2)),
    ("this fri", date(2026, 11, 27)),
    ("Dec 1", date(2026, 12, 1)),
    ("1 Dec", date(2026, 12, 1)),
    ("12/1", date(2026, 12, 1)),
    ("December 1st", date(2026, 12, 1)),
    ("tonight", date(2026, 11, 25)),
    ("in 3 days", date(2026, 11, 28)),
    ("Sun", date(2026, 11, 29)),  # weak alone in a command, but fine as the whole text
    ("2月30日", None),
    ("hello", None),
    ("", None),
    ("3点", None),
]


@pytest.mark.parametrize(("text", "expected"), DAYS)
def test_parse_day(text: str, expected: date | None) -> None:
    assert parse_day(text, NOW) == expected


EXTRACT_DAYS = [
    ("空闲 李四 王五 明天", date(2026, 11, 26), "空闲 李四 王五"),
    ("free 李四 明天", date(2026, 11, 26), "free 李四"),
    ("面试列表 明天", date(2026, 11, 26), "面试列表"),
    ("interviews tomorrow", date(2026, 11, 26), "interviews"),
    ("free Li Si next wed", date(2026, 12, 2), "free Li Si"),
    ("interviews on fri", date(2026, 11, 27), "interviews"),
    ("面试列表 12月1日 李四", date(2026, 12, 1), "面试列表 李四"),
    ("interviews 2026-12-01 #12", date(2026, 12, 1), "interviews #12"),
    ("我的面试 本周五", date(2026, 11, 27), "我的面试"),
    ("schedule Sun Li", None, "schedule Sun Li"),
    ("面试列表", None, "面试列表"),
    ("面试列表 2月30日", None, "面试列表 2月30日"),
]


@pytest.mark.parametrize(("text", "expected", "rest"), EXTRACT_DAYS)
def test_extract_day(text: str, expected: date | None, rest: str) -> None:
    assert extract_day(text, NOW) == (expected, rest)


def test_zone_object_and_day_in_zone() -> None:
    # 2026-11-25 20:00 in New York is already the 26th in Shanghai.
    now = datetime(2026, 11, 25, 20, 0, tzinfo=NY)
    assert parse_day("today", now, SH) == date(2026, 11, 26)
    assert parse_day("today", now, "America/New_York") == date(2026, 11, 25)


HOSTILE = [
    ("a" * 10_000, NONE),
    ("1" * 10_000, NONE),
    (" " * 10_000, NONE),
    ("-" * 10_000, NONE),
    ("1 " * 5_000, NONE),
    ("1-" * 5_000, NONE),
    ("1:" * 5_000, NONE),
    ("三" * 10_000, NONE),
    ("下周" * 5_000, BAD),
    ("in 2 " * 2_000, NONE),
    ("1 a " * 2_500, NONE),
    ("@" * 10_000, NONE),
    ("#1" * 5_000, NONE),
    ("明天 " * 3_334, BAD),
    ("3点" * 5_000, BAD),
    ("x" * 10_000 + "明天下午3点", BAD),
    ("a:" * 5_000 + " 明天下午3点", BAD),
]


@pytest.mark.parametrize(("text", "status"), HOSTILE,
                         ids=lambda v: v[:8] if isinstance(v, str) else v)
def test_hostile_long_input(text: str, status: str) -> None:
    assert len(text) >= 10_000
    assert parse_time(text, NOW).status == status
    # In a command, text around the time is the rest of the command (names and so on).
    extracted = OK if text.endswith("明天下午3点") else status
    assert extract_time(text, NOW)[0].status == extracted
    parse_day(text, NOW)


@pytest.mark.parametrize("phrase", [row[0] for row in TABLE] + [row[0] for row in COMMANDS])
def test_scanner_takes_longest_atoms(phrase: str) -> None:
    # The scanner relies on pattern order for leftmost-longest; compare with brute force.
    s = prepare(phrase)
    fast = [(a.start, a.end, a.vals) for a in scan(s)]
    slow = [(a.start, a.end, a.vals) for a in scan_longest(s)]
    assert fast == slow


_TOKENS = [
    "明天", "下午", "3点", "半", "到", "4点", "周五", "下周三", "10:30", "15:00", "-", "~", " ",
    "tomorrow", "3pm", "to", "fri", "next", "Dec", "1", "12/1", "12-01", "2026-12-01", "T15:00Z",
    "+08:00", "#12", "时长:60", "dur:45", "at", "in", "2", "hours", "小时后", "晚上", "12点",
    "凌晨", "两", "十", "号", "月", "李四", "Sun", "noon", "midnight", "a", "pm", ":", "：",
    "１５", "3天后", "上午", "星期", "天", "25", "60", "this", "afternoon",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=8),
       st.sampled_from(["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe"]),
       st.integers(min_value=0, max_value=2 * 365 * 24 * 60))
def test_any_mix_of_pieces_is_handled(tokens: list[str], tz: str, minutes: int) -> None:
    text = "".join(tokens)
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    r, rest = extract_time(text, now, tz)
    assert r.status in {OK, AMB, PAST, BAD, NONE, UNC}
    assert r.matched in text
    assert len(rest) <= len(text)
    if r.status in (OK, AMB, PAST):
        assert r.start is not None and r.start.tzinfo is not None
        assert r.start.utcoffset() == r.start.astimezone(ZoneInfo(tz)).utcoffset()
        format_when(r.start, r.end, "zh")
    if r.end is not None and r.start is not None:
        assert r.end.astimezone(UTC) > r.start.astimezone(UTC)
    if r.status == AMB:
        assert len(r.alternatives) == 2
    parse_day(text, now, tz)
    extract_day(text, now, tz)


FORMATS = [
    (datetime(2026, 11, 26, 15, 0, tzinfo=SH), datetime(2026, 11, 26, 16, 0, tzinfo=SH), "zh",
     "2026-11-26 (周四) 15:00–16:00 CST"),
    (datetime(2026, 11, 26, 15, 0, tzinfo=SH), datetime(2026, 11, 26, 16, 0, tzinfo=SH), "en",
     "2026-11-26 (Thu) 15:00–16:00 CST"),
    (datetime(2026, 11, 26, 15, 0, tzinfo=SH), None, "zh", "2026-11-26 (周四) 15:00 CST"),
    (datetime(2026, 12, 2, 10, 30, tzinfo=SH), None, "en", "2026-12-02 (Wed) 10:30 CST"),
    (datetime(2026, 11, 26, 23, 0, tzinfo=SH), datetime(2026, 11, 27, 1, 0, tzinfo=SH), "en",
     "2026-11-26 (Thu) 23:00–2026-11-27 (Fri) 01:00 CST"),
    (datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("Asia/Singapore")), None, "en",
     "2026-11-26 (Thu) 15:00 UTC+08:00"),
    (datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("America/Sao_Paulo")), None, "zh",
     "2026-11-26 (周四) 15:00 UTC-03:00"),
    (datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("Asia/Kolkata")), None, "en",
     "2026-11-26 (Thu) 15:00 IST"),
    (datetime(2026, 11, 26, 15, 0, tzinfo=NY), datetime(2026, 11, 26, 16, 0, tzinfo=NY), "en",
     "2026-11-26 (Thu) 15:00–16:00 EST"),
    (datetime(2026, 11, 1, 0, 30, tzinfo=NY), datetime(2026, 11, 1, 7, 0, tzinfo=UTC), "en",
     "2026-11-01 (Sun) 00:30 EDT–02:00 EST"),
    (datetime(2026, 11, 26, 7, 0, tzinfo=UTC), None, "en", "2026-11-26 (Thu) 07:00 UTC"),
]


@pytest.mark.parametrize(("start", "end", "lang", "expected"), FORMATS)
def test_format_when(start: datetime, end: datetime | None, lang: str, expected: str) -> None:
    assert format_when(start, end, lang) == expected


def test_format_when_round_trip() -> None:
    r = parse_time("明天下午3点-4点", NOW)
    assert r.start is not None
    assert format_when(r.start, r.end, "zh") == "2026-11-26 (周四) 15:00–16:00 CST"


# Words the grammar does not know: put anywhere into a phrase, each must either be absorbed
# (the answer is unchanged) or make the phrase a refusal or a question; never another time.
UNKNOWN_WORDS = ["哈哈", "foo", "孙八", "某某", "x", "阿明", "Bob", "zz9", "嗯", "呃呃", "blah blah",
                 "tomorow", "fryday"]
_TIMED = [row[0] for row in TABLE + WIDER if row[1] in (OK, PAST, AMB)]


def _answer(r: TimeResult) -> tuple[str | None, str | None]:
    return (r.start.isoformat() if r.start else None, r.end.isoformat() if r.end else None)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(_TIMED), st.sampled_from(UNKNOWN_WORDS), st.integers(0, 60),
       st.sampled_from(["", " "]))
def test_an_unknown_word_never_changes_the_time(phrase: str, word: str, at: int,
                                                space: str) -> None:
    at = min(at, len(phrase))
    text = phrase[:at] + space + word + space + phrase[at:]
    before, after = parse_time(phrase, NOW), parse_time(text, NOW)
    if after.status in (OK, PAST):
        assert _answer(after) == _answer(before), (text, after.matched)
    else:
        assert after.status in (AMB, BAD, UNC, NONE)
        if after.status == AMB:
            assert before.status == AMB and _answer(after) == _answer(before), text


_TIMED_COMMANDS = [row[0] for row in COMMANDS if row[1] in (OK, PAST, AMB)]


def _boundaries(command: str) -> list[int]:
    """Where a word can go into a command: between words, and around every time atom."""
    s = prepare(command)
    spots = {0, len(command)} | {i for i, c in enumerate(command) if c == " "}
    spots |= {a.start for a in scan(s)} | {a.end for a in scan(s)}
    return sorted(spots)


@settings(max_examples=800, deadline=None)
@given(st.sampled_from(_TIMED_COMMANDS), st.sampled_from(UNKNOWN_WORDS), st.integers(0, 80),
       st.sampled_from(["", " "]))
def test_an_unknown_word_in_a_command_never_changes_the_time(command: str, word: str, at: int,
                                                             space: str) -> None:
    # In a command the word may belong to a name (the answer stays) or split the time (refused).
    spots = _boundaries(command)
    at = spots[at % len(spots)]
    if command[at - 1:at].isascii() and command[at - 1:at].isalnum() or \
            command[at:at + 1].isascii() and command[at:at + 1].isalnum():
        space = " "   # a word among Latin words is written as a word, with spaces
    text = command[:at] + space + word + space + command[at:]
    before, after = extract_time(command, NOW)[0], extract_time(text, NOW)[0]
    if after.status in (OK, PAST, AMB):
        assert _answer(after) == _answer(before), (text, after.matched)
    else:
        assert after.status in (BAD, UNC, NONE)
