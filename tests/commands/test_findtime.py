"""Find a time: the earliest common free slots as buttons; one tap books through `安排`'s checks."""
from __future__ import annotations

import re

from commands.replies import Card
from store.hiring import Interview, Panelist, PendingConfirmation
from tests.commands.conftest import HR, LISI, WANGWU, ZHAOLIU


def card_of(replies) -> Card:
    [card] = [r for r in replies if isinstance(r, Card) and r.to is None]
    return card


def keys(card: Card) -> list[str]:
    return [b["key"] for b in card.card["button_list"]]


def test_chinese_find_time_lists_earliest_common_slots_as_buttons(desk):
    desk.ask(HR, "安排 甲 今天下午2点 面试官 李四")      # lisi is busy 14:00–15:00 today
    card = card_of(desk.say(HR, "找时间 张三 面试官 李四 王五 本周 60分钟"))
    print(card.text)
    assert "为 张三 找到 李四、王五 本周最早的共同空闲时段（60 分钟）" in card.text
    assert "1. 2026-11-25 (周三) 10:30–11:30 CST · 李四、王五" in card.text
    assert "14:00–15:00" not in card.text                 # lisi's booking is skipped
    assert len(keys(card)) == 5 and keys(card)[0].startswith("确认 ")
    assert card.card["button_list"][0]["text"] == "11/25(三)10:30"
    assert desk.count(Interview) == 1                      # nothing booked by asking


def test_english_find_time_and_one_tap_books_once(desk):
    card = card_of(desk.say(HR, "find time Alice with @lisi @wangwu this week 45min"))
    assert "Earliest common free slots this week for Alice with 李四, 王五 (45 min)" in card.text
    booked = desk.ask(HR, keys(card)[1])
    assert "Scheduled #1 Alice" in booked and "13:30–14:15" in booked
    assert "once" in card.text
    again = desk.ask(HR, keys(card)[0])
    assert "was already carried out" in again
    assert desk.count(Interview) == 1 and desk.count(Panelist) == 2


def test_someone_elses_tap_is_refused(desk):
    desk.user("hr2", "hr", "刘洋")
    card = card_of(desk.say(HR, "找时间 张三 面试官 李四 本周"))
    assert "没有待确认" in desk.ask("hr2", keys(card)[0])
    assert desk.count(Interview) == 0
    assert "已安排 #1 张三" in desk.ask(HR, keys(card)[0])


def test_a_slot_taken_meanwhile_is_refused_with_fresh_slots(desk):
    card = card_of(desk.say(HR, "找时间 张三 面试官 李四 王五 本周 60分钟"))
    desk.ask(HR, "安排 乙 今天上午10点半 面试官 王五")        # takes the first slot
    replies = desk.say(HR, keys(card)[0])
    fresh = card_of(replies)
    assert "2026-11-25 (周三) 10:30–11:30 CST 已不可用（王五 时间冲突），未安排" in fresh.text
    assert "1. 2026-11-25 (周三) 13:30–14:30 CST" in fresh.text  # after lunch
    assert desk.count(Interview) == 1                      # only 乙's
    assert "已安排 #2 张三" in desk.ask(HR, keys(fresh)[0])


def test_declared_hours_and_caps_shape_the_slots(desk):
    desk.ask(LISI, "设置 面试时段 周四 14:00-18:00")
    card = card_of(desk.say(HR, "找时间 张三 面试官 李四 本周 60分钟"))
    assert "1. 2026-11-26 (周四) 14:00–15:00 CST" in card.text
    desk.ask(WANGWU, "设置 上限 每天1")
    desk.ask(HR, "安排 乙 今天上午11点 面试官 王五")
    card = card_of(desk.say(HR, "找时间 张三 面试官 王五 本周 60分钟"))
    assert "1. 2026-11-26 (周四)" in card.text            # Wednesday's cap is reached


def test_cap_reached_after_the_card_is_refused_at_the_tap(desk):
    desk.ask(WANGWU, "设置 上限 每天1")
    card = card_of(desk.say(HR, "找时间 张三 面试官 王五 本周 60分钟"))
    desk.ask(HR, "安排 乙 今天下午5点 面试官 王五")            # the day's one interview
    fresh = card_of(desk.say(HR, keys(card)[0]))
    assert "已不可用（王五 已达每日上限 1）" in fresh.text
    assert "1. 2026-11-26 (周四)" in fresh.text
    assert desk.count(Interview) == 1


def test_pool_slots_pick_fairly_and_the_tap_books_the_picked(desk):
    desk.ask(HR, "面试官池 后端 李四 王五 赵六")
    desk.ask(HR, "安排 乙 今天上午10点 面试官 李四")
    card = card_of(desk.say(HR, "找时间 张三 面试官 后端池×2 本周 60分钟"))
    assert "「后端」池×2" in card.text
    assert "1. 2026-11-25 (周三) 10:30–11:30 CST · 王五、赵六" in card.text
    assert "已安排 #2 张三" in desk.ask(HR, keys(card)[0])
    assert desk.count(Panelist, Panelist.interview_id == 2) == 2


def test_nothing_free_says_so_and_parks_nothing(desk):
    desk.ask(LISI, "设置 面试时段 周一 09:00-10:00")
    reply = desk.ask(HR, "找时间 张三 面试官 李四 本周")
    assert "本周没有 李四 都空闲的 60 分钟时段" in reply
    assert desk.count(PendingConfirmation) == 0


def test_interviewers_may_not_find_time(desk):
    assert "需要 HR 权限" in desk.ask(ZHAOLIU, "找时间 张三 面试官 李四")


def test_typed_confirm_with_a_number_works_too(desk):
    card = card_of(desk.say(HR, "找时间 张三 面试官 李四 明天 30分钟"))
    code = re.search(r"确认 ([A-Z2-9]{4}) 序号", card.text).group(1)
    assert "已安排 #1 张三" in desk.ask(HR, f"确认 {code} 2")
    assert "2026-11-26 (周四) 09:30–10:00 CST" in desk.ask(HR, "面试 #1")


def test_a_missing_panel_is_asked_and_the_answer_completes_the_search(desk):
    question = desk.ask(HR, "找时间 张三 明天 30分钟")
    assert "缺少面试官" in question
    card = card_of(desk.say(HR, "李四"))
    assert "为 张三 找到 李四 明天最早的共同空闲时段（30 分钟）" in card.text


def test_help_shows_the_grammar(desk):
    assert "找时间 张三 面试官 李四 王五 本周 60分钟" in desk.ask(HR, "帮助 找时间")
    assert "pool <name> shadow <person> <n>" in desk.ask(HR, "help pool")
