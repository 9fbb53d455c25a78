"""atheris: bot.aibot.parse_aibot and the JSON envelope on arbitrary bytes."""
from __future__ import annotations

from _common import atheris, run

with atheris.instrument_imports():
    from bot.aibot import AibotError, dedupe_key, parse_aibot
    from crypto import ParseError
    from crypto.formats import extract_json_encrypt

SEEDS = [b'{"msgid":"m1","chattype":"group","chatid":"c","from":{"userid":"lisi"},'
         b'"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"@bot help"}}]}}',
         b'{"msgtype":"event","event":{"eventtype":"template_card_event",'
         b'"template_card_event":{"event_key":"help"}},"from":{"userid":"a"}}',
         b'{"encrypt":"abc"}']


def test_one(data: bytes) -> None:
    """Only AibotError / ParseError may come out."""
    try:
        dedupe_key(parse_aibot(data))
    except AibotError:
        pass
    try:
        extract_json_encrypt(data)
    except ParseError:
        pass


if __name__ == "__main__":
    run("json", test_one, SEEDS)
