"""Find a time end to end: HR's 找时间 card arrives through the fake WeCom, a tap on a button
comes back as a signed template_card_event, and the interview is booked once, for that HR only."""
from __future__ import annotations

from sqlalchemy import func, select

from store.hiring import Interview, Panelist
from tests.bot.test_groups import set_role


def cards_to(fake_wecom, userid):
    return [d for d in fake_wecom.delivered if d.msgtype == "template_card" and d.touser == userid]


def tap(wecom, userid, card, i):
    body = card.raw["template_card"]
    wecom.event(userid, "template_card_event", EventKey=body["button_list"][i]["key"],
                TaskId=body["task_id"], CardType="button_interaction",
                ResponseCode=card.response_code)


def interviews(services):
    with services.sessions() as s:
        return list(s.scalars(select(Interview).order_by(Interview.id)))


def test_find_time_card_tap_books_once_and_only_for_the_asker(services, wecom, fake_wecom,
                                                              deliver):
    set_role(services, "wangfang", "hr", "王芳")
    set_role(services, "liuyang", "hr", "刘洋")
    set_role(services, "lisi", "interviewer", "李四")
    set_role(services, "wangwu", "interviewer", "王五")
    wecom.text("wangfang", "找时间 张三 面试官 李四 王五 本周 60分钟")
    deliver()
    [card] = cards_to(fake_wecom, "wangfang")
    body = card.raw["template_card"]
    assert body["card_type"] == "button_interaction" and len(body["button_list"]) == 5
    assert "2026-11-25 (周三) 10:30–11:30 CST · 李四、王五" in body["sub_title_text"]

    tap(wecom, "liuyang", card, 0)             # another HR's tap on the same key
    deliver()
    assert "没有待确认" in fake_wecom.messages_to("liuyang")[-1]
    assert interviews(services) == []

    tap(wecom, "wangfang", card, 1)            # the asker takes the second slot
    deliver()
    [iv] = interviews(services)
    assert iv.start_at.isoformat() == "2026-11-25T05:30:00+00:00"   # 13:30 CST, after lunch
    assert any("已安排 #1 张三" in m for m in fake_wecom.messages_to("wangfang"))
    assert any("安排你面试" in m for m in fake_wecom.messages_to("lisi"))
    assert fake_wecom.card_updates[-1]["button"]["replace_name"] == "已处理"

    tap(wecom, "wangfang", card, 0)            # the card is single-use
    deliver()
    assert "已经执行过" in fake_wecom.messages_to("wangfang")[-1]
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Panelist)) == 2


def test_a_slot_taken_before_the_tap_gets_a_fresh_card(services, wecom, fake_wecom, deliver):
    set_role(services, "wangfang", "hr", "王芳")
    set_role(services, "lisi", "interviewer", "李四")
    wecom.text("wangfang", "find time Alice with @lisi tomorrow 60min")
    deliver()
    [card] = cards_to(fake_wecom, "wangfang")
    wecom.text("wangfang", "schedule Bob tomorrow 9am with @lisi")
    deliver()
    tap(wecom, "wangfang", card, 0)
    deliver()
    fresh = cards_to(fake_wecom, "wangfang")[-1]
    text = fresh.raw["template_card"]["sub_title_text"]
    assert "is no longer free (李四 busy then); nothing was booked" in text
    assert "1. 2026-11-26 (Thu) 10:00–11:00 CST" in text
    assert [iv.id for iv in interviews(services)] == [1]
    tap(wecom, "wangfang", fresh, 0)
    deliver()
    assert [iv.start_at.isoformat() for iv in interviews(services)][-1] == \
        "2026-11-26T02:00:00+00:00"
