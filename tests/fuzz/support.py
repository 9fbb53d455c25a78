"""What every fuzz test shares: hypothesis settings with a hang watchdog, hostile inputs."""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

HANG = 5.0   # seconds: far above any honest input, so only a hang (or a blow-up) trips it


def fuzz(examples: int) -> settings:
    """Hypothesis settings for a fuzz test: `examples` inputs, each allowed HANG seconds."""
    return settings(max_examples=examples, deadline=timedelta(seconds=HANG),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def within(fn: Callable[[], Any], seconds: float = HANG) -> Any:
    """Run fn and return its result; fail the test if it has not finished after `seconds`."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:   # re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"no answer within {seconds} s: a hang on this input")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def laughs(levels: int = 10) -> str:
    """The billion laughs: nested entities that expand to gigabytes if anyone expands them."""
    ents = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, levels))
    return (f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY l0 "lol">{ents}]>'
            f"<xml>&l{levels - 1};</xml>")


XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<xml><ToUserName>a</ToUserName><FromUserName>&x;</FromUserName>'
       '<MsgType>text</MsgType><Content>&x;</Content><MsgId>1</MsgId></xml>')
PARAMETER_XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % p SYSTEM '
                 '"http://127.0.0.1:9/x.dtd"> %p;]><xml><MsgType>text</MsgType></xml>')


def nested(depth: int) -> str:
    """XML nested `depth` levels deep."""
    return "<xml>" + "<a>" * depth + "x" + "</a>" * depth + "</xml>"


HOSTILE_XML: list[bytes] = [
    laughs().encode(), XXE.encode(), PARAMETER_XXE.encode(), nested(100_000).encode(),
    b"<xml>" + b"<a>x</a>" * 120_000 + b"</xml>",                 # a megabyte of siblings
    b"<xml><Content>\xff\xfe\xfa</Content></xml>",                 # invalid UTF-8
    "<xml><Content>\ud800</Content></xml>".encode("utf-8", "surrogatepass"),
    b"\xff\xfe<\x00x\x00m\x00l\x00>\x00",                          # UTF-16 with a BOM
    b'<?xml version="1.0" encoding="latin-1"?><xml><C>\xe9</C></xml>',
    b"<xml><?php evil() ?></xml>", b"<xml><![CDATA[" + b"]" * 100_000 + b"]]></xml>",
    b"", b"<", b"<xml>", b"<xml></xml><xml></xml>", b"\x00" * 1000,
]
