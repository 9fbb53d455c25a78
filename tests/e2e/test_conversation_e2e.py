"""Questions asked back and answered in one short message, through the real encrypted callback,
gunicorn, the worker process and the fake WeCom API: one conversation per kind of question."""
from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from store.db import make_sessionmaker
from store.hiring import Interview
from store.models import User
from tests.conftest import ADMIN
from tests.e2e.test_spine import post, text_xml
from tests.support.days import next_working_day, zh_day

_ids = itertools.count(9_100_000)


def _say(server: str, fake, text: str) -> str:
    """Send one message as the admin and wait for the reply it causes."""
    before = len(fake.messages_to(ADMIN))
    n = next(_ids)
    assert post(server, text_xml(ADMIN, text, n), nonce=str(n)).status_code == 200
    assert fake.wait_for(lambda: len(fake.messages_to(ADMIN)) > before, 30), text
    return fake.messages_to(ADMIN)[before]


def _interviews(db) -> list[Interview]:
    with make_sessionmaker(db)() as s:
        return list(s.scalars(select(Interview).order_by(Interview.id)))


# (command, what the question says, the answer, what the confirmation must then say)
CONVERSATIONS = [
    pytest.param("安排 孙八 明天3点 面试官 @lisi", "是 03:00 还是 15:00", "下午3点", "15:00",
                 id="ambiguous-hour"),
    pytest.param("安排 孙九 下周下午3点 面试官 @lisi", "下周几？", "3", "{choice3} 15:00",
                 id="which-day-of-next-week"),
    pytest.param("安排 孙十 后天 面试官 @lisi", "缺少具体时间", "上午10点", "10:00",
                 id="day-without-time"),
    pytest.param("安排 孙十一 明天下午4点", "缺少面试官", "@lisi", "16:00",
                 id="missing-interviewer"),
    pytest.param("schedule Ann Lee the weekend 10am with @lisi", "Saturday or Sunday?", "2",
                 "{choice2} 10:00", id="weekend-in-english"),
]


@pytest.fixture
def lisi(db) -> None:
    """李四 (@lisi), a member the bot knows from the directory: HR may name them."""
    with make_sessionmaker(db).begin() as s:
        s.add(User(wecom_userid="lisi", name="李四", directory_name="李四", role="interviewer",
                   created_at=datetime.now(UTC), name_synced=True))


@pytest.mark.parametrize(("command", "question", "answer", "confirmed"), CONVERSATIONS)
def test_a_question_is_answered_in_one_message(server, worker, fake_server, db, lisi, command,
                                               question, answer, confirmed):
    fake, _ = fake_server
    asked = _say(server, fake, command)
    assert question in asked, asked
    assert _interviews(db) == []            # nothing is booked on a question
    # The numbered choices, as "12-09 周三" / "Sun 12-06": the confirmation must name that day.
    picks = dict(re.findall(r"(\d)\) (?:\w{3} )?(\d\d-\d\d)", asked))
    done = _say(server, fake, answer)
    # On a weekend or a holiday (the date depends on today) the bot asks once more, with the
    # reason: confirming it books exactly the time answered.
    code = re.search(r"(?:确认|confirm) ([A-Z0-9]{4})", done)
    if code and "已安排" not in done and "Scheduled" not in done:
        done = _say(server, fake, f"确认 {code.group(1)}")
    year = datetime.now(UTC).year
    expected = confirmed.format(**{f"choice{k}": f"-{v} (" for k, v in picks.items()})
    assert "已安排" in done or "Scheduled" in done, done
    assert expected.split(" (")[0] in done and expected.split(" ")[-1] in done, (expected, done)
    [iv] = _interviews(db)
    assert iv.start_at.year in (year, year + 1)


def test_which_of_two_people_is_answered_by_number(server, worker, fake_server, db):
    fake, _ = fake_server
    with make_sessionmaker(db).begin() as s:
        now = datetime.now(UTC)
        for uid in ("lisi", "lisi2"):
            s.add(User(wecom_userid=uid, name="李四", directory_name="李四", role="interviewer",
                       created_at=now, name_synced=True))
    asked = _say(server, fake, f"安排 孙十二 {zh_day(next_working_day())}下午5点 面试官 李四")
    assert "是哪一位" in asked and "2) 李四（@lisi2）" in asked, asked
    done = _say(server, fake, "2")
    assert "已安排" in done, done
    assert fake.wait_for(lambda: fake.messages_to("lisi2"), 30)
    assert fake.messages_to("lisi") == []


def test_cancel_drops_the_question_and_nothing_is_booked(server, worker, fake_server, db,
                                                         lisi):
    fake, _ = fake_server
    _say(server, fake, "安排 孙八 下周下午3点 面试官 @lisi")
    assert "不用回答" in _say(server, fake, "算了")
    later = _say(server, fake, "3")   # no question any more: "3" is not an answer
    assert "没看懂" in later or "didn't understand" in later
    assert _interviews(db) == []
