"""Random lives of interviews against PostgreSQL (hypothesis stateful testing).

Schedule, reschedule, accept, decline, add and remove interviewers, cancel, no-show, absent,
feedback and amendments, decisions and clock ticks come in any order, through the real router
and the real clock. After every step:

1. nobody off the panel (declined, removed) has feedback, or owes it;
2. every view agrees with the state table: `我的面试` and `今日` count exactly the interviews the
   person attends and mark the others 已拒绝 / 已移除; `面试 #id` lists exactly the panel;
   `待评价` lists exactly the feedback owed; the HR digest names exactly the panel;
3. every clock message is sent once: a second tick at the same moment adds nothing, and no
   reminder or nudge goes to someone off the panel;
4. nothing of the clock's is sent about a cancelled interview after its cancellation, including
   a message a sender claimed before the cancel and tries to send after it;
5. a live interview is confirmed exactly when everyone on its panel has accepted.

"Sent" is an outbox row claimed and sent through the real outbox checks (claim, then the check
under the row's lock), as steps of their own that may come between any two others; only the
call to WeCom is left out (the WeCom side is not the subject here).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select, text

from bot.pipeline import outbox
from bot.pipeline.clock import ReminderClock
from commands.interviews_repo import FEEDBACK_DUE
from store.db import Base, make_sessionmaker
from store.hiring import ATTENDING, FEEDBACK_STATES, LIVE, Feedback, Interview, Panelist
from store.models import OutboxMessage, User
from tests.commands.conftest import HR, LISI, WANGWU, ZHAOLIU, Desk

SH = ZoneInfo("Asia/Shanghai")
PEOPLE = {LISI: "李四", WANGWU: "王五", ZHAOLIU: "赵六"}
NAMES = st.sampled_from(sorted(PEOPLE))
CLOCK_KINDS = ("remind", "hrwarn", "autonudge")
START = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)        # Wed 10:00 in Shanghai
WORKER = "lives"


class Lives(RuleBasedStateMachine):
    """One organisation, three interviewers, one HR; time only moves forward."""

    engine = None
    settings_ = None

    def __init__(self) -> None:
        super().__init__()
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with self.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        self.now = START
        self.desk = Desk(make_sessionmaker(self.engine), self.settings_, lambda: self.now)
        self.desk.user(HR, "hr", "王芳")
        for userid, name in PEOPLE.items():
            self.desk.user(userid, "interviewer", name)
        self.cancelled_at: dict[int, datetime] = {}
        self.sent_before: dict[int, set[int]] = {}
        self.candidates = 0

    # --- helpers ---------------------------------------------------------------------------

    def say(self, userid: str, message: str) -> str:
        reply = self.desk.ask(userid, message)
        code = re.search(r"(?:确认|confirm) ([A-Z2-9]{4})(?! ?序号| <number>)", reply)
        if code and ("仍要" in reply or "？" in reply):     # a question: say yes to it
            reply = self.desk.ask(userid, f"确认 {code.group(1)}")
        return reply

    def pick_iid(self, data: st.DataObject) -> int:
        """Mostly an interview that exists (a missing one now and then: it must be refused)."""
        top = self.candidates
        return data.draw(st.integers(1, top + 1) if top else st.just(1), label="iid")

    def pick_person(self, data: st.DataObject, iid: int) -> str:
        """Mostly someone on (or once on) the interview's panel, sometimes anyone."""
        with self.desk.sessions() as s:
            on = sorted(u.wecom_userid for u in s.scalars(
                select(User).join(Panelist, Panelist.user_id == User.id)
                .where(Panelist.interview_id == iid)))
        return data.draw(st.sampled_from(on) if on and data.draw(st.integers(0, 4)) else NAMES,
                         label="who")

    def day(self, offset: int) -> str:
        d = (self.now.astimezone(SH) + timedelta(days=offset)).date()
        return f"{d.month}月{d.day}日"

    def rows(self, model, *where):  # noqa: ANN001, ANN201
        with self.desk.sessions() as s:
            return list(s.scalars(select(model).where(*where)))

    # --- rules -----------------------------------------------------------------------------

    @rule(offset=st.integers(0, 2), hour=st.sampled_from([9, 11, 15, 17, 20]),
          panel=st.sets(NAMES, min_size=1, max_size=3))
    def schedule(self, offset: int, hour: int, panel: set[str]) -> None:
        self.candidates += 1
        names = " ".join(PEOPLE[p] for p in sorted(panel))
        self.say(HR, f"安排 候选人{self.candidates} {self.day(offset)} {hour}点 面试官 {names}")

    @rule(data=st.data(), offset=st.integers(0, 3), hour=st.sampled_from([10, 14, 16, 21]))
    def reschedule(self, data: st.DataObject, offset: int, hour: int) -> None:
        iid = self.pick_iid(data)
        self.say(HR, f"改期 #{iid} {self.day(offset)} {hour}点")

    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        iid = self.pick_iid(data)
        who = self.pick_person(data, iid)
        self.say(who, f"接受 #{iid}")

    @rule(data=st.data())
    def decline(self, data: st.DataObject) -> None:
        iid = self.pick_iid(data)
        who = self.pick_person(data, iid)
        self.say(who, f"拒绝 #{iid} 没空")

    @rule(data=st.data())
    def add(self, data: st.DataObject) -> None:
        iid = self.pick_iid(data)
        who = data.draw(NAMES)
        self.say(HR, f"加面试官 #{iid} {PEOPLE[who]}")

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        iid = self.pick_iid(data)
        who = self.pick_person(data, iid)
        self.say(HR, f"移除面试官 #{iid} {PEOPLE[who]}")

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        self.cancel_one(self.pick_iid(data))

    def cancel_one(self, iid: int) -> None:
        before = self.rows(Interview, Interview.id == iid)
        self.say(HR, f"取消 #{iid}")
        after = self.rows(Interview, Interview.id == iid)
        if before and before[0].status != "cancelled" and after[0].status == "cancelled":
            self.cancelled_at[iid] = self.now
            with self.desk.sessions() as s:   # sent before this step: not "after" it
                self.sent_before[iid] = set(s.scalars(select(OutboxMessage.id).where(
                    OutboxMessage.status == "sent")))

    @rule(data=st.data())
    def no_show(self, data: st.DataObject) -> None:
        iid = self.pick_iid(data)
        self.say(HR, f"爽约 #{iid}")

    @rule(data=st.data())
    def absent(self, data: st.DataObject) -> None:
        iid = self.pick_iid(data)
        who = self.pick_person(data, iid)
        self.say(HR, f"缺席 #{iid} {PEOPLE[who]}")

    @rule(data=st.data(), score=st.integers(1, 5))
    def feedback(self, data: st.DataObject, score: int) -> None:
        iid = self.pick_iid(data)
        who = self.pick_person(data, iid)
        self.say(who, f"评价 #{iid} 结论:推荐 评分:{score}")

    @rule(data=st.data(), score=st.integers(1, 5))
    def amend(self, data: st.DataObject, score: int) -> None:
        iid = self.pick_iid(data)
        who = self.pick_person(data, iid)
        self.say(who, f"修改评价 #{iid} 评分:{score}")

    @rule(data=st.data(), verdict=st.sampled_from(["通过", "不通过", "待定"]))
    def decide(self, data: st.DataObject, verdict: str) -> None:
        iid = self.pick_iid(data)
        self.say(HR, f"决定 #{iid} {verdict}")

    @rule(minutes=st.sampled_from([10, 60, 150, 600, 1440]), claim=st.booleans())
    def tick(self, minutes: int, claim: bool) -> None:
        self.now += timedelta(minutes=minutes)
        clock = ReminderClock(self.desk.sessions, "Asia/Shanghai")
        clock(self.now)
        with self.desk.sessions() as s:
            written = s.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))
        ReminderClock(self.desk.sessions, "Asia/Shanghai")(self.now)    # a second worker
        with self.desk.sessions() as s:
            again = s.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))
        assert again == written, "a second tick at the same moment wrote messages again"
        self._check_new_clock_rows(written)
        self.last_tick_id = written
        if claim:    # a sender takes the new messages at once and is slow to send them
            self.claim()

    @rule()
    def claim(self) -> None:
        """A sender claims what is due; it may send it only steps later (a cancel in between)."""
        outbox.claim(self.desk.sessions, worker_id=WORKER, now=self.now, limit=50)

    @rule()
    def send(self) -> None:
        """The sender sends what it claimed, then everything else queued, through the real
        outbox checks (bot.pipeline.outbox.hold); only the call to WeCom is left out."""
        while True:
            with self.desk.sessions() as s:
                claimed = list(s.scalars(select(OutboxMessage).where(
                    OutboxMessage.status == "sending", OutboxMessage.claimed_by == WORKER)))
            if not claimed:
                claimed = outbox.claim(self.desk.sessions, worker_id=WORKER, now=self.now,
                                       limit=50)
            if not claimed:
                return
            for row in claimed:
                if not outbox.about_an_interview(row):
                    outbox.mark_sent(self.desk.sessions, row, WORKER, self.now, msgid=None,
                                     invaliduser=None)
                    continue
                with self.desk.sessions.begin() as s:
                    if outbox.hold(s, row, WORKER):
                        outbox.sent_held(s, row, self.now, msgid=None, invaliduser=None)

    # --- invariants ------------------------------------------------------------------------

    def _check_new_clock_rows(self, upto: int | None) -> None:
        seen = getattr(self, "last_tick_id", None) or 0
        with self.desk.sessions() as s:
            fresh = s.scalars(select(OutboxMessage).where(OutboxMessage.id > seen)).all()
            panel = {(p.interview_id, p.user_id): p for p in s.scalars(select(Panelist))}
            users = {u.wecom_userid: u.id for u in s.scalars(select(User))}
            for row in fresh:
                kind, _, rest = (row.dedupe_key or "").partition(":")
                if kind in ("remind", "autonudge"):
                    iid, uid = (int(x) for x in rest.split(":")[:2])
                    p = panel[(iid, uid)]
                    assert p.rsvp in ATTENDING, f"{row.dedupe_key} to someone off the panel"
                if kind == "agenda-hr":
                    self._digest_names_the_panel(s, row.content)
                if kind == "agenda":
                    for iid in map(int, re.findall(r"#(\d+) ", row.content)):
                        assert panel[(iid, users[row.touser])].rsvp in ATTENDING

    def _digest_names_the_panel(self, s, content: str) -> None:  # noqa: ANN001
        for iid, names in re.findall(r"• \d\d:\d\d #(\d+) .*\((.*)\)$", content, re.M):
            on = {PEOPLE.get(u.wecom_userid, u.name) for p, u in s.execute(
                select(Panelist, User).join(User, User.id == Panelist.user_id)
                .where(Panelist.interview_id == int(iid), Panelist.rsvp.in_(ATTENDING)))}
            shown = set() if names.startswith("⚠") else set(names.split("、"))
            assert shown == on, (iid, names, on)

    @invariant()
    def nobody_off_the_panel_gives_or_owes_feedback(self) -> None:
        with self.desk.sessions() as s:
            for p in s.scalars(select(Panelist)):
                assert p.feedback_status in FEEDBACK_STATES
                if p.rsvp not in ATTENDING:
                    assert p.feedback_status in ("excused", "waived"), (p.rsvp, p.feedback_status)
                    assert s.get(Feedback, (p.interview_id, p.user_id)) is None

    @invariant()
    def my_interviews_and_today_agree_with_the_table(self) -> None:
        local = self.now.astimezone(SH)
        today0 = datetime(local.year, local.month, local.day, tzinfo=SH)
        for userid in PEOPLE:
            with self.desk.sessions() as s:
                uid = s.scalars(select(User.id).where(User.wecom_userid == userid)).one()
                rows = s.execute(select(Panelist, Interview).join(
                    Interview, Interview.id == Panelist.interview_id).where(
                    Panelist.user_id == uid, Interview.status != "cancelled",
                    Interview.start_at >= today0,
                    Interview.start_at < today0 + timedelta(days=14))).all()
            on = {iv.id for p, iv in rows if p.rsvp in ATTENDING}
            off = {iv.id: p.rsvp for p, iv in rows if p.rsvp not in ATTENDING}
            mine = self.desk.ask(userid, "我的面试")
            head = mine.split("\n", 1)[0]
            count = int(m.group(1)) if (m := re.search(r"（(\d+)）", head)) else 0
            assert count == len(on), (mine, on)
            for line in mine.split("\n")[1:]:
                m = re.match(r"#(\d+) ", line)
                if m and int(m.group(1)) in off:
                    word = "你已拒绝" if off[int(m.group(1))] == "declined" else "你已被移除"
                    assert word in line and "已完成" not in line, line
            today_ids = {iv.id for p, iv in rows if p.rsvp in ATTENDING
                         and iv.start_at < today0 + timedelta(days=1)}
            today = self.desk.ask(userid, "今日")
            m = re.search(r"你有 (\d+) 场面试", today)
            assert (int(m.group(1)) if m else 0) == len(today_ids), (today, today_ids)

    @invariant()
    def interview_detail_lists_exactly_the_panel(self) -> None:
        for iv in self.rows(Interview):
            with self.desk.sessions() as s:
                on = [PEOPLE[u.wecom_userid] for p, u in s.execute(
                    select(Panelist, User).join(User, User.id == Panelist.user_id)
                    .where(Panelist.interview_id == iv.id, Panelist.rsvp.in_(ATTENDING)))]
            detail = self.desk.ask(HR, f"面试 #{iv.id}")
            line = next(x for x in detail.split("\n") if x.startswith("面试官："))
            shown = set(re.findall(r"([^、：（]+)（", line))
            assert shown == set(on), (line, on)

    @invariant()
    def pending_feedback_lists_exactly_what_is_owed(self) -> None:
        with self.desk.sessions() as s:
            owed = {(iv.id, PEOPLE[u.wecom_userid]) for p, iv, u in s.execute(
                select(Panelist, Interview, User)
                .join(Interview, Interview.id == Panelist.interview_id)
                .join(User, User.id == Panelist.user_id)
                .where(Panelist.feedback_status == "pending", Panelist.rsvp.in_(ATTENDING),
                       Interview.status.in_(FEEDBACK_DUE), Interview.decision.is_(None),
                       Interview.end_at <= self.now))}
        listed = {(int(i), name) for i, name in
                  re.findall(r"^#(\d+) 候选人\d+ (\S+)（", self.desk.ask(HR, "待评价"), re.M)}
        assert listed == owed

    @invariant()
    def nothing_of_the_clocks_is_sent_after_a_cancellation(self) -> None:
        for iid, at in self.cancelled_at.items():
            with self.desk.sessions() as s:
                late = s.execute(select(OutboxMessage.id, OutboxMessage.dedupe_key).where(
                    OutboxMessage.status == "sent", OutboxMessage.sent_at >= at,
                    OutboxMessage.dedupe_key.like(f"%:{iid}:%"))).all()
            late = [k for i, k in late if i not in self.sent_before[iid]
                    and k.split(":")[0] in CLOCK_KINDS and k.split(":")[1] == str(iid)]
            assert not late, late

    @invariant()
    def each_interviews_status_agrees_with_its_panels_answers(self) -> None:
        # states.INTERVIEW: confirmed exactly when everyone on the panel has accepted.
        with self.desk.sessions() as s:
            for iv in s.scalars(select(Interview).where(Interview.status.in_(LIVE))):
                answers = [p.rsvp for p in s.scalars(select(Panelist).where(
                    Panelist.interview_id == iv.id, Panelist.rsvp.in_(ATTENDING)))]
                everyone = bool(answers) and all(a == "accepted" for a in answers)
                assert (iv.status == "confirmed") == everyone, (iv.id, iv.status, answers)


def test_random_lives_keep_every_view_consistent_with_the_state_table(db, settings):
    Lives.engine, Lives.settings_ = db, settings
    run_state_machine_as_test(Lives, settings=settings_for_lives())


def test_the_lives_see_a_message_claimed_before_a_cancel_and_sent_after_it(db, settings):
    # The steps random lives reach only now and then, in order: invariant 4 must hold.
    Lives.engine, Lives.settings_ = db, settings
    lives = Lives()
    lives.schedule(offset=0, hour=17, panel={LISI})
    lives.tick(minutes=60, claim=True)             # HR's warning: 李四 has not answered
    with lives.desk.sessions() as s:
        claimed = s.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.status == "sending")).all()
    assert any(k.startswith("hrwarn:1:") for k in claimed), claimed
    lives.cancel_one(1)
    assert 1 in lives.cancelled_at
    lives.send()
    lives.nothing_of_the_clocks_is_sent_after_a_cancellation()
    with lives.desk.sessions() as s:
        assert s.scalars(select(OutboxMessage.status).where(
            OutboxMessage.dedupe_key.like("hrwarn:1:%"))).all() == ["void"]


def settings_for_lives() -> settings:
    """Few, fairly long runs: each step is real SQL, and the CPU is shared."""
    return settings(max_examples=15, stateful_step_count=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
