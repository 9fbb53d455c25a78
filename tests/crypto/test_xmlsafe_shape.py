"""crypto.xmlsafe builds the same values xmltodict would, in one screening pass."""
from __future__ import annotations

import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.xmlsafe import parse_xml

NAMES = st.sampled_from(["ToUserName", "MsgType", "Content", "item", "PicMd5Sum", "a", "b"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
               | st.sampled_from([" ", "\n", "\t"]), max_size=12)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def text_node(draw) -> str:
    text = draw(TEXT)
    kind = draw(st.sampled_from(["plain", "cdata", "entity"]))
    if kind == "cdata" and "]]>" not in text:
        return f"<![CDATA[{text}]]>"
    if kind == "entity":
        return _escape(text) + "&#20013;&amp;"
    return _escape(text)


def element(children) -> st.SearchStrategy[str]:
    return st.builds(lambda name, parts, attr: f"<{name}{attr}>{''.join(parts)}</{name}>",
                     NAMES, st.lists(children, max_size=4),
                     st.sampled_from(["", ' id="1"']))


TREE = st.recursive(text_node() | st.just("") | NAMES.map(lambda n: f"<{n}/>"),
                    element, max_leaves=12)


def reference(doc: str) -> dict:
    (body,) = xmltodict.parse(doc, disable_entities=True, xml_attribs=False).values()
    return {} if body is None else body


@settings(max_examples=400, deadline=None)
@given(st.lists(TREE, max_size=5), st.sampled_from(["", "<!-- c -->", "\n  "]))
def test_same_shape_as_xmltodict(parts, filler):
    doc = f"<xml>{filler}{''.join(parts)}{filler}</xml>"
    expected = reference(doc)
    if not isinstance(expected, dict):   # text-only root: both refuse it
        return
    assert parse_xml(doc) == expected


def test_a_real_callback_keeps_its_shape():
    doc = ("<xml><ToUserName><![CDATA[ww1]]></ToUserName><MsgType><![CDATA[event]]></MsgType>"
           "<SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item>"
           "<item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo>"
           "<Content><![CDATA[  你好 <b> ]]></Content><Empty></Empty><Self/></xml>")
    assert parse_xml(doc) == reference(doc) == {
        "ToUserName": "ww1", "MsgType": "event",
        "SendPicsInfo": {"Count": "2", "PicList": {"item": [{"PicMd5Sum": "a"},
                                                             {"PicMd5Sum": "b"}]}},
        "Content": "你好 <b>", "Empty": None, "Self": None}
