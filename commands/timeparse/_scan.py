"""Tokeniser: finds date/time atoms in a normalised copy of the text, in linear time."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import _lexicon as lx
from ._patterns import ORDER, PATTERNS, v_bare

_I = re.IGNORECASE
_FACETS = ("day", "weekday", "period", "time", "rel")


class Atom:
    """One recognised piece: a day, a weekday, a part of the day, a clock time or an offset."""

    __slots__ = ("end", "facets", "start", "vals")

    def __init__(self, start: int, end: int, vals: dict[str, Any]):
        self.start, self.end, self.vals = start, end, vals
        # The phrase slots this atom fills.
        self.facets = frozenset(k for k in _FACETS if k in vals)

    def __repr__(self) -> str:
        return f"Atom({self.start}, {self.end}, {self.vals!r})"


_COMPILED = {name: (re.compile(src, _I), conv) for name, (src, conv) in PATTERNS.items()}
# Inner groups get the pattern's name as a prefix so one alternation can serve them all.
_ALTERNATION = {
    cat: re.compile("|".join(
        f"(?P<{n}>" + re.sub(r"\(\?P<(\w+)>", f"(?P<{n}__\\1>", PATTERNS[n][0]) + ")"
        for n in names), _I)
    for cat, names in ORDER.items()}


class _Groups:
    """The groups of one alternative, read as if it had matched on its own."""

    __slots__ = ("m", "name")

    def __init__(self, m: re.Match[str], name: str):
        self.m, self.name = m, name

    def __getitem__(self, key: int | str) -> Any:
        return self.m.group(self.name if key == 0 else f"{self.name}__{key}")


# Where an atom may start, found by one cheap C-level search: a digit run, a Latin word, or
# a CJK character that opens one of the Chinese forms (numerals only when a unit follows).
_CN_NUMS = "零〇一二两三四五六七八九十"
_START = re.compile(
    r"(?P<d>(?<![0-9])[0-9])|(?P<l>(?<![a-z])[tnlcimaefswdjoybqxgv])"
    rf"|(?P<c>[{_CN_NUMS}](?=[{_CN_NUMS}]{{0,3}}\s?个?\s?半?\s?[点點时時月日号號天周星礼禮小分钟年])"
    r"|[今明昨](?=[天日早晨晚夜])|大(?=[后前]天|年初一)|[后前](?=天)|周|星(?=期)|[礼禮](?=拜)"
    r"|下(?=[午下个周星礼禮月])|上(?=[午上个周星礼禮])|本(?=[周星礼禮月])|这(?=个?[周星礼禮月])"
    r"|月(?=[底末初中])|元(?=旦)|春(?=节)|过(?=年)|清(?=明)|五(?=一)|劳(?=动节)|端(?=午)"
    r"|中(?=秋)|国(?=庆)|圣(?=诞)|平(?=安夜)|情(?=人节)"
    r"|[早晚]|[中正](?=午)|午(?=后)|傍(?=晚)|夜(?=[里间])|半(?=[夜小个])|深(?=夜)|凌(?=晨)"
    r"|清(?=晨))", _I)


# A number that no longer pattern can continue (next comes a digit, punctuation or the end):
# by far the most common digit run, so it skips the big alternation.
_PLAIN_NUMBER = re.compile(
    PATTERNS["bare"][0] + r"(?=\s{0,3}(?:[0-9,;!?~()]|$)|-(?!\d{2}(?!\d)))", _I)


def scan(s: str) -> Iterator[Atom]:
    """Leftmost-longest atoms of a normalised string, in order, without overlaps (lazily)."""
    pos = 0
    while (hit := _START.search(s, pos)) is not None:
        p = hit.start()
        cat = hit.lastgroup or "c"
        if cat == "d" and (plain := _PLAIN_NUMBER.match(s, p)) is not None:
            yield Atom(p, plain.end(), v_bare(plain))
            pos = plain.end()
            continue
        m = _ALTERNATION[cat].match(s, p)
        if m is None:
            pos = p + 1
            continue
        name = m.lastgroup
        assert name is not None
        yield Atom(p, m.end(), PATTERNS[name][1](_Groups(m, name)))  # type: ignore[arg-type]
        pos = m.end()


def scan_longest(s: str) -> list[Atom]:
    """Reference scanner that tries every pattern at every position (for tests only)."""
    atoms: list[Atom] = []
    pos = 0
    while pos < len(s):
        best = None
        for rx, conv in _COMPILED.values():
            m = rx.match(s, pos)
            if m and (best is None or m.end() > best[0].end()):
                best = (m, conv)
        if best is None:
            pos += 1
            continue
        atoms.append(Atom(pos, best[0].end(), best[1](best[0])))
        pos = best[0].end()
    return atoms


# Things that are never times: #ids, @mentions, e-mail, URLs and key:value options (时长:60,
# dur:45, 原因:…). Keys naming a time (时间:明天下午3点) are left for the parser.
_PROTECT = re.compile(
    # A name in quotes 「王国庆」 is never a time, whatever words it holds.
    r"「[^」]{0,60}」|“[^”]{0,60}”|\"[^\"]{0,60}\""
    r"|#[0-9a-z_\-]{0,20}|(?<![a-z0-9._%+\-])[a-z0-9._%+\-]{0,40}@[^\s@]{1,40}|@[^\s@]{1,40}"
    r"|(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]{0,10}://\S{0,2000}"
    r"|(?:(?<!\S)(?P<key>[a-z][a-z_\-]{0,29}|[\u3400-\u9fff]{1,4})"
    r"|时长|轮次|形式|原因|备注|结论|评分|岗位|简历|地点|理由|链接|状态):\S{0,200}", _I)
TIME_KEYS = frozenset({"时间", "日期", "开始", "开始时间", "time", "date", "when", "start", "at"})


# A weekday in brackets after a date, 12月8日（周二） or Dec 8 (Tue): the brackets read as spaces.
_BRACKETED = re.compile(
    r"\((\s?(?:周|星期|礼拜)[一二三四五六日天七1-7]\s?"
    r"|\s?(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:[a-z]{0,6})\.?\s?)\)", _I)


def prepare(text: str) -> str:
    """Normalised copy of text (same length) with protected spans blanked out by NULs."""
    s = _BRACKETED.sub(lambda m: " " + m[1] + " ", text.translate(lx.NORMALIZE))
    parts: list[str] = []
    last = 0
    for m in _PROTECT.finditer(s):
        key = m["key"]
        if key is not None and key.lower() in TIME_KEYS:
            continue
        parts.append(s[last:m.start()])
        parts.append("\0" * (m.end() - m.start()))
        last = m.end()
    parts.append(s[last:])
    return "".join(parts)
