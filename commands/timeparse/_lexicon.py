"""Word lists and small converters shared by the scanner and the resolver."""
from __future__ import annotations

# Full-width forms that Chinese IMEs produce. Every mapping is one character to one
# character, so offsets found in the normalised copy are valid in the original text.
_FULLWIDTH: dict[int, int] = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({0xFF21 + i: ord("A") + i for i in range(26)})
_FULLWIDTH.update({0xFF41 + i: ord("a") + i for i in range(26)})
_FULLWIDTH.update({ord(a): ord(b)
                   for a, b in zip("：～－／＃＠．＋，\u3000", ":~-/#@.+, ", strict=True)})
# Traditional characters of the time vocabulary, read as their simplified forms (週五, 三點,
# 禮拜, 下個月, 兩點, 號): also one to one, so the patterns need only the simplified spelling.
_FULLWIDTH.update({ord(a): ord(b) for a, b in zip("週點時禮拜號個兩後這鐘間裡節慶勞動國誕聖來過長輪場樓會傍",
                                                  "周点时礼拜号个两后这钟间里节庆劳动国诞圣来过长轮场楼会傍",
                                                  strict=True)})
_FULLWIDTH.update({ord("（"): ord("("), ord("）"): ord(")"), ord("【"): ord("("),
                   ord("】"): ord(")"), ord("［"): ord("("), ord("］"): ord(")")})
NORMALIZE = str.maketrans(_FULLWIDTH)

CN_NUMERALS = "零〇一二两三四五六七八九十"
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_int(s: str) -> int:
    """Read ASCII digits or Chinese numerals (三, 十二, 二十三, 零五, 二〇二六); -1 if malformed."""
    if s.isascii() and s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.lstrip("零〇").partition("十")
        if "十" in tail or len(head) > 1 or len(tail) > 1:
            return -1
        tens = _CN_DIGIT.get(head, -100) if head else 1
        units = _CN_DIGIT.get(tail, -100) if tail else 0
        value = tens * 10 + units
        return value if value >= 0 else -1
    if s and all(c in _CN_DIGIT for c in s):
        # Digit by digit, as in 二〇二六年 or 零五分.
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    return -1


EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
              "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
              "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45,
              "forty five": 45, "fortyfive": 45, "sixty": 60, "ninety": 90}
EN_NUMBER_RE = ("\\d{1,3}(?:\\.\\d{1,2})?|an?|one|two|three|four|five|six|seven|eight|nine|ten"
                "|eleven|twelve|fifteen|twenty|thirty|forty[- ]?five|sixty|ninety")


def en_number(s: str) -> float:
    """Read '2', '1.5', 'an', 'two' or 'forty-five'."""
    s = " ".join(s.lower().split())
    return float(EN_NUMBERS[s]) if s in EN_NUMBERS else float(s)


CN_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
              "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
# 上/下 count weeks relative to this (Mon–Sun) week; 本/这 mean this week.
CN_WEEK_MOD = {"": "bare", "本": "this", "这": "this", "这个": "this", "下": "next",
               "下个": "next", "下下": "nextnext", "下下个": "nextnext", "上": "last",
               "上个": "last", "上上": "lastlast", "上上个": "lastlast"}
EN_WEEKDAY = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
EN_WEEK_MOD = {"": "bare", "this": "this", "next": "next", "last": "last",
               "coming": "bare", "this coming": "bare"}
WEEK_OFFSET = {"this": 0, "next": 1, "nextnext": 2, "last": -1, "lastlast": -2}

EN_MONTHS_RE = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
EN_MONTH = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}

# Canonical parts of the day; see _hours.py for how each maps a 12-hour clock.
CN_PERIOD = {"上午": "morning", "早上": "morning", "早晨": "morning", "清晨": "morning",
             "早间": "morning", "早": "morning", "中午": "noon", "正午": "noon",
             "午后": "afternoon", "下午": "afternoon", "傍晚": "dusk", "晚上": "evening",
             "晚间": "evening", "晚": "evening", "夜里": "night", "夜间": "night",
             "半夜": "night", "深夜": "night", "凌晨": "dawn"}
CN_REL_DAY = {"大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0,
              "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
CN_DAYPART_DAY = {"今": 0, "明": 1, "昨": -1}
CN_DAYPART = {"早": "morning", "早上": "morning", "晨": "morning", "晚": "evening",
              "晚上": "evening", "夜": "night", "夜里": "night"}

WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_EN_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
