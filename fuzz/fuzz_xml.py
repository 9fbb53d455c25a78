"""atheris: crypto.xmlsafe.parse_xml and bot.wecom.messages.parse_message on arbitrary bytes."""
from __future__ import annotations

from _common import INSTRUMENT, atheris, run

with atheris.instrument_imports(include=INSTRUMENT):
    from bot.wecom.messages import InboundError, dedupe_key, parse_message
    from crypto import ParseError
    from crypto.xmlsafe import parse_xml

SEEDS = [b"<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName>lisi</FromUserName>"
         b"<CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA[help]]></Content>"
         b"<MsgId>1</MsgId><AgentID>1000002</AgentID></xml>",
         b"<xml><MsgType>event</MsgType><Event>template_card_event</Event><SelectedItems>"
         b"<SelectedItem><QuestionKey>q</QuestionKey><OptionIds><OptionId>1</OptionId>"
         b"</OptionIds></SelectedItem></SelectedItems></xml>",
         b'<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>']


def test_one(data: bytes) -> None:
    """Only ParseError / InboundError may come out."""
    try:
        parse_xml(data)
    except ParseError:
        pass
    try:
        dedupe_key(parse_message(data))
    except InboundError:
        pass


TAGS = ["xml", "ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId",
        "AgentID", "Event", "EventKey", "SelectedItems", "SelectedItem", "OptionIds",
        "OptionId", "QuestionKey", "BatchJob", "Location_X", "Scale", "text", "event",
        "template_card_event", "change_contact", "batch_job_result", "LOCATION"]

if __name__ == "__main__":
    run("xml", test_one, SEEDS, tokens=[f"<{t}>" for t in TAGS] + [f"</{t}>" for t in TAGS]
        + TAGS + ["<![CDATA[", "]]>", "<!DOCTYPE", "<!ENTITY", "&", ";", "<?xml"])
