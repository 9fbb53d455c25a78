"""Parameter kinds for option values: duration, round, mode, recommendation, score, role.

Same contract as commands.kinds: (ctx, text) -> (value, remaining, error as (zh, en) or None).
"""
from __future__ import annotations

import re
from typing import Any

from commands.context import Context
from commands.registry import router
from commands.sanitize import inert

Parsed = tuple[Any, str, "tuple[str, str] | None"]


@router.kind("minutes")
def minutes_kind(ctx: Context, text: str) -> Parsed:
    """A duration: 45, 45min, 1h, 1.5h, 90分钟, 1小时."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(h|hr|hours?|小时|个小时|m|min|mins|minutes?|分钟|分)?\s*",
                     text, re.IGNORECASE)
    if not m:
        return None, "", (f"时长「{inert(text)}」看不懂，请写分钟数，如 45",
                          f"can't read duration “{inert(text)}”, give minutes, e.g. 45")
    n = float(m.group(1)) * (60 if (m.group(2) or "").lower()[:1] in ("h", "小") else 1)
    if not 5 <= n <= 8 * 60:
        return None, "", ("时长须在 5 分钟到 8 小时之间", "duration must be 5 minutes to 8 hours")
    return int(n), "", None


ROUND_WORDS = {"一面": 1, "初试": 1, "二面": 2, "复试": 2, "三面": 3, "终试": 3, "四面": 4,
               "五面": 5, "first": 1, "second": 2, "third": 3, "final": 3}


@router.kind("round")
def round_kind(ctx: Context, text: str) -> Parsed:
    """A round: 2, 二面, 复试, round 2; extra words are kept as its label (二面 技术 -> 技术)."""
    words = text.split()
    number, label = None, []
    for w in words:
        key = w.lower().removeprefix("round")
        if key.isdigit() and number is None:
            number = int(key)
        elif w.lower() in ROUND_WORDS and number is None:
            number = ROUND_WORDS[w.lower()]
        elif w.lower() != "round":
            label.append(w)
    if number is None and label and label[0][:2] in ROUND_WORDS:   # 二面技术
        number, label[0] = ROUND_WORDS[label[0][:2]], label[0][2:]
    label = [w for w in label if w]
    if number is None and not label or (number is not None and not 1 <= number <= 9):
        return None, "", (f"轮次「{inert(text)}」看不懂，例如 轮次:二面",
                          f"can't read round “{inert(text)}”, e.g. round:2")
    return (number, " ".join(label)[:32] or None), "", None


MODES = {"onsite": "onsite", "现场": "onsite", "线下": "onsite", "office": "onsite",
         "video": "video", "视频": "video", "线上": "video", "online": "video",
         "phone": "phone", "电话": "phone", "showmebug": "showmebug", "smb": "showmebug"}


@router.kind("mode")
def mode_kind(ctx: Context, text: str) -> Parsed:
    """How the interview happens: onsite/现场, video/视频, phone/电话, showmebug."""
    mode = MODES.get(text.strip().lower())
    if mode is None:
        return None, "", (f"形式「{inert(text)}」不认识，可选：现场、视频、电话、showmebug",
                          f"unknown mode “{inert(text)}”; use onsite, video, phone or showmebug")
    return mode, "", None


RECS = {"强烈推荐": "strong_yes", "strong yes": "strong_yes", "strong_yes": "strong_yes",
        "推荐": "yes", "yes": "yes", "不推荐": "no", "no": "no", "强烈不推荐": "strong_no",
        "strong no": "strong_no", "strong_no": "strong_no"}


@router.kind("rec")
def rec_kind(ctx: Context, text: str) -> Parsed:
    """A recommendation on the four-level scale (no neutral)."""
    rec = RECS.get(" ".join(text.lower().replace("-", " ").split()))
    if rec is None:
        return None, "", (f"结论「{inert(text)}」不认识，可选：强烈推荐、推荐、不推荐、强烈不推荐",
                          f"unknown recommendation “{inert(text)}”; "
                          "use strong yes, yes, no or strong no")
    return rec, "", None


@router.kind("score")
def score_kind(ctx: Context, text: str) -> Parsed:
    """A score from 1 to 5 (4, 4分, 4/5)."""
    m = re.fullmatch(r"\s*([1-5])\s*(?:分|/\s*5)?\s*", text)
    if not m:
        return None, "", (f"评分「{inert(text)}」须是 1 到 5 的整数", f"score “{inert(text)}” must be 1 to 5")
    return int(m.group(1)), "", None


ROLE_WORDS = {"admin": "admin", "管理员": "admin", "hr": "hr", "interviewer": "interviewer",
              "面试官": "interviewer"}


@router.kind("role")
def role_kind(ctx: Context, text: str) -> Parsed:
    """A role word (admin/管理员, hr, interviewer/面试官), taken from the end of the text."""
    words = text.split()
    if not words or words[-1].lower() not in ROLE_WORDS:
        return None, text, None
    return ROLE_WORDS[words[-1].lower()], " ".join(words[:-1]), None
