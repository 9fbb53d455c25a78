"""The same schema and commands on SQLite (the demo's database), the partial unique index on
both databases, and the free-slot arithmetic."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from commands.slots import free_windows, inside, suggest
from store.db import make_engine, make_sessionmaker, upgrade
from store.hiring import Candidate, Interview, Panelist
from store.models import User
from tests.commands.conftest import HR, LISI, Desk
from tests.conftest import make_settings

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def sqlite_desk(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    desk = Desk(make_sessionmaker(engine), make_settings(url), clock)
    desk.user(HR, "hr", "王芳")
    desk.user(LISI, "interviewer", "李四")
    yield desk
    engine.dispose()


def test_migrations_create_every_table_on_sqlite(sqlite_desk):
    engine = sqlite_desk.sessions.kw["bind"]
    tables = set(inspect(engine).get_table_names())
    assert {"positions", "candidates", "interviews", "interview_interviewers", "feedback",
            "pending_confirmations", "audit_log", "org_settings", "user_settings"} <= tables
    assert "name_synced" in {c["name"] for c in inspect(engine).get_columns("users")}


def test_the_main_flow_runs_on_sqlite(sqlite_desk, clock):
    d = sqlite_desk
    assert "已安排 #1" in d.ask(HR, "安排 张三 明天下午3点 面试官 李四 形式:视频")
    assert "已有 #1" in d.ask(HR, "安排 赵敏 明天下午3点半 面试官 李四")
    assert "已确认参加" in d.ask(LISI, "接受 #1")
    assert "张三 · 一面 · 视频 · 已确认" in d.ask(LISI, "我的面试")
    assert "已改期 #1" in d.ask(HR, "改期 #1 后天上午10点")
    assert d.get(Panelist, Panelist.interview_id == 1).start_at == \
        d.get(Interview, Interview.id == 1).start_at          # ON UPDATE CASCADE on SQLite too
    clock.advance(days=3)
    assert "已提交" in d.ask(LISI, "评价 #1 结论:推荐 评分:4")
    assert "已经开始，不能取消" in d.ask(HR, "取消 #1")
    d.user("boss", "admin", "老板")
    assert "work_hours = 10:00-18:00" in d.ask("boss", "设置 全局 工作时间 10:00-18:00")
    assert "王芳 改期" in d.ask("boss", "审计 #1")


@pytest.fixture(params=["postgresql", "sqlite"])
def any_engine(request, tmp_path):
    if request.param == "postgresql":
        yield request.getfixturevalue("db")
        return
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_one_live_interview_per_candidate_round(any_engine):
    sessions = make_sessionmaker(any_engine)
    now = datetime(2026, 11, 25, 2, tzinfo=UTC)
    with sessions.begin() as s:
        s.add(User(wecom_userid="u", name="u", role="hr", created_at=now))
        s.flush()
        c = Candidate(name="张三", decision="pending", created_at=now)
        s.add(c)
        s.flush()
        ids = (c.id, s.query(User).one().id)

    def interview(status: str) -> Interview:
        return Interview(candidate_id=ids[0], round=1, start_at=now, end_at=now + timedelta(hours=1),
                         status=status, needs_attention=False, reschedule_count=0, sequence=0,
                         created_by=ids[1], created_at=now, updated_at=now)

    with sessions.begin() as s:
        s.add_all([interview("cancelled"), interview("no_show"), interview("scheduled")])
    with pytest.raises(IntegrityError):
        with sessions.begin() as s:
            s.add(interview("completed"))


def at(h: int, m: int = 0, day: int = 26) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=SH)


WORK = (time(9), time(19))


def test_free_windows_are_the_gaps_inside_working_hours():
    busy = [(at(10), at(11, 30)), (at(11), at(12)), (at(15), at(16)), (at(18, 45), at(20))]
    assert free_windows(busy, date(2026, 11, 26), WORK, SH, at(8, day=25)) == [
        (at(9), at(10)), (at(12), at(15)), (at(16), at(18, 45))]
    # From "now" on, rounded up to the half hour.
    assert free_windows([], date(2026, 11, 26), WORK, SH, at(16, 10))[0][0] == at(16, 30)


def test_suggestions_skip_weekends_and_busy_time_and_do_not_overlap():
    fri_busy = [(at(9, day=27), at(19, day=27))]                       # Friday is full
    slots = suggest(fri_busy, after=at(17, 30), length=timedelta(hours=1), work=WORK, tz=SH)
    assert slots == [(at(17, 30), at(18, 30)), (at(9, day=30), at(10, day=30)),
                     (at(10, day=30), at(11, day=30))]                 # Thu, then Monday


def test_inside_working_hours():
    assert inside(at(9), at(19), WORK, SH)
    assert not inside(at(8, 30), at(9, 30), WORK, SH)
    assert not inside(at(18, 30), at(19, 30), WORK, SH)
    assert not inside(at(18), at(10, day=27), WORK, SH)
