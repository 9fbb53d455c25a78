"""Dates and times in interview commands, Chinese and English (standard library only).

    parse_time("明天下午3点", now)   -> TimeResult(status="ok", start=2026-11-26 15:00+08:00, ...)
    extract_time("张三 明天下午3点 面试官 李四 时长:60", now)
        -> (TimeResult(...), "张三 面试官 李四 时长:60")
    parse_day("下周三", now)        -> date(2026, 12, 2)

Statuses: "ok"; "ambiguous" (start is the best guess, alternatives lists every reading);
"past" (fully resolved but before now; start is set); "invalid" (looks like a time but
cannot be one: 2月30日, 25点, 13pm, a day with no time of day, a wall time skipped by a DST
change); "none" (nothing time-like). Non-ok results carry reason_en / reason_zh.

Rules
-----
Zone: `now` (aware) is converted to `tz`; results are aware datetimes in `tz`. A wall time
that falls in a spring-forward gap is "invalid"; a repeated one (fall back) takes the first
occurrence (fold=0). "in 2 hours" / "2小时后" is exact elapsed time (computed in UTC).

Days: no day means today, and a time already gone today is "past" (never moved to
tomorrow); exactly `now` is not past. Weeks run Monday to Sunday.
  * 周五 / 星期五 / fri (bare): the next Friday on or after today; today only if the time
    is still ahead, otherwise a week later.
  * 本周五 / 这周五 / this fri: Friday of this week, even if already past ("past").
  * 下周三 / next wed: Wednesday of next calendar week; 下下周三: two weeks on;
    上周五 / last fri: previous week.
  * 12月1日, Dec 1, 1 Dec, 12/1 (month/day), 12-01 with no year: this year; a date up to
    60 days back is "past" (a slip worth pointing out), one further back is next year's
    (1月5日 asked in December). With a year (2027年1月5日, 2026-12-01) it is used as is.
  * 20号: this month, or the next month that has that day if it is before today.
  * A weekday together with a date (周二 12月1日) must agree, else "invalid".

Hours (the 12/24-hour question):
  * am/pm, or a part of the day (上午 早上 中午 下午 傍晚 晚上 今晚 夜里 凌晨, morning,
    afternoon, evening, tonight) decides it: 下午3点 15:00, 中午1点 13:00, 晚上8点 20:00,
    晚上12点 / midnight = 00:00 of the next day, 晚上1点 / 夜里2点 = early next morning,
    凌晨2点 = 02:00 of the named day. A clash (上午15点, morning 3pm) is "invalid".
  * 24-hour forms are unambiguous: 0 and 12–23 in any form (15:00, 15点, 十二点 = noon),
    zero-padded "09:00", ISO date-times, times with a UTC offset.
  * "H:MM" and "X点" with H = 8–11 (9:00, 10:30, 10点, 十点半) are taken as morning: that
    is how 24-hour time is written, and nobody means an interview at 10 at night.
    "H:MM" with H = 1–7 is ambiguous (1:00 or 13:00).
  * "X点" (any minutes: 3点, 3点半), "3 o'clock" with X = 1–7, and a bare hour after a day
    (fri 3, at 3) with X = 1–11 are ambiguous. A bare number is an hour only after a day
    or part of the day, after "at", or as one end of a marked range (3-4pm); "2 rounds",
    "round 2" and phone numbers stay text.
  * Best guess for an ambiguous hour: 1–7 → afternoon, 8–11 → morning (working hours).
    If every reading is already past the status is "past" instead.
  * Ranges (-, –, ~, 到, 至, to, until): the end inherits the start's day and part of day
    (下午3点到4点 = 15:00–16:00); an unmarked end takes its first reading after the start
    (3pm-4 = 15:00–16:00); a marked end pins an unmarked start (3-4pm = 15:00–16:00).
    An end not after the start is "invalid", except past midnight within 12 hours.

Extraction: #ids, @mentions, e-mail addresses, URLs and key:value options (时长:60, dur:45,
round:2, 原因:…) are never read as times; keys naming a time (时间:, time:, when:) are.
The leftmost phrase with a clock time wins; failing that the leftmost day phrase (which
is "invalid": no time of day). "at"/"on"/"from" just before a phrase go with it.
A capitalised "Sun" alone is taken for the surname, not Sunday (parse_day("Sun") still
reads Sunday). The scanner is linear: every regex quantifier is bounded.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from . import _lexicon as lx
from ._phrase import Phrase, phrases
from ._resolve import NONE, TimeResult, resolve, resolve_day
from ._scan import Atom, prepare, scan

__all__ = ["TimeResult", "extract_day", "extract_time", "format_when", "parse_day", "parse_time",
           "reason", "stray_time"]

# Words about time that the grammar does not place on a calendar. They are never read as part
# of a name and never dropped: a text holding one is refused with the word named.
UNPLACED = re.compile(
    r"改天|过两天|过几天|这两天|近期|最近|回头|稍后|晚些|晚点|晚一点|早点|早一点|等会儿?|待会儿?"
    r"|一会儿|年底|年初|年末|年中|年后|节后|节前|明年|今年|去年|上旬|中旬|下旬|下个?月|本月|这个?月"
    r"|上个?月|某天|哪天|周几|礼拜几|星期几|几点|待定|随时|尽快|马上|立刻|现在|午饭后|下班后|上班前"
    r"|(?<![\d个])\d{1,2}\s?月(?!\s?\d)"
    # Month names apart from a day; not Jan, May, June, April, August: those are also names.
    r"|(?<![a-z])(?:feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|january|february|july"
    r"|september|october|november|december)(?![a-z])"
    r"|(?<![a-z])(?:asap|eod|eow|soon|later|sometime|anytime|whenever|now|tbd|tba"
    r"|(?:next|this|last)\s{1,3}(?:month|year)|after\s{1,3}lunch|end\s{1,3}of\s{1,3}day)(?![a-z])",
    re.IGNORECASE)
# What may stand beside a time phrase without meaning anything: spaces, punctuation, at/on/在.
_FILLER = re.compile(r"(?:[\s\0,.;:!?、，。；：！？()\-]|(?<![a-z])(?:at|on|the)(?![a-z])|在|于)*",
                     re.IGNORECASE)


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _local_now(now: datetime, tz: str | tzinfo) -> tuple[datetime, tzinfo]:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    zone = _zone(tz)
    return now.astimezone(zone), zone


def _remaining(text: str, start: int, end: int) -> str:
    return " ".join((text[:start] + " " + text[end:]).split())


def _find(text: str, allow_weak: bool) -> Phrase | None:
    """The phrase to use: leftmost with a clock time, else leftmost with a day."""
    s = prepare(text)
    first_day: Phrase | None = None
    for ph in phrases(s, scan(s)):
        if ph.has_time or ph.noon_only:
            return ph
        has_day = ph.head.slots.keys() & {"day", "weekday"}
        if first_day is None and has_day and (allow_weak or not ph.weak):
            first_day = ph
    return first_day


# English day words, for misspellings ("tomorow 3pm" must not book 3pm today for "Alice tomorow").
_VOCAB = ("today", "tomorrow", "tonight", "yesterday", "monday", "tuesday", "wednesday",
          "thursday", "friday", "saturday", "sunday", "morning", "afternoon", "evening",
          "midnight", "weekend")
_LATIN_WORD = re.compile(r"(?<![a-z])[a-z]{5,20}(?![a-z])", re.IGNORECASE)


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 once it is sure to exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > limit:
            return limit + 1
    return row[-1]


def misspelt(word: str) -> str | None:
    """The English day word a word is a slip for (tomorow → tomorrow), if any."""
    w = word.lower()
    if w in _VOCAB:
        return None
    inside = [v for v in _VOCAB if v in w]   # glued to another word: footomorrow
    if inside:
        return max(inside, key=len)
    limit = 1 if len(w) <= 6 else 2
    near = [v for v in _VOCAB if _distance(w, v, limit) <= limit]
    return near[0] if len(near) == 1 else None


def _timeish(atom: Atom) -> bool:
    """Could this atom, standing apart from the phrase, be part of the time?"""
    if "weekday" in atom.vals and atom.vals["weekday"][2]:
        return False   # "Sun" alone is a surname
    if atom.facets & {"day", "weekday", "period", "rel"}:
        return True
    return "time" in atom.vals and atom.vals["time"]["fmt"] != "bare"


def _token(text: str, start: int, end: int) -> str:
    """The whitespace-delimited word around text[start:end] (the name a time word sits in)."""
    a = start
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = end
    while b < len(text) and not text[b].isspace():
        b += 1
    return text[a:b]


def _stray_reason(text: str, start: int, end: int, matched: str) -> tuple[str, str]:
    t = text[start:end]
    fix = misspelt(t) if t.isascii() else None
    if fix is not None:
        return (f"「{t}」是「{fix}」吗？请改正后再发（名字里有这个词的话，请把名字放进「」）",
                f"“{t}”: did you mean “{fix}”? Please send it corrected (if it is part of a "
                "name, put the name in quotes)")
    word = _token(text, start, end)
    inside_zh = f"「{word}」里的「{t}」" if word != t else f"「{t}」"
    inside_en = f"“{t}” in “{word}”" if word != t else f"“{t}”"
    if matched:
        return (f"{inside_zh}像是时间，但和「{matched}」分开了：请把日期和时间写在一起，"
                "例如「明天下午3点」；名字里有这个词的话，请把名字放进「」",
                f"{inside_en} looks like part of the time but stands apart from “{matched}”: "
                "write the day and time together, e.g. “tomorrow 3pm”; if it is part of a "
                "name, put the name in quotes")
    return (f"没看懂{inside_zh}是什么时候：请写具体的日期和时间，例如「12月9日下午3点」；"
            "名字里有这个词的话，请把名字放进「」",
            f"I can't place {inside_en} on the calendar: give a day and a time, e.g. "
            "“Dec 9 3pm”; if it is part of a name, put the name in quotes")


def stray_time(text: str, ph: Phrase | None = None) -> tuple[int, int] | None:
    """The span of a time word in text outside the phrase ph, if there is one."""
    s = prepare(text)
    lo, hi = (ph.start, ph.end) if ph is not None else (0, 0)
    for m in UNPLACED.finditer(s):
        if m.end() <= lo or m.start() >= hi:
            return m.start(), m.end()
    for atom in scan(s):
        if (atom.end <= lo or atom.start >= hi) and _timeish(atom):
            if atom.vals.get("day", ("",))[0] == "ymd" and _in_number(s, atom):
                continue
            return atom.start, atom.end
    for m in _LATIN_WORD.finditer(s):
        if (m.end() <= lo or m.start() >= hi) and misspelt(m.group()):
            return m.start(), m.end()
    return None


def _in_number(s: str, atom: Atom) -> bool:
    """A date-looking piece of a longer number or version (1.2.3, 010-12)."""
    return (atom.start > 0 and s[atom.start - 1] in ".-/") or s[atom.end:atom.end + 1] in (".",)


def _refuse_strays(text: str, ph: Phrase | None, r: TimeResult) -> TimeResult:
    """r, unless a time word stands outside the phrase: then a refusal naming that word."""
    span = stray_time(text, ph)
    if span is None:
        return r
    zh, en = _stray_reason(text, *span, r.matched)
    return TimeResult("invalid", None, None, r.matched or text[span[0]:span[1]], en, zh,
                      part=text[span[0]:span[1]], span=span)


def _leftover(text: str, ph: Phrase) -> str:
    """What of text the phrase does not account for (spaces, punctuation, at/on aside)."""
    s = prepare(text)
    rest = []
    for a, b in ((0, ph.start), (ph.end, len(text))):
        piece = s[a:b]
        if _FILLER.fullmatch(piece) is None:
            rest.append(" ".join(text[a:b].split()))
    return " ".join(rest)


def extract_time(text: str, now: datetime,
                 tz: str | tzinfo = "Asia/Shanghai") -> tuple[TimeResult, str]:
    """Find the time phrase in a command; return it and the command without it."""
    local, zone = _local_now(now, tz)
    ph = _find(text, allow_weak=False)
    if ph is None:
        return _refuse_strays(text, None, NONE), " ".join(text.split())
    r = _refuse_strays(text, ph, resolve(ph, text, local, zone))
    return r, _remaining(text, ph.start, ph.end)


def parse_time(text: str, now: datetime, tz: str | tzinfo = "Asia/Shanghai") -> TimeResult:
    """Understand a time phrase such as 明天下午3点, fri 14:00 or 2026-12-01 15:00."""
    local, zone = _local_now(now, tz)
    ph = _find(text, allow_weak=True)
    if ph is None:
        return _refuse_strays(text, None, NONE)
    r = _refuse_strays(text, ph, resolve(ph, text, local, zone))
    rest = _leftover(text, ph)
    if rest and r.status != "invalid":
        # Every part must be understood: a phrase with words nobody placed is refused.
        return TimeResult("invalid", None, None, r.matched,
                          f"didn't understand “{rest}” in “{' '.join(text.split())}”",
                          f"没看懂「{' '.join(text.split())}」里的「{rest}」", part=rest)
    return r


def _find_day(text: str, allow_weak: bool) -> Phrase | None:
    s = prepare(text)
    for ph in phrases(s, scan(s)):
        if ph.head.slots.keys() & {"day", "weekday"} and (allow_weak or not ph.weak):
            return ph
    return None


def _day_span(ph: Phrase) -> tuple[int, int]:
    """The part of a phrase that names the day (so "tomorrow 3pm" keeps "3pm")."""
    sides = [ph.head] + ([ph.tail] if ph.tail else [])
    found = sorted({id(a): a for sd in sides for slot, a in sd.slots.items()
                    if slot in ("day", "weekday")}.values(), key=lambda a: a.start)
    # A prefix ("on fri") belongs to the day only when the day opens the phrase.
    start = ph.start if found[0] is ph.atoms[0] else found[0].start
    return start, found[-1].end


def extract_day(text: str, now: datetime,
                tz: str | tzinfo = "Asia/Shanghai") -> tuple[date | None, str]:
    """Find a day (明天, 周五, 12月1日, next wed, Dec 1) in a command; return it and the rest."""
    local, _ = _local_now(now, tz)
    ph = _find_day(text, allow_weak=False)
    if ph is None:
        return None, " ".join(text.split())
    day = resolve_day(ph, text, local)
    if day is None:
        return None, " ".join(text.split())
    return day, _remaining(text, *_day_span(ph))


def parse_day(text: str, now: datetime, tz: str | tzinfo = "Asia/Shanghai") -> date | None:
    """A day alone: 今天, 周五, 下周三, 12月1日, 2026-12-01, tomorrow, next wed, Dec 1, 12/1."""
    local, _ = _local_now(now, tz)
    ph = _find_day(text, allow_weak=True)
    return None if ph is None else resolve_day(ph, text, local)


def _zone_label(dt: datetime) -> str:
    name = dt.tzname() or ""
    if name and name[0] not in "+-" and not name[0].isdigit():
        return name
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_when(start: datetime, end: datetime | None, lang: str) -> str:
    """Echo a time for confirmation: "2026-11-26 (周四) 15:00–16:00 CST" (zh) or "(Thu)" (en)."""
    names = lx.WEEKDAY_ZH if lang.lower().startswith("zh") else lx.WEEKDAY_EN

    def day(dt: datetime) -> str:
        return f"{dt:%Y-%m-%d} ({names[dt.weekday()]})"

    out = f"{day(start)} {start:%H:%M}"
    if end is None:
        return f"{out} {_zone_label(start)}" if start.tzinfo else out
    if start.tzinfo:
        # Show the end in the start's zone (a naive end is taken to be in it already).
        end = end.astimezone(start.tzinfo) if end.tzinfo else end.replace(tzinfo=start.tzinfo)
    if start.tzinfo and _zone_label(start) != _zone_label(end):
        out += f" {_zone_label(start)}"  # the range crosses a DST change
    out += "–" + (f"{day(end)} " if end.date() != start.date() else "") + f"{end:%H:%M}"
    return f"{out} {_zone_label(end)}" if end.tzinfo else out


def reason(r: TimeResult) -> tuple[str, str]:
    """What the chat says about a result that is not ok, (zh, en): the question for an
    ambiguous hour, or the result's own reason. `parse-time` prints the same words."""
    if r.status != "ambiguous" or not r.alternatives:
        return r.reason_zh, r.reason_en
    days = {a.date() for a in r.alternatives}
    fmt = "%H:%M" if len(days) == 1 else "%Y-%m-%d %H:%M"
    options = [a.strftime(fmt) for a in r.alternatives]
    example = r.start.strftime("%Y-%m-%d %H:%M") if r.start else ""
    part = r.part or r.matched
    return (f"「{part}」是 {' 还是 '.join(options)}？请回复其中一个（例如「{options[-1]}」或"
            f"「下午{part}」），或写清楚，例如「{example}」",
            f"does “{part}” mean {' or '.join(options)}? Reply with one (e.g. "
            f"“{options[-1]}”), or write it plainly, e.g. “{example}”")
