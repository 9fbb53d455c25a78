"""atheris: bot.pipeline.aibot.parse_aibot and the JSON envelope, on raw bytes and on JSON built from
the fuzzer's bytes (libFuzzer cannot learn JSON's grammar through the C parser)."""
from __future__ import annotations

import json
from typing import Any

from _common import INSTRUMENT, atheris, run

with atheris.instrument_imports(include=INSTRUMENT):
    from bot.wecom.aibot_messages import AibotError, dedupe_key, parse_aibot
    from crypto import ParseError
    from crypto.formats import extract_json_encrypt

KEYS = ["msgid", "aibotid", "chattype", "chatid", "from", "userid", "response_url", "msgtype",
        "text", "content", "mixed", "msg_item", "voice", "stream", "id", "event", "eventtype",
        "enter_chat", "template_card_event", "event_key", "encrypt", "Encrypt"]
SEEDS = [b'{"msgid":"m1","chattype":"group","chatid":"c","from":{"userid":"lisi"},'
         b'"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text",'
         b'"text":{"content":"@b help"}}]}}',
         b'{"msgtype":"event","event":{"eventtype":"template_card_event",'
         b'"template_card_event":{"event_key":"help"}},"from":{"userid":"a"}}',
         b'{"encrypt":"abc"}']


def value(fdp: atheris.FuzzedDataProvider, depth: int = 0) -> Any:
    """A JSON value of a shape the fuzzer picks: objects use the keys WeCom sends."""
    kind = fdp.ConsumeIntInRange(0, 6 if depth < 4 else 3)
    if kind == 0:
        return fdp.ConsumeUnicodeNoSurrogates(12)
    if kind == 1:
        return fdp.ConsumeInt(4)
    if kind == 2:
        return fdp.ConsumeBool()
    if kind == 3:
        return KEYS[fdp.ConsumeIntInRange(0, len(KEYS) - 1)]
    if kind == 4:
        return None
    if kind == 5:
        return [value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 3))]
    return {KEYS[fdp.ConsumeIntInRange(0, len(KEYS) - 1)]: value(fdp, depth + 1)
            for _ in range(fdp.ConsumeIntInRange(0, 4))}


def test_one(data: bytes) -> None:
    """Only AibotError / ParseError may come out."""
    fdp = atheris.FuzzedDataProvider(data)
    raw = data if fdp.ConsumeBool() else json.dumps(value(fdp, 0)).encode()
    try:
        dedupe_key(parse_aibot(raw))
    except AibotError:
        pass
    try:
        extract_json_encrypt(raw)
    except ParseError:
        pass


if __name__ == "__main__":
    run("json", test_one, SEEDS, tokens=[f'"{k}"' for k in KEYS] + ["{", "}", "[", "]", ":"])
