"""Fuzzing XML and JSON parsing: parse_xml, parse_message, parse_aibot -> value or their error."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.wecom.aibot_messages import AibotError, parse_aibot
from bot.wecom.aibot_messages import dedupe_key as aibot_key
from bot.wecom.messages import Inbound, InboundError, dedupe_key, parse_message
from crypto import ParseError
from crypto.xmlsafe import parse_xml
from tests.fuzz.strategies import aibot_json, callback_xml
from tests.fuzz.support import HOSTILE_XML, fuzz, within


@fuzz(100)
@given(data=st.binary(max_size=2000) | st.text(max_size=500) | callback_xml())
def test_parse_xml_returns_a_dict_or_parse_error(data):
    try:
        assert isinstance(parse_xml(data), dict)
    except ParseError:
        pass


@fuzz(100)
@given(xml=callback_xml() | st.binary(max_size=500))
def test_parse_message_returns_a_message_or_inbound_error(xml):
    try:
        msg = parse_message(xml)
    except InboundError:
        return
    assert isinstance(msg, Inbound) and msg.msg_type
    assert dedupe_key(msg).startswith("app:")


@fuzz(100)
@given(payload=aibot_json() | st.text(max_size=300) | st.binary(max_size=300))
def test_parse_aibot_returns_a_message_or_aibot_error(payload):
    try:
        msg = parse_aibot(payload)
    except AibotError:
        return
    assert isinstance(msg.text, str) and isinstance(msg.userid, str)
    assert aibot_key(msg).startswith("aibot:")


@pytest.mark.parametrize("xml", HOSTILE_XML, ids=range(len(HOSTILE_XML)))
def test_hostile_payloads_are_refused_in_bounded_time(xml):
    with pytest.raises(InboundError):
        within(lambda: parse_message(xml))


@pytest.mark.parametrize("payload", [
    "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000,
    b'{"msgtype": "text", "text": {"content": "\xff\xfe"}}', '"' + "x" * 1_000_000 + '"',
    '{"msgtype": "text", "text": {"content": "' + "帮" * 500_000 + '"}}', "1e999999", "NaN",
])
def test_hostile_json_is_handled_in_bounded_time(payload):
    try:
        msg = within(lambda: parse_aibot(payload))
    except AibotError:
        return
    assert msg.msgtype == "text" and "\x00" not in msg.text


@pytest.mark.parametrize("agent", ["²", "9" * 5000, "١٢٣", "-1", "1e3"])
def test_an_agent_id_that_int_would_choke_on_is_no_agent_id(agent):
    msg = parse_message(f"<xml><MsgType>text</MsgType><AgentID>{agent}</AgentID></xml>")
    assert msg.agent_id is None


@pytest.mark.parametrize("payload", ['{"msgtype": "text", "text": "x"}',
                                     '{"msgtype": "mixed", "mixed": [1]}',
                                     '{"msgtype": "voice", "voice": true}',
                                     '{"msgtype": "mixed", "mixed": {"msg_item": 5}}'])
def test_aibot_objects_of_the_wrong_shape_are_empty_not_a_crash(payload):
    assert parse_aibot(payload).text == ""


def test_nul_never_reaches_a_command_and_odd_userids_are_refused():
    msg = parse_aibot('{"msgtype": "text", "from": {"userid": "lisi"}, '
                      '"text": {"content": "add candidate a\\u0000b"}}')
    assert "\x00" not in msg.text
    for userid in ["li si", "\x00", "李四", "x" * 65, 7]:
        with pytest.raises(AibotError):
            parse_aibot(json.dumps({"msgtype": "text", "from": {"userid": userid}}))
