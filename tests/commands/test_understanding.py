"""Forgiving matching, greetings, did-you-mean, and the echo of how a time was read.

Now is Wed 2026-11-25 10:00 Shanghai.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from store.hiring import Interview
from tests.commands.conftest import HR, LISI


def _count(desk) -> int:
    with desk.sessions() as s:
        return len(list(s.scalars(select(Interview))))


@pytest.mark.parametrize("text", ["我的面试呢？", "我的面试。", "我的面试吧", "请问我的面试呢",
                                  "my interview", "My Interviews", "MY INTERVIEWS?",
                                  "show me my interviews", "/我的面试"])
def test_particles_punctuation_and_plural_reach_the_command(desk, text):
    reply = desk.ask(LISI, text)
    assert "没看懂" not in reply and "didn't understand" not in reply
    assert "没有" in reply or "No " in reply or "no " in reply   # an empty agenda, answered


def test_polite_schedule_runs(desk):
    done = desk.ask(HR, "请安排 孙八 明天下午3点 面试官 李四")
    assert "已安排" in done and _count(desk) == 1


def test_a_closing_particle_on_its_own_is_not_an_interviewer(desk):
    done = desk.ask(HR, "帮我安排一下 孙八 明天下午3点 面试官 李四 吧")
    assert "已安排" in done and "找不到" not in done and _count(desk) == 1


def test_a_question_is_not_taken_as_an_order(desk):
    reply = desk.ask(HR, "安排 孙八 明天下午3点 面试官 李四 吗")
    assert "已安排" not in reply and _count(desk) == 0


@pytest.mark.parametrize(("text", "role_command"), [
    ("你好", "我的面试"), ("hi", "my interviews"), ("Hello!", "my interviews"), ("在吗？", "我的面试")])
def test_greetings_get_a_short_bilingual_welcome(desk, text, role_command):
    reply = desk.ask(LISI, text)
    assert "面试助手" in reply and "interview assistant" in reply
    assert role_command in reply
    assert len(reply.splitlines()) == 2


def test_greeting_lists_the_commands_of_the_role(desk):
    assert "安排" in desk.ask(HR, "你好")
    assert "安排" not in desk.ask(LISI, "你好")


@pytest.mark.parametrize(("typo", "fixed"), [
    ("安拍 孙八 明天下午3点 面试官 李四", "安排 孙八 明天下午3点 面试官 李四"),
    ("我得面试", "我的面试"),
    ("shedule Alice tomorrow 3pm with @lisi", "schedule Alice tomorrow 3pm with @lisi"),
])
def test_typo_quotes_the_corrected_command_and_does_nothing(desk, typo, fixed):
    reply = desk.ask(HR, typo)
    assert f"\n{fixed}\n" in reply
    assert _count(desk) == 0


def test_typo_fix_then_sent_books(desk):
    reply = desk.ask(HR, "安拍 孙八 明天下午3点 面试官 李四")
    fixed = reply.splitlines()[1]
    assert "已安排" in desk.ask(HR, fixed) and _count(desk) == 1


def test_echo_says_how_each_part_was_read(desk):
    done = desk.ask(HR, "安排 孙八 下周三下午3点 面试官 李四")
    assert "理解为：下周三 → 2026-12-02 (周三)" in done
    done = desk.ask(HR, "schedule Bob tomorrow 4pm with @lisi")
    assert "Read as: tomorrow → 2026-11-26 (Thu)" in done


def test_literal_dates_are_not_explained(desk):
    done = desk.ask(HR, "安排 孙八 2026-12-01 15:00 面试官 李四")
    assert "理解为" not in done


def test_far_ahead_is_pointed_out(desk):
    done = desk.ask(HR, "安排 孙八 元旦上午10点 面试官 李四")
    assert "元旦 → 2027-01-01 (周五)" in done
    assert "按传统日期" in done          # 2027's official schedule is not out: said so
    assert "37 天以后" in done
    assert "天以后" not in desk.ask(HR, "安排 周九 明天下午3点 面试官 李四")


def test_time_words_never_join_a_name(desk):
    reply = desk.ask(HR, "安排 孙八 改天下午3点 面试官 李四")
    assert "改天" in reply and _count(desk) == 0
    reply = desk.ask(HR, "安排 王国庆 明天下午3点 面试官 李四")
    assert "「王国庆」里的「国庆」" in reply and _count(desk) == 0
    done = desk.ask(HR, "安排 「王国庆」 明天下午3点 面试官 李四")
    assert "已安排" in done and "王国庆" in done


@pytest.mark.parametrize("phrase", ["下周下午3点", "3点", "周末上午10点", "后天", "12月1日（周三）下午3点",
                                    "改天下午3点", "月底下午3点"])
def test_parse_time_prints_the_reason_the_chat_gives(desk, capsys, phrase):
    from bot.cli import main

    assert main(["parse-time", phrase, "--now", "2026-11-25T10:00", "--tz", "Asia/Shanghai"]) == 1
    en_line, zh_line = capsys.readouterr().out.splitlines()[:2]   # English first, then Chinese
    said = desk.ask(HR, f"安排 孙八 {phrase} 面试官 李四")
    assert zh_line.split(": ", 1)[1] in said, (zh_line, said)
    assert _count(desk) == 0
