"""The demo's sample company: members now, interviews only through the schedule command."""
from __future__ import annotations

from sqlalchemy import select

from commands.context import Context, Reply
from commands.router import Router
from devkit import demo_seed
from store.models import User


def test_members_are_seeded_once_with_their_roles(dev_services, clock):
    assert demo_seed.seed_users(dev_services.sessions, clock()) == len(demo_seed.COMPANY)
    assert demo_seed.seed_users(dev_services.sessions, clock()) == 0
    with dev_services.sessions() as s:
        users = s.scalars(select(User)).all()
        roles = {u.wecom_userid: (u.name, u.role) for u in users}
    assert all(u.name_synced for u in users)     # real names: WeCom's sync keeps them
    assert roles["wangfang"] == ("王芳", "hr")
    assert roles["lisi"] == ("李四", "interviewer")
    assert roles["zhaolei"][1] == "admin"


def test_without_a_schedule_command_no_interview_is_sent(dev_services):
    sent = []
    assert demo_seed.seed_interviews(dev_services.sessions, Router(),
                                     lambda u, t: sent.append((u, t))) == 0
    assert sent == []


def test_interviews_go_through_the_schedule_command_as_hr(page, sim, dev_services, clock):
    router = Router()

    @router.command("schedule", zh=("安排",), role="hr")
    def schedule(ctx: Context, rest: str | None = None) -> list[Reply]:
        return [Reply("ok")]

    demo_seed.seed_users(dev_services.sessions, clock())
    sent = []

    def send(user, text):
        sent.append((user, text))
        return sim.side.text(user, text)   # the real callback path

    n = demo_seed.seed_interviews(dev_services.sessions, router, send)
    assert n == len(demo_seed.INTERVIEWS) == len(sent)
    assert {u for u, _ in sent} == {demo_seed.HR}
    assert all(t.startswith("安排 ") for _, t in sent)
    # HR has now spoken: a restart does not schedule the same interviews again.
    assert demo_seed.seed_interviews(dev_services.sessions, router, send) == 0
    assert len(sent) == len(demo_seed.INTERVIEWS)


def test_the_sample_books_working_days_only(dev_services):
    from datetime import UTC, date, datetime

    friday = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)            # Fri 10:00 in Shanghai
    assert demo_seed.working_days_after(dev_services.sessions, friday, "Asia/Shanghai") == [
        date(2026, 11, 30), date(2026, 12, 1)]
    before_national_day = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # Tue; Oct 1-7 are off
    assert demo_seed.working_days_after(dev_services.sessions, before_national_day,
                                        "Asia/Shanghai") == [date(2026, 9, 30), date(2026, 10, 8)]
