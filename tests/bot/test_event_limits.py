"""Issue 17 (7): WeCom's automatic events are not commands.

Before: 12 LOCATION and 2 enter_agent events, then 10 typed commands in one minute, got 4 of
the commands throttled; a flood of unknown events drew an unasked-for "too fast" reply.
"""
from __future__ import annotations

from bot.pipeline.dispatch import EVENT_RATE_LIMIT, SLOW_DOWN
from store.models import InboundMessage, OutboxMessage
from tests.support.pipeline import act_all
from tests.support.rows import rows


def _location(wecom, user):
    return wecom.event(user, "LOCATION", Latitude="31.2", Longitude="121.4", Precision="30")


def test_events_do_not_use_up_the_command_limit(wecom, services):
    wecom.after = None
    limit = services.settings.user_rate_limit
    for _ in range(12):
        _location(wecom, "wangwu")
    wecom.event("wangwu", "enter_agent")
    wecom.clock.advance(seconds=1)
    wecom.event("wangwu", "enter_agent")
    for i in range(limit):
        wecom.text("wangwu", "帮助", msg_id=800 + i)
    act_all(services.pipeline)
    typed = [r for r in rows(services, InboundMessage) if r.msg_type == "text"]
    assert len(typed) == limit and {r.status for r in typed} == {"done"}
    texts = [r.content for r in rows(services, OutboxMessage, touser="wangwu")]
    assert not any(SLOW_DOWN[0] in t or SLOW_DOWN[1] in t for t in texts)


def test_an_event_flood_is_limited_silently_and_commands_still_run(wecom, services):
    wecom.after = None
    for i in range(EVENT_RATE_LIMIT + 40):
        wecom.event("wangwu", "unknown_event_kind", EventKey=str(i))
    wecom.text("wangwu", "help", msg_id=901)
    act_all(services.pipeline)
    events = [r for r in rows(services, InboundMessage) if r.msg_type == "event"]
    assert sum(r.status == "throttled" for r in events) == 40
    [typed] = [r for r in rows(services, InboundMessage) if r.msg_type == "text"]
    assert typed.status == "done"
    texts = [r.content for r in rows(services, OutboxMessage, touser="wangwu")]
    assert len(texts) == 1 and "help" in texts[0].lower()   # the answer to "help", nothing else
    assert not any(SLOW_DOWN[0] in t or SLOW_DOWN[1] in t for t in texts)


def test_typed_commands_are_still_limited(wecom, services):
    wecom.after = None
    limit = services.settings.user_rate_limit
    for i in range(limit + 1):
        wecom.text("wangwu", "帮助", msg_id=950 + i)
    act_all(services.pipeline)
    assert sum(r.status == "throttled" for r in rows(services, InboundMessage)) == 1
    assert act_all(services.pipeline) == 0
