"""Two candidates posting the same slot of a one-person pool at once, and one candidate
posting twice at once, on PostgreSQL: one booking each time, never a double booking."""
from __future__ import annotations

import itertools
import re
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.hiring import Interview
from tests.commands.conftest import HR, LISI, Desk


@pytest.fixture
def desk(services, clock) -> Desk:
    d = Desk(services.sessions, services.settings, clock)
    d.user(HR, "hr", "王芳")
    d.user(LISI, "interviewer", "李四")
    d.ask(HR, "面试官池 独 李四")
    return d


def _form(client, url: str) -> dict[str, str]:
    html = client.get(url).get_data(as_text=True)
    return {"csrf": re.search(r'name="csrf" value="([^"]+)"', html).group(1),
            "slot": re.findall(r'name="slot" value="([^"]+)"', html)[0]}


def _race(app, posts: list[tuple[str, dict[str, str]]]) -> list[int]:
    barrier = threading.Barrier(len(posts))
    codes: list[int] = [0] * len(posts)

    def run(i: int, url: str, data: dict[str, str]) -> None:
        client = app.test_client()
        barrier.wait()
        codes[i] = client.post(url, data=data).status_code

    threads = [threading.Thread(target=run, args=(i, u, d)) for i, (u, d) in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def test_two_links_one_free_person_one_booking(app, desk):
    a = re.search(r"/book/\S+", desk.ask(HR, "邀约 张三 独池 明天")).group(0)
    b = re.search(r"/book/\S+", desk.ask(HR, "邀约 李雷 独池 明天")).group(0)
    client = app.test_client()
    fa, fb = _form(client, a), _form(client, b)     # both offered 09:00 (first slot)
    codes = _race(app, [(a, fa), (b, fb)])
    assert sorted(codes) == [303, 409], codes
    assert desk.count(Interview) == 1


def test_one_link_posted_twice_at_once_books_once(app, desk):
    a = re.search(r"/book/\S+", desk.ask(HR, "邀约 张三 独池 明天")).group(0)
    form = _form(app.test_client(), a)
    codes = _race(app, [(a, form), (a, form)])
    assert sorted(codes) == [303, 410], codes
    assert desk.count(Interview) == 1


_ADDRESSES = itertools.count(1)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(min_size=0, max_size=200), slot=st.text(max_size=80),
       csrf=st.text(max_size=40))
def test_garbage_is_never_a_500(app, desk, token, slot, csrf):
    client = app.test_client()
    path = "/book/" + token.replace("/", "_").replace("?", "_").replace("#", "_")
    n = next(_ADDRESSES)   # a fresh address each time: the limiter must not hide the answer
    env = {"REMOTE_ADDR": f"10.9.{n // 250}.{n % 250}"}
    got = client.get(path, environ_base=env).status_code
    assert got == 404 or (got == 308 and not token), (token, got)
    posted = client.post(path, data={"slot": slot, "csrf": csrf}, environ_base=env).status_code
    assert posted < 500, (token, posted)
