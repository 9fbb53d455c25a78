"""Names from WeCom's directory for members first seen by userid."""
from __future__ import annotations

from sqlalchemy import select

from bot.services import build
from devkit.fakewecom import FakeWeCom
from store.models import User
from tests.conftest import AGENT_ID, CORP_ID, SECRET


def names(svc):
    with svc.sessions() as s:
        return {u.wecom_userid: (u.name, u.name_synced) for u in s.scalars(select(User))}


def test_names_come_from_user_get_and_unknown_members_are_left_alone(
        settings, clock, db, wecom):
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID,
                     users={"lisi": "李四"}, clock=lambda: clock().timestamp())
    svc = build(settings, transport=fake.transport(), clock=clock, engine=db)
    wecom.text("lisi", "help")
    wecom.text("stranger", "help")
    assert names(svc)["lisi"] == ("lisi", False)
    svc.make_worker().drain()
    assert names(svc) == {"lisi": ("李四", True), "stranger": ("stranger", True)}
    calls = len([r for r in fake.requests if r.path.endswith("user/get")])
    svc.make_worker().drain()
    assert len([r for r in fake.requests if r.path.endswith("user/get")]) == calls
    svc.client.close()


def test_an_unreachable_directory_is_tried_again_later(services, fake_wecom, wecom, clock):
    wecom.text("lisi", "help")
    fake_wecom.fail_next("user/get", errcode=-1)
    services.make_worker().drain()
    assert names(services)["lisi"] == ("lisi", False)
    clock.advance(seconds=10)
    services.make_worker().drain()
    assert names(services)["lisi"][1] is True
