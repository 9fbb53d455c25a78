"""The life of an interview and of each interviewer on it: one table, consulted everywhere.

An interviewer (a row of the panel) has two states side by side:

    answer (Panelist.rsvp)          invited ("pending") · accepted · declined · removed
    feedback (Panelist.feedback_status)
                                    due ("pending") · given ("submitted")
                                    · excused (absent, declined or removed)
                                    · waived (interview cancelled or no-show, or HR decided)

Only invited and accepted interviewers are on the panel (ATTENDING): they get reminders and
the agenda, count in every view, owe feedback once the interview has ended and may give it.
Declined and removed ones are kept (their past rows say 已拒绝 / 已移除) but never asked, never
counted and cannot give feedback.

PANELIST lists every move a command or clock event may make, as
    event: (answers it may start from, feedback states it may start from,
            answer afterwards or None to keep, feedback afterwards or None to keep)
and `move()` is the only code that changes those two columns. INTERVIEW and `advance()`
do the same for the interview's own status.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from commands.router import CommandError
from store.hiring import ATTENDING, LIVE, Interview, Panelist

ANSWER = {"pending": ("未回复", "awaiting reply"), "accepted": ("已接受", "accepted"),
          "declined": ("已拒绝", "declined"), "removed": ("已移除", "removed")}
FEEDBACK = {"pending": ("待评价", "feedback due"), "submitted": ("已评价", "feedback given"),
            "excused": ("免评价", "excused"), "waived": ("无需评价", "not needed"),
            "shadow": ("见习，无需评价", "shadowing, no feedback")}
SHADOW_LABEL = ("见习", "shadow")
ABSENT = ("缺席", "absent")


@dataclass(frozen=True)
class Move:
    """One allowed transition of an interviewer's (answer, feedback) pair."""

    answers: tuple[str, ...]
    feedback: tuple[str, ...]
    answer_to: str | None
    feedback_to: str | None


ANSWERED = ("pending", "accepted", "declined")
PANELIST: dict[str, Move] = {
    # by the interviewer, before the interview ends
    "accept": Move(("pending", "declined"), ("pending", "excused"), "accepted", "pending"),
    "decline": Move(("pending", "accepted"), ("pending",), "declined", "excused"),
    # by the interviewer, after the start; unconfirmed people may have sat in, so they may too
    "feedback": Move(ATTENDING, ("pending",), None, "submitted"),
    "amend": Move(ATTENDING, ("submitted",), None, "submitted"),
    # by HR
    "invite": Move(("declined", "removed"), ("pending", "excused"), "pending", "pending"),
    "remove": Move(ANSWERED, ("pending", "excused"), "removed", "excused"),
    "reschedule": Move(ANSWERED, ("pending", "excused"), "pending", "pending"),
    "absent": Move(ATTENDING, ("pending",), None, "excused"),
    "decide": Move(ATTENDING, ("pending",), None, "waived"),
    "cancel": Move(ANSWERED, ("pending", "excused"), None, "waived"),
    "no_show": Move(ANSWERED, ("pending", "excused"), None, "waived"),
}

# A shadow (a trainee from a pool, feedback state "shadow") answers, is reminded and sees the
# agenda like anyone on the panel, but their feedback state never leaves "shadow": they are
# never nudged, never owe feedback and cannot give it. HR's moves keep them a shadow.
SHADOW: dict[str, Move] = {
    "accept": Move(("pending", "declined"), ("shadow",), "accepted", None),
    "decline": Move(("pending", "accepted"), ("shadow",), "declined", None),
    "invite": Move(("declined", "removed"), ("shadow",), "pending", None),
    "remove": Move(ANSWERED, ("shadow",), "removed", None),
    "reschedule": Move(ANSWERED, ("shadow",), "pending", None),
    "decide": Move(ATTENDING, ("shadow",), None, None),
    "cancel": Move(ANSWERED, ("shadow",), None, None),
    "no_show": Move(ANSWERED, ("shadow",), None, None),
}

STATUS = {"scheduled": ("已安排", "scheduled"), "confirmed": ("已确认", "confirmed"),
          "rescheduled": ("已改期，待确认", "rescheduled, awaiting RSVPs"),
          "cancelled": ("已取消", "cancelled"), "completed": ("已完成", "completed"),
          "no_show": ("候选人未到场", "candidate no-show")}

# The interview's status: event -> (statuses it may start from, status afterwards), and
# `advance()` is the only code that sets Interview.status (tests/commands/test_states.py
# checks the source for any other assignment). None as a start is a new interview.
INTERVIEW: dict[str, tuple[tuple[str | None, ...], str]] = {
    "schedule": ((None,), "scheduled"),
    "confirm": (("scheduled", "rescheduled"), "confirmed"),  # every attending one accepted
    "unconfirm": (("confirmed",), "scheduled"),   # an answer withdrawn, or someone added
    "reschedule": (LIVE, "rescheduled"),
    "cancel": (LIVE, "cancelled"),                 # and only before the start
    "complete": (LIVE, "completed"),               # after the start (done) or the end (clock)
    "no_show": ((*LIVE, "completed"), "no_show"),
    "decide": ((*LIVE, "completed"), "completed"),  # after the end; the verdict is its own column
}
_VERBS = {"schedule": ("安排", "scheduled"), "confirm": ("确认", "confirmed"),
          "unconfirm": ("改回待确认", "set back to awaiting RSVPs"),
          "reschedule": ("改期", "rescheduled"), "cancel": ("取消", "cancelled"),
          "complete": ("标记完成", "marked done"), "no_show": ("标记未到场", "marked no-show"),
          "decide": ("作出决定", "decided")}

_REFUSALS = {
    "accept": ("你已不在 #{iid} 的面试官中。", "You are no longer on #{iid}."),
    "decline": ("你已不在 #{iid} 的面试官中。", "You are no longer on #{iid}."),
    "feedback": ("你没有参加 #{iid}（{state}），不能评价。",
                 "You were not on #{iid} ({state}), so you cannot give feedback."),
    "amend": ("你还没有提交 #{iid} 的评价，请用「评价 #{iid} …」。",
              "You have not given feedback on #{iid} yet; use “feedback #{iid} …”."),
    "absent": ("{who} 在 #{iid} 的状态为{state}，不能标记缺席。",
               "{who} is {state} on #{iid}; they cannot be marked absent."),
    "remove": ("{who} 已提交评价，不能移除。", "{who} has submitted feedback and cannot be removed."),
}
_SHADOW_REFUSALS = {
    "feedback": ("你在 #{iid} 是见习面试官，不需要也不能提交评价。",
                 "You shadowed #{iid}: shadows give no feedback."),
    "amend": ("你在 #{iid} 是见习面试官，不需要也不能提交评价。",
              "You shadowed #{iid}: shadows give no feedback."),
    "absent": ("{who} 在 #{iid} 是见习面试官，无需标记缺席。",
               "{who} shadows #{iid}; there is no absence to mark."),
}


def attending(p: Panelist) -> bool:
    """True for an interviewer on the panel (invited or accepted)."""
    return p.rsvp in ATTENDING


def owes_feedback(p: Panelist) -> bool:
    """True when the interviewer's feedback is still wanted (once the interview has ended)."""
    return p.rsvp in ATTENDING and p.feedback_status == "pending"


def is_shadow(p: Panelist) -> bool:
    """True for a trainee sitting in (见习): reminded, never asked for feedback."""
    return p.feedback_status == "shadow"


def _moves(p: Panelist) -> dict[str, Move]:
    return SHADOW if is_shadow(p) else PANELIST


def allowed(event: str, p: Panelist) -> bool:
    """Whether `event` may happen to this interviewer now."""
    m = _moves(p).get(event)
    return m is not None and p.rsvp in m.answers and p.feedback_status in m.feedback


def move(event: str, p: Panelist, *, iid: int = 0, who: str = "") -> None:
    """Apply `event` to one interviewer, or raise a CommandError saying why it cannot happen."""
    if not allowed(event, p):
        refusals = _SHADOW_REFUSALS if is_shadow(p) else _REFUSALS
        zh, en = refusals.get(event, ("#{iid}：{who}（{state}）不能这样操作。",
                                      "#{iid}: not possible for {who} ({state})."))
        raise CommandError(zh.format(iid=iid, who=who, state=label(p, "zh")),
                           en.format(iid=iid, who=who, state=label(p, "en")))
    m = _moves(p)[event]
    if m.answer_to is not None:
        p.rsvp = m.answer_to
    if m.feedback_to is not None:
        p.feedback_status = m.feedback_to


def move_all(event: str, panel: Sequence[tuple[Panelist, object]]) -> list[Panelist]:
    """Apply `event` to every interviewer it applies to; returns those it changed."""
    changed = [p for p, _ in panel if allowed(event, p)]
    for p in changed:
        move(event, p)
    return changed


def interview_allowed(event: str, status: str | None) -> bool:
    """Whether the interview may go through `event` from `status`."""
    return status in INTERVIEW[event][0]


def advance(event: str, iv: Interview) -> None:
    """Move the interview's status through `event`, or raise a CommandError saying why not."""
    if not interview_allowed(event, iv.status):
        zh, en = STATUS.get(iv.status or "", ("未知", "unknown"))
        verb = _VERBS[event]
        raise CommandError(f"#{iv.id} 状态为{zh}，不能{verb[0]}。",
                           f"#{iv.id} is {en}; it cannot be {verb[1]}.")
    iv.status = INTERVIEW[event][1]


def settle(iv: Interview, answers: list[str]) -> None:
    """Confirmed when every interviewer on the panel has accepted; else back to awaiting them."""
    if answers and all(a == "accepted" for a in answers):
        if interview_allowed("confirm", iv.status):
            advance("confirm", iv)
    elif iv.status == "confirmed":
        advance("unconfirm", iv)


def label(p: Panelist, lang: str) -> str:
    """已拒绝 / 已移除 / 缺席 / 已接受 …: what a row says about this interviewer."""
    if p.rsvp in ATTENDING and p.feedback_status == "excused":
        return ABSENT[0] if lang == "zh" else ABSENT[1]
    pair = ANSWER[p.rsvp]
    if is_shadow(p):
        pair = (f"{SHADOW_LABEL[0]}·{pair[0]}", f"{SHADOW_LABEL[1]}, {pair[1]}")
    return pair[0] if lang == "zh" else pair[1]


def table_text() -> str:
    """The interviewer and interview transitions as plain tables, for docs and the closing note."""
    rows = ["PANELIST (one interviewer on one interview; a shadow's moves after it)",
            f"{'event':<19} {'from answer':<28} {'from feedback':<20} → answer, feedback"]
    for event, m in [*PANELIST.items(), *((f"{e} (shadow)", m) for e, m in SHADOW.items())]:
        rows.append(f"{event:<19} {'|'.join(m.answers):<28} {'|'.join(m.feedback):<20} → "
                    f"{m.answer_to or '(same)'}, {m.feedback_to or '(same)'}")
    rows += ["", "INTERVIEW (Interview.status)", f"{'event':<11} {'from status':<49} → status"]
    for event, (froms, to) in INTERVIEW.items():
        names = "|".join(f or "(new)" for f in froms)
        rows.append(f"{event:<11} {names:<49} → {to}")
    return "\n".join(rows)
