"""The candidate page through the real Flask app (test client) on PostgreSQL: what it shows,
the booking and its notices, and hostile inputs (forged, altered, expired and reused links,
a slot id of another invitation, a missing CSRF field, a cross-site post, floods)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from commands import invite_token
from commands.settings_store import set_org_setting
from store.hiring import Interview
from store.invitations import Invitation
from store.models import OutboxMessage
from tests.commands.conftest import HR, LISI, WANGWU, Desk


@pytest.fixture
def desk(services, clock) -> Desk:
    d = Desk(services.sessions, services.settings, clock)
    d.user(HR, "hr", "王芳")
    d.user(LISI, "interviewer", "李四")
    d.user(WANGWU, "interviewer", "王五")
    d.ask(HR, "面试官池 后端 李四 王五")
    return d


@pytest.fixture
def client(app):
    return app.test_client()


def invite(desk, text: str = "邀约 张三 后端池 明天 60分钟") -> str:
    reply = desk.ask(HR, text)
    return re.search(r"/book/(\S+)", reply).group(0)


def slot_ids(html: str) -> list[str]:
    return re.findall(r'name="slot" value="([^"]+)"', html)


def form(client, url: str, **extra: str) -> dict[str, str]:
    html = client.get(url).get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    return {"csrf": csrf, "slot": slot_ids(html)[0], **extra}


def test_page_shows_slots_and_nothing_else(client, desk):
    url = invite(desk)
    resp = client.get(url)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "选择面试时间" in html and "感谢您参加我们的面试" in html
    assert len(slot_ids(html)) == 15    # Thursday: starts 9:00–11:00 and 13:30–18:00
    assert "11-26 周四" in html and "09:00–10:00" in html and "13:30–14:30" in html
    for secret in ("李四", "王五", "lisi", "wangwu", "王芳", "wangfang", "张三", "后端"):
        assert secret not in html, secret
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "no-store"
    en = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Pick an interview time" in en and "Thu Nov 26" in en
    by_header = client.get(url, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Book this time" in by_header.get_data(as_text=True)


def test_the_companys_wording_replaces_ours(client, desk):
    url = invite(desk)
    with desk.sessions.begin() as s:
        set_org_setting(s, "invite_wording", "欢迎来到 <b>星河科技</b> 面试", by=None, now=desk.clock())
    html = client.get(url).get_data(as_text=True)
    assert "欢迎来到 &lt;b&gt;星河科技&lt;/b&gt; 面试" in html and "<b>星河" not in html


def test_booking_notifies_confirms_with_ics_and_the_link_is_then_used(client, desk):
    url = invite(desk)
    resp = client.post(url, data=form(client, url))
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/done?lang=zh")
    done = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已预约" in done and "2026-11-26 (周四) 09:00–10:00" in done, done
    ics = client.get(url + "/interview.ics")
    assert ics.mimetype == "text/calendar" and "DTSTART:20261126T010000Z" in ics.get_data(
        as_text=True)
    iv = desk.get(Interview, Interview.id == 1)
    assert iv.start_at == datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    with desk.sessions() as s:
        to = set(s.scalars(select(OutboxMessage.touser)))
        hr_text = s.scalar(select(OutboxMessage.content).where(OutboxMessage.touser == HR))
    assert to == {HR, LISI}, to                         # HR and the picked interviewer
    assert "候选人 张三 通过自助链接选了这个时间" in hr_text and "已安排 #1 张三" in hr_text
    again = client.get(url)
    assert again.status_code == 410 and "已经使用过" in again.get_data(as_text=True)
    assert client.post(url, data={"csrf": "x", "slot": "y"}).status_code in (400, 410)
    assert desk.count(Interview) == 1


def test_forged_altered_and_garbage_links_are_404(client, desk):
    url = invite(desk)
    token = url.rsplit("/", 1)[1]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    other_key = invite_token.make(invite_token.derive_key("not-our-secret"), 1,
                                  token.split(".")[1])
    unknown = invite_token.make(invite_token.derive_key(desk.settings.secret), 999,
                                "abcdefghijkl")
    for bad in (flipped, other_key, unknown, "1", "garbage", "%00", "x" * 5000,
                "1.abcdefghijkl.%E2%80%AE", "１.abcdefghijkl." + "A" * 22):
        resp = client.get(f"/book/{bad}")
        assert resp.status_code == 404, (bad, resp.status_code)
        assert client.post(f"/book/{bad}", data={"slot": "1"}).status_code == 404
    assert client.get(url + "/done").status_code == 404          # not booked yet
    assert client.get(url + "/interview.ics").status_code == 404


def test_expired_link_is_410(client, desk, clock):
    url = invite(desk, "邀约 张三 后端池 两周内")
    data = form(client, url)
    clock.advance(hours=72)
    assert client.get(url).status_code == 410
    resp = client.post(url, data=data)
    assert resp.status_code == 410 and "已过期" in resp.get_data(as_text=True)
    assert desk.count(Interview) == 0


def test_a_slot_of_another_invitation_and_bad_forms_are_refused(client, desk):
    mine, theirs = invite(desk), invite(desk, "邀约 李雷 后端池 明天")
    stolen = form(client, theirs)["slot"]
    resp = client.post(mine, data=form(client, mine, slot=stolen))
    assert resp.status_code == 400 and "请先选择一个时间" in resp.get_data(as_text=True)
    good = form(client, mine)
    assert client.post(mine, data={"slot": good["slot"]}).status_code == 400        # no csrf
    assert client.post(mine, data={**good, "csrf": form(client, theirs)["csrf"]}) \
        .status_code == 400
    assert client.post(mine, data=good, headers={"Sec-Fetch-Site": "cross-site"}) \
        .status_code == 403
    altered = good["slot"].split("-")
    altered[1] = str(int(altered[1]) + 30)
    assert client.post(mine, data={**good, "slot": "-".join(altered)}).status_code == 400
    assert desk.count(Interview) == 0
    assert {i.status for i in _invitations(desk)} == {"open"}


def test_a_slot_taken_meanwhile_gives_fresh_slots(client, desk):
    desk.ask(HR, "面试官池 小组 李四")
    url = invite(desk, "邀约 张三 小组池 明天")
    data = form(client, url)
    desk.ask(HR, "安排 乙 明天上午9点 面试官 李四")
    resp = client.post(url, data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "刚刚被占用" in html
    assert "09:00–10:00" not in html and "10:00–11:00" in html
    assert desk.count(Interview) == 1 and _invitations(desk)[0].status == "open"


def test_floods_get_429(client, desk):
    url = invite(desk)
    codes = [client.get(url).status_code for _ in range(25)]
    assert codes[:20] == [200] * 20 and set(codes[20:]) == {429}, codes
    other = invite(desk, "邀约 李雷 后端池 明天")
    assert client.get(other).status_code == 200        # another link is not held up
    # Garbage from one address: refused as 404 until the address itself is limited.
    codes = [client.get(f"/book/{i}.abcdefghijkl.{'A' * 22}").status_code for i in range(60)]
    assert set(codes) == {404, 429} and codes[-1] == 429
    assert client.get(other, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def _invitations(desk) -> list[Invitation]:
    with desk.sessions() as s:
        return list(s.scalars(select(Invitation).order_by(Invitation.id)))


def test_reschedule_link_moves_the_interview_and_says_so(client, desk):
    desk.ask(HR, "安排 张三 明天下午3点 面试官 李四 王五")
    url = re.search(r"/book/\S+", desk.ask(HR, "改约链接 #1")).group(0)
    html = client.get(url).get_data(as_text=True)
    thursday = html.split("11-26 周四")[1].split("11-27")[0]
    assert "改约：请选择新的面试时间" in html and "14:00–15:00" in thursday
    assert "15:00–16:00" not in thursday              # where it is now
    resp = client.post(url, data=form(client, url))
    assert resp.status_code == 303
    done = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "面试已改到：" in done and "2026-11-25 (周三) 12:00–13:00" not in done
    moved = desk.get(Interview, Interview.id == 1)
    assert moved.status == "rescheduled" and moved.start_at == datetime(2026, 11, 25, 5, 30,
                                                                         tzinfo=UTC)
    with desk.sessions() as s:
        told = set(s.scalars(select(OutboxMessage.touser)))
    assert {HR, LISI, WANGWU} <= told


def test_behind_the_local_proxy_each_visitor_has_their_own_limit(client, desk):
    def garbage(xff: str) -> int:
        return client.get(f"/book/1.abcdefghijkl.{'A' * 22}",
                          headers={"X-Forwarded-For": xff}).status_code
    codes = [garbage(f"1.2.3.{i}, 203.0.113.7") for i in range(61)]   # spoofed first hops
    assert codes[-1] == 429 and codes[:60] == [404] * 60
    assert garbage("203.0.113.8") == 404                 # another visitor, same proxy
