"""The checks every scenario shares: settling, exactly-once effects, the fake's figures."""
from __future__ import annotations

import time
from typing import Any, Protocol

from reliability.report import (
    Result,
    exactly_once,
    outbox_counts,
    query,
    rows_per_message,
    tags_delivered,
)
from reliability.stack import AES_KEY, SECRET, TOKEN


def settle(url: str, timeout: float, grace: float = 1.0) -> bool:
    """Wait until no message waits in the inbox and no outbox row is pending or being sent;
    False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = outbox_counts(url)
        [(waiting,)] = query(url, "SELECT count(*) FROM inbound_messages "
                                  "WHERE status = 'pending'")
        if not waiting and not counts.get("pending") and not counts.get("sending"):
            time.sleep(grace)   # a wrongly doubled send would show up now
            return True
        time.sleep(0.25)
    return False


def no_secrets(result: Result, logs: str) -> None:
    """The logs of every process hold no secret, Token, EncodingAESKey or access_token."""
    leaked = [name for name, value in (("WECOM_SECRET", SECRET), ("WECOM_TOKEN", TOKEN),
                                       ("WECOM_ENCODING_AES_KEY", AES_KEY),
                                       ("an access_token", "fake-token-")) if value in logs]
    result.figures["log_lines_checked_for_secrets"] = logs.count("\n")
    result.check(not leaked, f"secrets in the logs: {leaked}")


def effects(result: Result, url: str, keys: set[str]) -> None:
    """One inbox row per message, acted on; one outbox row per message, every one sent."""
    inbound = rows_per_message(url, "SELECT dedupe_key, count(*) FROM inbound_messages "
                                    "GROUP BY dedupe_key")
    done = rows_per_message(url, "SELECT dedupe_key, count(*) FROM inbound_messages "
                                 "WHERE status = 'done' GROUP BY dedupe_key")
    replies = rows_per_message(url, "SELECT source_key, count(*) FROM outbox "
                                    "GROUP BY source_key")
    counts = outbox_counts(url)
    result.figures.update(dedupe_rows=sum(inbound[k] for k in keys),
                          outbox_rows=sum(replies[k] for k in keys), outbox_by_status=counts)
    result.check(all(inbound[k] == 1 for k in keys),
                 f"{sum(1 for k in keys if inbound[k] != 1)} messages without exactly one "
                 "dedupe row")
    result.check(all(done[k] == 1 for k in keys),
                 f"{sum(1 for k in keys if done[k] != 1)} messages not acted on (inbox row "
                 "not done)")
    result.check(all(replies[k] == 1 for k in keys),
                 f"{sum(1 for k in keys if replies[k] != 1)} messages without exactly one "
                 "outbox row")
    result.check(set(counts) <= {"sent"}, f"outbox rows not sent: {counts}")


def delivered_once(result: Result, url: str, fake: FaultTarget, cbs: list[Any], tag: str, *,
                   timeout: float, allow_suppressed: bool) -> dict[str, Any]:
    """Every scenario's end: drained, one inbox and one outbox row per message, each reply
    delivered once. Returns the fake's state for the scenario's own checks."""
    result.check(settle(url, timeout), f"the inbox and outbox did not drain in {timeout:g} s")
    effects(result, url, {f"app:msg:{c.msg_id}" for c in cbs})
    state = fake_figures(result, fake, allow_suppressed=allow_suppressed)
    exactly_once(result, (c.tag for c in cbs), tags_delivered(state, tag))
    return state


def wrap_up(result: Result, stack: Any, started: float) -> None:
    """Every scenario's finally: stop the processes, check their logs, keep them if it failed."""
    stack.close()
    no_secrets(result, stack.logs())
    kept = stack.cleanup(keep=not result.passed)
    if kept:
        result.figures["logs_kept_in"] = kept
    result.seconds = time.monotonic() - started


def fake_figures(result: Result, fake: FaultTarget, *,
                 allow_suppressed: bool) -> dict[str, Any]:
    """Delivered, suppressed and gettoken figures from the fake WeCom API."""
    state = fake.state()
    sends = state["calls"].get("message/send", 0)
    result.figures.update(message_send_calls=sends,
                          suppressed_duplicates=state["suppressed_duplicates"],
                          dropped_by_member_limit=state["dropped_count"],
                          gettoken_calls=state["gettoken_calls"])
    result.check(allow_suppressed or state["suppressed_duplicates"] == 0,
                 f"{state['suppressed_duplicates']} resends reached WeCom (suppressed there)")
    result.check(state["dropped_count"] == 0,
                 f"{state['dropped_count']} messages dropped by WeCom's member limit")
    return state


class FaultTarget(Protocol):
    """A fake WeCom API that faults can be injected into: FakeClient, or one in-process."""

    def fail(self, path: str, times: int = 1, **kind: Any) -> None: ...
    def expire_tokens(self) -> None: ...
    def slow(self, times: int, seconds: float) -> None: ...
    def state(self) -> dict[str, Any]:
        """/_fake/state's figures plus `calls`: requests per API."""


def held_by(url: str, pid: int) -> int:
    """Outbox rows a worker process has claimed and not finished."""
    [(n,)] = query(url, "SELECT count(*) FROM outbox WHERE status = 'sending' "
                        "AND claimed_by LIKE %s", f"%:{pid}:%")
    return int(n)


def sent_count(url: str) -> int:
    """Outbox rows sent so far."""
    [(n,)] = query(url, "SELECT count(*) FROM outbox WHERE status = 'sent'")
    return int(n)
