"""Parsing the decrypted callback XML into typed messages and events."""
from __future__ import annotations

import pytest

from bot.wecom.messages import (
    BatchJobResultEvent,
    ChangeContactEvent,
    Event,
    ImageMessage,
    InboundError,
    LinkMessage,
    LocationEvent,
    LocationMessage,
    TemplateCardEvent,
    TextMessage,
    UnknownMessage,
    VideoMessage,
    VoiceMessage,
    dedupe_key,
    parse_message,
)

HEAD = ("<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>"
        "<FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>1348831860</CreateTime>")


def xml(msg_type: str, body: str, agent: str = "<AgentID>1000002</AgentID>") -> str:
    return f"{HEAD}<MsgType><![CDATA[{msg_type}]]></MsgType>{body}{agent}</xml>"


MESSAGES = [
    (xml("text", "<Content><![CDATA[我的面试]]></Content><MsgId>1234567890123456</MsgId>"),
     TextMessage, {"content": "我的面试", "msg_id": "1234567890123456"}),
    (xml("text", "<Content>你好</Content><MsgId>1</MsgId>"), TextMessage, {"content": "你好"}),
    (xml("image", "<PicUrl>http://p/x.png</PicUrl><MediaId>m1</MediaId><MsgId>2</MsgId>"),
     ImageMessage, {"pic_url": "http://p/x.png", "media_id": "m1"}),
    (xml("voice", "<MediaId>m2</MediaId><Format>amr</Format><MsgId>3</MsgId>"),
     VoiceMessage, {"media_id": "m2", "format": "amr"}),
    (xml("video", "<MediaId>m3</MediaId><ThumbMediaId>t3</ThumbMediaId><MsgId>4</MsgId>"),
     VideoMessage, {"media_id": "m3", "thumb_media_id": "t3"}),
    (xml("location", "<Location_X>23.134</Location_X><Location_Y>113.358</Location_Y>"
                     "<Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>5</MsgId>"
                     "<AppType>wxwork</AppType>"),
     LocationMessage, {"latitude": 23.134, "longitude": 113.358, "scale": 20, "label": "位置信息"}),
    (xml("link", "<Title>t</Title><Description>d</Description><Url>http://u</Url>"
                 "<PicUrl>http://p</PicUrl><MsgId>6</MsgId>"),
     LinkMessage, {"title": "t", "description": "d", "url": "http://u", "pic_url": "http://p"}),
    (xml("miniprogram", "<MsgId>7</MsgId><Whatever>x</Whatever>"), UnknownMessage,
     {"msg_type": "miniprogram", "msg_id": "7"}),
]

EVENTS = [
    (xml("event", "<Event>subscribe</Event>"), Event, {"event": "subscribe"}),
    (xml("event", "<Event>unsubscribe</Event>"), Event, {"event": "unsubscribe"}),
    (xml("event", "<Event>enter_agent</Event><EventKey><![CDATA[]]></EventKey>"), Event,
     {"event": "enter_agent", "event_key": ""}),
    (xml("event", "<Event>click</Event><EventKey>my interviews</EventKey>"), Event,
     {"event": "click", "event_key": "my interviews"}),
    (xml("event", "<Event>view</Event><EventKey>https://x</EventKey>"), Event,
     {"event": "view", "event_key": "https://x"}),
    (xml("event", "<Event>LOCATION</Event><Latitude>23.1</Latitude><Longitude>113.3</Longitude>"
                  "<Precision>119.3</Precision>"), LocationEvent,
     {"event": "LOCATION", "latitude": 23.1, "precision": 119.3}),
    (xml("event", "<Event>template_card_event</Event><EventKey>confirm 7Q4K</EventKey>"
                  "<TaskId>t1</TaskId><CardType>button_interaction</CardType>"
                  "<ResponseCode>rc</ResponseCode><SelectedItems><SelectedItem>"
                  "<QuestionKey>q1</QuestionKey><OptionIds><OptionId>o1</OptionId>"
                  "<OptionId>o2</OptionId></OptionIds></SelectedItem></SelectedItems>"),
     TemplateCardEvent, {"event_key": "confirm 7Q4K", "task_id": "t1",
                         "response_code": "rc", "selected": (("q1", ("o1", "o2")),)}),
    (xml("event", "<Event>change_contact</Event><ChangeType>update_user</ChangeType>"
                  "<UserID>zhangsan</UserID><NewUserID>zhangsan2</NewUserID><Name>张三</Name>", ""),
     ChangeContactEvent, {"change_type": "update_user", "user_id": "zhangsan",
                          "new_user_id": "zhangsan2", "name": "张三", "agent_id": None}),
    (xml("event", "<Event>batch_job_result</Event><BatchJob><JobId>j1</JobId>"
                  "<JobType>sync_user</JobType><ErrCode>0</ErrCode><ErrMsg>ok</ErrMsg></BatchJob>",
         ""), BatchJobResultEvent, {"job_id": "j1", "job_type": "sync_user", "err_msg": "ok"}),
    (xml("event", "<Event>open_approval_change</Event>"), Event,
     {"event": "open_approval_change"}),
]


@pytest.mark.parametrize("payload, cls, fields", MESSAGES + EVENTS)
def test_every_type_parses(payload, cls, fields):
    msg = parse_message(payload.encode())
    assert type(msg) is cls
    for name, value in fields.items():
        assert getattr(msg, name) == value
    assert msg.from_user_name == "lisi" and msg.create_time == 1348831860


def test_elements_in_any_order():
    payload = ("<xml><MsgId>9</MsgId><Content>hi</Content><MsgType>text</MsgType>"
               "<FromUserName>a</FromUserName><ToUserName>b</ToUserName></xml>")
    msg = parse_message(payload)
    assert isinstance(msg, TextMessage) and msg.content == "hi" and msg.agent_id is None


@pytest.mark.parametrize("payload", ["not xml", "<xml><a>1</a></xml>", "", "<xml></xml>"])
def test_unreadable_payloads_raise_inbound_error(payload):
    with pytest.raises(InboundError):
        parse_message(payload)


def test_dedupe_key_uses_msgid_for_messages():
    msg = parse_message(MESSAGES[0][0])
    assert dedupe_key(msg) == "app:msg:1234567890123456"
    assert dedupe_key(msg, "aibot") == "aibot:msg:1234567890123456"


def test_dedupe_key_for_events_covers_every_field():
    click = parse_message(xml("event", "<Event>click</Event><EventKey>a</EventKey>"))
    other = parse_message(xml("event", "<Event>click</Event><EventKey>b</EventKey>"))
    enter = parse_message(xml("event", "<Event>enter_agent</Event>"))
    keys = {dedupe_key(click), dedupe_key(other), dedupe_key(enter)}
    assert len(keys) == 3                       # same user, same second, all distinct
    again = parse_message(xml("event", "<Event>click</Event><EventKey>a</EventKey>"))
    assert dedupe_key(again) == dedupe_key(click)   # a retry is recognised
