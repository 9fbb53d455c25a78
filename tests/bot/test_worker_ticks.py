"""The production worker runs the clock: a reminder reaches WeCom with no extra set-up."""
from __future__ import annotations

from bot.pipeline.clock import ReminderClock
from bot.pipeline.dispatch import ensure_user
from bot.pipeline.usersync import NameSync


def test_make_worker_runs_the_clock_and_the_name_sync(services, wecom, fake_wecom, clock):
    worker = services.make_worker()
    assert {type(t) for t in worker.ticks} == {ReminderClock, NameSync}
    with services.sessions.begin() as s:
        for userid, role, name in (("wangfang", "hr", "王芳"), ("lisi", "interviewer", "李四")):
            u = ensure_user(s, userid, services.settings, clock())
            u.role, u.name, u.name_synced = role, name, True
            u.directory_name = name   # as WeCom's directory sync would have it
    wecom.text("wangfang", "安排 张三 明天下午3点 面试官 李四")
    worker.drain()
    clock.advance(days=1, hours=4)          # Thu 14:00 CST: 60 minutes before
    services.make_worker().drain()
    assert any("60 分钟后有面试" in m for m in fake_wecom.messages_to("lisi"))
