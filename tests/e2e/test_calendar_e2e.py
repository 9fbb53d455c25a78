"""Issue 15 over real HTTP: gunicorn, the worker process and the fake WeCom API as a server.
HR schedules a video interview; the interviewer declines in the WeCom calendar (the fake
sends respond_schedule, which carries no status); HR is told, as for a decline in chat."""
from __future__ import annotations

import re
import subprocess

from tests.conftest import AGENT_ID
from tests.e2e.conftest import BIN, ROOT
from tests.e2e.test_spine import CRYPTO, post, text_xml


def test_video_interview_declined_in_the_calendar_reaches_hr(server, worker, fake_server, env):
    fake, _ = fake_server
    setup = subprocess.run([str(BIN / "interview-bot"), "calendar", "setup", "--organizer", "boss"],
                           env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert "created the calendar" in setup.stdout
    assert post(server, text_xml("boss", "设置 全局 会议 开", 9_150_001)).status_code == 200
    assert fake.wait_for(lambda: any("meetings = on" in m for m in fake.messages_to("boss")), 15)

    # The bot assigns only members it has met (issue 17): lisi says hello first.
    assert post(server, text_xml("lisi", "帮助", 9_150_010), nonce="10").status_code == 200
    assert fake.wait_for(lambda: fake.messages_to("lisi"), 15)
    before = len(fake.messages_to("boss"))
    assert post(server, text_xml("boss", "安排 张三 明天下午3点 面试官 @lisi 形式:视频",
                                 9_150_002), nonce="2").status_code == 200
    assert fake.wait_for(lambda: len(fake.messages_to("boss")) > before, 15)
    code = re.search(r"确认 ([A-Z0-9]{4})", fake.messages_to("boss")[before])
    if code:   # tomorrow is a weekend or a holiday today: the bot asks once more
        assert post(server, text_xml("boss", f"确认 {code.group(1)}", 9_150_011),
                    nonce="11").status_code == 200
    assert fake.wait_for(lambda: fake.meetings and fake.schedules and any(
        "meeting.tencent.com" in m for m in fake.messages_to("lisi")), 20)
    (m,) = fake.meetings.values()
    (event,) = fake.schedules.values()
    assert [a["userid"] for a in event["attendees"]] == ["lisi"]
    assert m["meeting_link"] in event["description"]

    fake.respond(event["schedule_id"], "lisi", 4)
    assert fake.deliver_callbacks(server + "/wecom/callback", CRYPTO, AGENT_ID) == 1
    assert fake.wait_for(lambda: any("拒绝了 #1" in x for x in fake.messages_to("boss")), 20)
    told = next(x for x in fake.messages_to("boss") if "拒绝了 #1" in x)
    assert "在企业微信日历中拒绝" in told and "加面试官 #1" in told
