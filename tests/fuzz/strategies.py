"""Inputs shaped like WeCom's, so that fuzzing gets past the first check and deep inside."""
from __future__ import annotations

import json

from hypothesis import strategies as st

FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "AgentID",
          "Event", "EventKey", "PicUrl", "MediaId", "Format", "Location_X", "Location_Y",
          "Scale", "Label", "Title", "Url", "TaskId", "CardType", "ResponseCode",
          "SelectedItems", "SelectedItem", "QuestionKey", "OptionIds", "OptionId",
          "ChangeType", "UserID", "BatchJob", "JobId", "ErrCode", "Latitude", "Encrypt"]
MSG_TYPES = ["text", "image", "voice", "video", "location", "link", "event", "file", "",
             "TEXT", "hologram"]
EVENTS = ["subscribe", "enter_agent", "click", "view", "template_card_event",
          "template_card_menu_event", "change_contact", "batch_job_result", "LOCATION", ""]
VALUES = st.one_of(
    st.text(max_size=40), st.sampled_from(MSG_TYPES + EVENTS + ["帮助", "help", "1", "-1",
                                                                "9" * 30, "1.5e308", "nan"]),
    st.integers(-2**70, 2**70).map(str))
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    """One element: a known name with a value, CDATA, or children."""
    name = draw(st.sampled_from(FIELDS) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}",
                                                         fullmatch=True))
    kind = draw(st.integers(0, 3 if depth < 3 else 1))
    if kind == 0:
        inner = _escape(draw(VALUES))
    elif kind == 1:
        inner = "<![CDATA[" + draw(VALUES).replace("]]>", "") + "]]>"
    elif kind == 2:
        inner = ""
    else:
        inner = "".join(draw(st.lists(element(depth + 1), max_size=4)))
    return f"<{name}>{inner}</{name}>"


@st.composite
def callback_xml(draw: st.DrawFn) -> str:
    """A decrypted app callback: mostly the right fields, with hostile values and extras."""
    parts = [f"<MsgType>{draw(st.sampled_from(MSG_TYPES))}</MsgType>"] \
        if draw(st.booleans()) else []
    if draw(st.booleans()):
        parts.append(f"<Event><![CDATA[{draw(st.sampled_from(EVENTS))}]]></Event>")
    parts += draw(st.lists(element(), max_size=8))
    parts = draw(st.permutations(parts))
    return "<xml>" + "".join(parts) + "</xml>"


JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | VALUES
AIBOT_KEYS = ["msgid", "aibotid", "chattype", "chatid", "from", "userid", "response_url",
              "msgtype", "text", "content", "mixed", "msg_item", "voice", "image", "stream",
              "id", "event", "eventtype", "enter_chat", "template_card_event", "event_key",
              "feedback_event", "finish"]
JSON_VALUE = st.recursive(JSON_LEAF, lambda c: st.lists(c, max_size=4) | st.dictionaries(
    st.sampled_from(AIBOT_KEYS) | st.text(max_size=8), c, max_size=5), max_leaves=30)


@st.composite
def aibot_json(draw: st.DrawFn) -> str:
    """A decrypted intelligent-bot callback: the known keys with values of any JSON type."""
    d = draw(st.dictionaries(st.sampled_from(AIBOT_KEYS), JSON_VALUE, max_size=6))
    kind = draw(st.sampled_from(["text", "mixed", "voice", "stream", "event", "image"]))
    if draw(st.booleans()):
        d["msgtype"] = kind if draw(st.integers(0, 4)) else draw(JSON_VALUE)
    if draw(st.booleans()):   # the object the msgtype names, of any shape
        d[kind] = draw(JSON_VALUE | st.fixed_dictionaries(
            {}, optional={k: JSON_VALUE for k in ("content", "msg_item", "id", "eventtype",
                                                   "text", "msgtype")}))
    if draw(st.booleans()):
        d["from"] = draw(JSON_VALUE | st.fixed_dictionaries({"userid": JSON_VALUE}))
    return json.dumps(d, ensure_ascii=draw(st.booleans()))
