"""The date/time patterns, each with a converter from its match to atom values.

Every quantifier is bounded and no group repeats another group, so each match attempt
costs a constant amount of work. Converters return a dict whose keys say which phrase
slots the atom fills: day, weekday, period, time, rel (an offset from now).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import _lexicon as lx

_CN = lx.CN_NUMERALS
# Well-formed Chinese numerals only, so the 三 of 张三 never joins a following 三点.
_CN_COUNT = "[二三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九]"
_CN_MINUTE = ("[二三四五]十[一二三四五六七八九]?|十[一二三四五六七八九]?|零[一二三四五六七八九]"
              "|[一二三四五六七八九]")
_CN_TEENS = "十[一二三四五六七八九]?"
# Wider than valid on purpose: 十三月, 三十二号 and 二十五点 must read as invalid, not as 三月.
_CN_DAY = f"[一二三四五六七八九]十[一二三四五六七八九]?|{_CN_TEENS}|[一二三四五六七八九]"
_CN_MONTH = f"{_CN_TEENS}|[一二三四五六七八九]"
_DIGITS = r"(?<!\d)\d{1,2}(?!\d)"
NUM = rf"(?:{_DIGITS}|{_CN_COUNT})"
# An hour before 点/时. 一点 after 快/早/晚/多… is "a little", not one o'clock.
HOUR = (r"(?:(?<![\d.])\d{1,2}(?!\d)(?:\s(?=[点點]))?|二十[一二三四五六七八九]?"
        r"|十[一二三四五六七八九]?|[零〇两二三四五六七八九]"
        r"|(?<![快早晚多少好大小慢有差些再])一(?=[点點]))")
# Characters after 号 that make "3号" a room, line or building rather than a day.
_NOT_DAY = "(?![楼樓室房院线線机機位码碼会會厅廳馆館门門口床车車台桌店库庫窗座厂站柜箱键])"
_AMPM = r"(?P<ap>[ap])\.?\s?m\.?(?![a-z])"


def _time(h: int, m: int = 0, fmt: str = "dian", ap: str | None = None,
          off: int | None = None, word: str | None = None) -> dict[str, Any]:
    # fmt says how the hour was written, which decides 12/24-hour ambiguity (see _hours.py):
    # clock "9:30", clock0 "09:30", ampm "3pm", dian "3点"/"3 o'clock", bare "fri 3",
    # word "noon", iso "2026-12-01T15:00". off: an explicit UTC offset in minutes.
    return {"h": h, "m": m, "fmt": fmt, "ap": ap, "off": off, "word": word}


def _offset(s: str) -> int:
    """Minutes east of UTC for 'Z', '+08:00' or '-0500'."""
    if s.upper() == "Z":
        return 0
    digits = s[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    return -minutes if s[0] == "-" else minutes


def _v_clock(m: re.Match[str]) -> dict[str, Any]:
    ap = m["ap"].lower() if m["ap"] else None
    fmt = "ampm" if ap else ("clock0" if m["h"].startswith("0") and len(m["h"]) == 2 else "clock")
    off = _offset(m["tz"]) if m["tz"] else None
    return {"time": _time(int(m["h"]), int(m["m"]), fmt, ap, off)}


def _v_ampm(m: re.Match[str]) -> dict[str, Any]:
    return {"time": _time(int(m["h"]), int(m["m"] or 0), "ampm", m["ap"].lower())}


def _v_oclock(m: re.Match[str]) -> dict[str, Any]:
    return {"time": _time(int(m["h"]))}


def _v_word(m: re.Match[str]) -> dict[str, Any]:
    word = "midnight" if m["w"].lower() == "midnight" else "noon"
    return {"time": _time(0 if word == "midnight" else 12, 0, "word", word=word)}


def v_bare(m: re.Match[str]) -> dict[str, Any]:
    """Values for a bare hour ("fri 3")."""
    return {"time": _time(int(m["h"]), 0, "bare")}


def _v_cn_clock(m: re.Match[str]) -> dict[str, Any]:
    minute = (30 if m["half"] else 15 if m["q1"] else 45 if m["q3"] else
              _cn_minute(m["m"]) if m["m"] else 0)
    return {"time": _time(lx.cn_int(m["h"].strip()), minute)}


def _cn_minute(s: str) -> int:
    """Minutes written after 点: 20, 二十, 零五, 05."""
    return lx.cn_int(s.lstrip("零〇") or "0") if not s.isdigit() else int(s)


def _v_period_cn(m: re.Match[str]) -> dict[str, Any]:
    return {"period": lx.CN_PERIOD[m["p"]]}


def _v_period_en(m: re.Match[str]) -> dict[str, Any]:
    vals: dict[str, Any] = {"period": m["p"].lower()}
    if m["this"]:
        vals["day"] = ("rel", 0)
    return vals


def _v_relday_cn(m: re.Match[str]) -> dict[str, Any]:
    return {"day": ("rel", lx.CN_REL_DAY[m[0]])}


def _v_daypart_cn(m: re.Match[str]) -> dict[str, Any]:
    return {"day": ("rel", lx.CN_DAYPART_DAY[m["d"]]), "period": lx.CN_DAYPART[m["p"]]}


def _v_relday_en(m: re.Match[str]) -> dict[str, Any]:
    word = " ".join(m[0].lower().split())
    if word == "tonight":
        return {"day": ("rel", 0), "period": "evening"}
    offset = {"today": 0, "yesterday": -1}.get(word, 2 if "after" in word else 1)
    return {"day": ("rel", offset)}


def _v_weekday_cn(m: re.Match[str]) -> dict[str, Any]:
    return {"weekday": (lx.CN_WEEKDAY[m["w"]], lx.CN_WEEK_MOD[m["mod"] or ""], False)}


def _v_weekday_en(m: re.Match[str]) -> dict[str, Any]:
    mod = lx.EN_WEEK_MOD[" ".join((m["mod"] or "").lower().split())]
    # "Sun" is also a common surname (孙); alone and capitalised it is treated as weak.
    weak = m[0] == "Sun"
    return {"weekday": (lx.EN_WEEKDAY[m["w"][:3].lower()], mod, weak)}


def _v_dayoff_cn(m: re.Match[str]) -> dict[str, Any]:
    n = lx.cn_int(m["n"]) * (1 if m["u"] in "天日" else 7)
    return {"day": ("rel", -n if m["dir"] == "前" else n)}


def _v_dayoff_en(m: re.Match[str]) -> dict[str, Any]:
    n = int(lx.en_number(m["n"] or m["n2"])) * (7 if (m["u"] or m["u2"])[0].lower() == "w" else 1)
    return {"day": ("rel", -n if (m["dir"] or "").lower() == "ago" else n)}


def _v_reltime_cn(m: re.Match[str]) -> dict[str, Any]:
    raw = m["n"]
    n = 0.5 if raw == "半" else float(raw) if raw[0].isdigit() else float(lx.cn_int(raw))
    n += 0.5 if m["half"] else 0
    minutes = n * 60 if m["u"] in ("小时", "钟头") else n
    return {"rel": -minutes if m["dir"] == "前" else minutes}


def _v_reltime_en(m: re.Match[str]) -> dict[str, Any]:
    raw = (m["n"] or m["n2"]).lower()
    n = 0.5 if raw.startswith("half") else lx.en_number(raw)
    n += 0.5 if m["half"] else 0
    unit = (m["u"] or m["u2"]).lower()
    minutes = n * 60 if unit.startswith("h") else n
    return {"rel": -minutes if (m["dir"] or "").lower() == "ago" else minutes}


def _v_cn_date(m: re.Match[str]) -> dict[str, Any]:
    year = lx.cn_int(m["y"]) if m["y"] else None
    return {"day": ("ymd", year, lx.cn_int(m["mo"]), lx.cn_int(m["d"]))}


def _v_dom(m: re.Match[str]) -> dict[str, Any]:
    mm = {None: None, "本": "this", "这": "this", "这个": "this"}.get(m["mm"], "next")
    return {"day": ("dom", lx.cn_int(m["d"]), mm)}


def _v_md_slash(m: re.Match[str]) -> dict[str, Any]:
    year = int(m["y"]) if m["y"] else None
    if year is not None and year < 100:
        year += 2000
    return {"day": ("ymd", year, int(m["mo"]), int(m["d"]))}


def _v_md_hyphen(m: re.Match[str]) -> dict[str, Any]:
    # Kept as numbers too: after a day, "10-11" is an hour range rather than 10月11日.
    return {"day": ("ymd", None, int(m["mo"]), int(m["d"])), "hy": (int(m["mo"]), int(m["d"]))}


def _v_iso(m: re.Match[str]) -> dict[str, Any]:
    vals: dict[str, Any] = {"day": ("ymd", int(m["y"]), int(m["mo"]), int(m["d"]))}
    if m["h"]:
        off = _offset(m["tz"]) if m["tz"] else None
        vals["time"] = _time(int(m["h"]), int(m["mi"]), "iso", None, off)
    return vals


def _v_en_date(m: re.Match[str]) -> dict[str, Any]:
    year = int(m["y"]) if m["y"] else None
    return {"day": ("ymd", year, lx.EN_MONTH[m["mon"][:3].lower()], int(m["d"]))}


_EN_NUM = lx.EN_NUMBER_RE
_MON = lx.EN_MONTHS_RE
_WEEK_MOD = {None: 0, "": 0, "本": 0, "这": 0, "这个": 0, "this": 0, "coming": 0, "下": 1, "下个": 1,
             "next": 1, "下下": 2, "下下个": 2, "上": -1, "上个": -1, "last": -1}


def _v_vague_week(m: re.Match[str]) -> dict[str, Any]:
    mod = " ".join((m["mod"] or "").lower().split())
    return {"day": ("vague", "week", _WEEK_MOD[mod], None)}


def _v_vague_weekend(m: re.Match[str]) -> dict[str, Any]:
    mod = " ".join((m["mod"] or "").lower().split())
    return {"day": ("vague", "weekend", _WEEK_MOD[mod], None)}


def _v_vague_month(m: re.Match[str]) -> dict[str, Any]:
    part = {"底": "end", "末": "end", "初": "start", "中": "mid"}.get(m["part"] or "", None)
    if part is None:   # English: end/beginning/start/middle of the month
        w = (m["epart"] or "").lower()
        part = "end" if w == "end" else "mid" if w.startswith("mid") else "start"
    mod = (m["mod"] or m["emod"] or "").lower()
    month = lx.cn_int(m["mo"]) if m["mo"] else None
    return {"day": ("vague", "month_" + part, 1 if mod in ("下", "下个", "next") else 0, month)}


def _v_holiday(m: re.Match[str]) -> dict[str, Any]:
    word = " ".join(m[0].lower().replace("’", "'").split())
    fixed = _FIXED_DAYS.get(word.removesuffix("节"))
    if fixed is not None:
        return {"day": ("ymd", None, *fixed), "holiday": word}
    return {"day": ("holiday", word)}


# Days that are not public holidays in mainland China but are named like one.
_FIXED_DAYS = {"圣诞": (12, 25), "christmas": (12, 25), "christmas day": (12, 25), "xmas": (12, 25),
               "平安夜": (12, 24), "christmas eve": (12, 24), "情人": (2, 14),
               "valentine's day": (2, 14)}


def _v_md_dot(m: re.Match[str]) -> dict[str, Any]:
    return {"day": ("ymd", None, int(m["mo"]), int(m["d"]))}


_Converter = Callable[[re.Match[str]], dict[str, Any]]
PATTERNS: dict[str, tuple[str, _Converter]] = {
    # 2026-12-01, 2026/12/01, 2026-12-01T15:00[:00][Z|+08:00|-05:00]
    "iso": (
        r"(?<![\d/.\-])(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"
        r"(?:T(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2}(?:\.\d{1,6})?)?"
        r"(?P<tz>Z|[+-]\d{2}:?\d{2})?(?![\d:]))?", _v_iso),
    # 15:00, 9:30, 15:00:00, 3:30pm, 3:30 p.m., 15:00+08:00 (a '-' offset would read as a range)
    "clock": (
        rf"(?<![\d:.])(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?::\d{{2}})?(?![\d:])"
        rf"(?:\s{{0,2}}{_AMPM}|\s?(?P<tz>z(?![a-z])|\+\d{{2}}:?\d{{2}}(?!\d)))?", _v_clock),
    # 3pm, 3 pm, 3.30pm, 3 p.m.
    "ampm": (rf"(?<![a-z0-9:.])(?P<h>\d{{1,2}})(?:\.(?P<m>\d{{2}}))?\s{{0,2}}{_AMPM}", _v_ampm),
    "oclock": (r"(?<![a-z0-9:.])(?P<h>\d{1,2})\s?o['’]?\s?clock(?![a-z])", _v_oclock),
    "word": (r"(?<![a-z0-9])(?:12\s?)?(?P<w>noon|midday|midnight)(?![a-z])", _v_word),
    # 3点, 十点半, 3点一刻, 3点三刻, 3点20, 三点二十分, 15时30分, 3点钟, 3点整
    "cn_clock": (
        rf"(?P<h>{HOUR})(?:[点點](?![评評名击擊心头頭菜赞讚播歌数數])|[时時](?![间間候长長段区區差刻]))"
        rf"(?:钟|鐘)?(?:(?P<half>半)|(?P<q1>一刻|1刻)|(?P<q3>三刻|3刻)|整"
        rf"|过?(?P<m>{_DIGITS}|零[1-9](?!\d)|{_CN_MINUTE})(?:\s?分(?!钟))?)?(?!儿)", _v_cn_clock),
    # A bare hour ("fri 3", "at 3", "3-4pm"); only used when the phrase makes it a time.
    "bare": (
        r"(?<![a-z0-9:.#/+])(?P<h>\d{1,2})(?![a-z0-9:.%/]|(?![到至])[\u3400-\u9fff])"
        r"(?!\s{1,2}(?:rounds?|people|persons?|candidates?|interviewers?|slots?|times?|mins?"
        r"|minutes?|hours?|hrs?|days?|weeks?|[人轮輪个個位场場次名分小天周])(?![a-z]))", v_bare),
    "period_cn": (
        r"(?P<p>上午|早上|早晨|清晨|早间|中午|正午|午后|下午|傍晚|晚上|晚间|夜里|夜间|半夜|深夜|凌晨"
        rf"|[早晚](?=\s?[\d{_CN}]))", _v_period_cn),
    "period_en": (
        r"(?<![a-z])(?:(?P<this>this)\s{1,3}|in\s{1,3}the\s{1,3})?"
        r"(?P<p>morning|afternoon|evening|night)(?![a-z])", _v_period_en),
    "relday_cn": (r"大后天|后天|明天|明日|今天|今日|昨天|昨日|大前天|前天", _v_relday_cn),
    "daypart_cn": (r"(?P<d>[今明昨])(?P<p>早上?|晨|晚上?|夜里?)", _v_daypart_cn),
    "relday_en": (
        r"(?<![a-z])(?:today|tonight|tomorrow|tmrw|tmr|yesterday"
        r"|(?:the\s{1,3})?day\s{1,3}after\s{1,3}tomorrow)(?![a-z])", _v_relday_en),
    "weekday_cn": (
        r"(?P<mod>下下个?|下个?|上上个?|上个?|本|这个?)?(?:周|星期|礼拜|禮拜)"
        r"(?P<w>[一二三四五六日天七1-7])", _v_weekday_cn),
    "weekday_en": (
        r"(?<![a-z])(?:(?P<mod>this\s{1,3}coming|this|next|last|coming)\s{1,3})?"
        r"(?P<w>monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri"
        r"|saturday|sat|sunday|sun)\.?(?![a-z])", _v_weekday_en),
    # 3天后, 两周后, 三天前
    "dayoff_cn": (
        rf"(?P<n>{NUM}|\d{{3}})\s?个?\s?(?P<u>天|日|周|星期|礼拜)\s?(?:以|之)?(?P<dir>后|前)",
        _v_dayoff_cn),
    # in 3 days, 2 weeks later, two days ago
    "dayoff_en": (
        rf"(?<![a-z])(?:in\s{{1,3}}(?P<n>{_EN_NUM})\s{{1,3}}(?P<u>days?|weeks?)"
        rf"|(?P<n2>{_EN_NUM})\s{{1,3}}(?P<u2>days?|weeks?)\s{{1,3}}"
        rf"(?P<dir>later|from\s{{1,3}}now|ago))(?![a-z])", _v_dayoff_en),
    # 2小时后, 半小时后, 一个半小时后, 30分钟后
    "reltime_cn": (
        rf"(?P<n>\d{{1,3}}(?:\.\d{{1,2}})?|{NUM}|半)\s?个?\s?(?P<half>半)?\s?"
        rf"(?P<u>小时|钟头|分钟|分)\s?(?:以|之)?(?P<dir>后|前)", _v_reltime_cn),
    # in 2 hours, in an hour and a half, in 30 minutes, 90 mins later
    "reltime_en": (
        rf"(?<![a-z])(?:in\s{{1,3}}(?P<n>{_EN_NUM}|half\s{{1,3}}an?)\s{{0,3}}"
        rf"(?P<u>hours?|hrs?|h|minutes?|mins?|m)(?P<half>\s{{1,3}}and\s{{1,3}}a\s{{1,3}}half)?"
        rf"|(?P<n2>{_EN_NUM})\s{{0,3}}(?P<u2>hours?|hrs?|minutes?|mins?)\s{{1,3}}"
        rf"(?P<dir>later|from\s{{1,3}}now|ago))(?![a-z])", _v_reltime_en),
    # 2026年12月1日, 12月1号, 十二月一日, 12月1
    "cn_date": (
        rf"(?:(?P<y>\d{{4}}|[{_CN}]{{4}})\s?年\s?)?(?P<mo>{_DIGITS}|{_CN_MONTH})\s?月\s?"
        rf"(?P<d>{_DIGITS}|{_CN_DAY})(?:\s?[日号號]{_NOT_DAY}|(?![\d:.日号號]))", _v_cn_date),
    # 20号, 二十号, 下个月5号
    "dom": (
        rf"(?:(?P<mm>本|这个?|下个?)月\s?|(?<![\d月年]))(?P<d>{_DIGITS}|{_CN_DAY})\s?[日号號]"
        rf"{_NOT_DAY}", _v_dom),
    # 12/1, 12/1/2026 (month first)
    "md_slash": (
        r"(?<![\d/.:\-])(?P<mo>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])",
        _v_md_slash),
    # 12-01 (both two digits, so "3-4" stays a range of hours)
    "md_hyphen": (
        r"(?<![\d/.:\-])(?P<mo>\d{2})-(?P<d>\d{2})(?![\d\-:/])(?!\s?(?:[ap]\.?\s?m|[点點时時]))",
        _v_md_hyphen),
    # 12.9 (month.day), as written in chat; 3.30pm and 1.5小时 are taken by other patterns
    "md_dot": (
        r"(?<![\d.:/\-])(?P<mo>\d{1,2})\.(?P<d>\d{1,2})(?![\d.])"
        r"(?!\s?(?:[ap]\.?\s?m|[点时个分天周%]|小时|h(?:ours?|rs?)?(?![a-z])|min))", _v_md_dot),
    # 下周, 这周, 下个星期, next week (a week without its day: asked back with the days)
    "vague_week_cn": (r"(?P<mod>下下个?|下个?|上个?|这个?|本)(?:周|星期|礼拜)(?![一二三四五六日天七1-7末])",
                      _v_vague_week),
    "vague_week_en": (r"(?<![a-z])(?P<mod>this|next|coming)\s{1,3}week(?![a-z])", _v_vague_week),
    # 周末, 下周末, this weekend
    "vague_weekend_cn": (r"(?P<mod>下下个?|下个?|上个?|这个?|本)?(?:周末|礼拜末)", _v_vague_weekend),
    "vague_weekend_en": (
        r"(?<![a-z])(?:(?P<mod>this|next|coming)\s{1,3}|the\s{1,3})?weekend(?![a-z])",
                         _v_vague_weekend),
    # 月底, 下个月初, 12月底, end of the month, beginning of next month
    "vague_month": (
        rf"(?:(?P<mo>{_DIGITS}|{_CN_MONTH})|(?P<mod>下个?|这个?|本))?月(?P<part>底|末|初|中)(?!旬)"
        r"|(?<![a-z])(?:the\s{1,3})?(?P<epart>end|beginning|start|middle|mid)\s{1,3}of\s{1,3}"
        r"(?:the\s{1,3}|this\s{1,3}|(?P<emod>next)\s{1,3})?month(?![a-z])", _v_vague_month),
    # 元旦, 春节, 国庆节, national day, christmas: the next such day (see holidays.py)
    "holiday": (
        r"元旦节?|春节|过年|大年初一|清明节?|五一劳动节|劳动节|五一(?![\d点时号日月])|端午节?|中秋节?"
        r"|国庆节?|圣诞节?|平安夜|情人节"
        r"|(?<![a-z])(?:new\s{1,3}year(?:['’]?s)?(?:\s{1,3}day)?|chinese\s{1,3}new\s{1,3}year"
        r"|lunar\s{1,3}new\s{1,3}year|spring\s{1,3}festival|qingming|tomb\s{1,3}sweeping\s{1,3}day"
        r"|labou?r\s{1,3}day|may\s{1,3}day|dragon\s{1,3}boat\s{1,3}festival"
        r"|mid[- ]autumn\s{1,3}festival|national\s{1,3}day|christmas(?:\s{1,3}(?:eve|day))?|xmas"
        r"|valentine['’]?s\s{1,3}day)(?![a-z])", _v_holiday),
    # Dec 1, December 1st, Dec. 1, 2026
    "en_md": (
        rf"(?<![a-z])(?P<mon>{_MON})\.?\s{{0,2}}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:a-z]|[/.\-]\d)"
        rf"(?:,?\s{{1,2}}(?P<y>\d{{4}})(?![\d:]))?", _v_en_date),
    # 1 Dec, 1st of December 2026
    "en_dm": (
        rf"(?<![a-z0-9])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s{{0,2}}(?:of\s{{1,2}})?(?P<mon>{_MON})"
        rf"\.?(?![a-z])(?:,?\s{{1,2}}(?P<y>\d{{4}})(?![\d:]))?", _v_en_date),
}

# Which patterns can start with a digit, a Latin letter or a CJK character, each in an order
# where the first alternative that matches is also the longest (checked by a test).
ORDER = {
    "d": ["iso", "cn_date", "vague_month", "reltime_en", "dayoff_en", "reltime_cn", "dayoff_cn",
          "clock", "ampm", "oclock", "word", "en_dm", "md_slash", "md_hyphen", "md_dot", "cn_clock",
          "dom", "bare"],
    "l": ["reltime_en", "dayoff_en", "vague_month", "holiday", "vague_week_en", "vague_weekend_en",
          "period_en", "weekday_en", "relday_en", "word", "en_md"],
    "c": ["cn_date", "vague_month", "reltime_cn", "dayoff_cn", "weekday_cn", "vague_weekend_cn",
          "vague_week_cn", "holiday", "dom", "relday_cn", "daypart_cn", "period_cn", "cn_clock"],
}
