"""A group chat per interview (appchat): created by the worker, refused clearly."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.services import build
from devkit.fakewecom import FakeWeCom
from store.hiring import Interview
from store.models import User
from tests.conftest import AGENT_ID, CORP_ID, SECRET


def set_role(services, userid, role, name):
    from bot.pipeline.dispatch import ensure_user

    with services.sessions.begin() as s:
        u = ensure_user(s, userid, services.settings, services.clock())
        u.role, u.name, u.name_synced = role, name, True
        u.directory_name = name   # as WeCom's directory sync would have it


@pytest.fixture
def team(services, wecom):
    set_role(services, "wangfang", "hr", "王芳")
    set_role(services, "lisi", "interviewer", "李四")
    set_role(services, "wangwu", "interviewer", "王五")
    wecom.text("wangfang", "安排 张三 明天下午3点 面试官 李四 王五")
    return services


def chat_of(services, iid=1):
    with services.sessions() as s:
        return s.get(Interview, iid).chat_id


def test_group_is_created_with_hr_and_interviewers(team, wecom, fake_wecom, deliver):
    wecom.text("wangfang", "建群 #1")
    deliver()
    chat_id = chat_of(team)
    assert chat_id and chat_id.isalnum() and len(chat_id) <= 32
    chat = fake_wecom.chats[chat_id]
    assert sorted(chat["userlist"]) == ["lisi", "wangfang", "wangwu"]
    assert chat["name"].startswith("面试 #1 张三")
    assert "面试群" in fake_wecom.messages_in(chat_id)[0]
    assert any("正在创建群聊" in m for m in fake_wecom.messages_to("wangfang"))
    wecom.text("wangfang", "建群 #1")
    deliver()
    assert "已经有群聊" in fake_wecom.messages_to("wangfang")[-1]


def test_refusal_is_explained_and_forgotten(team, settings, clock, wecom, deliver):
    # A WeCom whose directory does not know wangwu: appchat/create is refused.
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID,
                     users={"wangfang": "王芳", "lisi": "李四"},
                     clock=lambda: clock().timestamp())
    svc = build(settings, transport=fake.transport(), clock=clock, engine=team.engine)
    wecom.text("wangfang", "建群 #1")
    svc.make_worker().drain()
    assert chat_of(team) is None
    told = fake.messages_to("wangfang")[-1]
    assert "建群失败" in told and "60111" in told
    assert fake.group_messages == []
    svc.client.close()


def test_a_group_needs_two_people_and_a_live_interview(team, wecom, fake_wecom, deliver):
    wecom.text("wangfang", "安排 赵敏 后天上午10点 面试官 王芳")
    wecom.text("wangfang", "建群 #2")
    deliver()
    assert "至少需要 2 人" in fake_wecom.messages_to("wangfang")[-1]
    with team.sessions() as s:
        assert s.scalars(select(User)).all()


def test_confirmation_card_buttons_work_and_grey_out(team, wecom, fake_wecom, deliver):
    wecom.text("wangfang", "取消 #1 候选人放弃")
    deliver()
    [card] = [d for d in fake_wecom.delivered if d.msgtype == "template_card"]
    body = card.raw["template_card"]
    assert body["card_type"] == "button_interaction"
    confirm_key = body["button_list"][0]["key"]
    assert confirm_key.startswith("确认 ") and confirm_key[3:] in body["sub_title_text"]
    wecom.event("wangfang", "template_card_event", EventKey=confirm_key,
                TaskId=body["task_id"], CardType="button_interaction",
                ResponseCode=card.response_code)
    deliver()
    with team.sessions() as s:
        assert s.get(Interview, 1).status == "cancelled"
    assert fake_wecom.card_updates[0]["button"]["replace_name"] == "已处理"
    assert any("已取消" in m for m in fake_wecom.messages_to("wangfang"))


def test_changes_are_posted_to_the_group_without_private_details(team, wecom, fake_wecom,
                                                                 deliver):
    with team.sessions.begin() as s:
        from store.hiring import Candidate
        s.get(Candidate, 1).phone = "13800138000"
    wecom.text("wangfang", "建群 #1")
    deliver()
    chat_id = chat_of(team)
    wecom.text("wangfang", "改期 #1 后天下午3点 原因:候选人冲突")
    wecom.text("wangfang", "移除面试官 #1 王五")
    deliver()
    code = re.search(r"确认 ([A-Z2-9]{4})", fake_wecom.messages_to("wangfang")[-1]).group(1)
    wecom.text("wangfang", f"确认 {code}")
    deliver()
    posts = fake_wecom.messages_in(chat_id)
    assert any("已改期" in p and "2026-11-27" in p for p in posts)
    assert any("王五 不再参加" in p for p in posts)
    assert not any("13800138000" in p for p in posts)
