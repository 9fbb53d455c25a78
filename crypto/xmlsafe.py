"""Hardened XML parsing for untrusted WeCom envelopes and decrypted payloads (§10.6)."""

from __future__ import annotations

from typing import Any, NoReturn
from xml.parsers import expat

from .errors import ParseError


class _Refused(Exception):
    """Internal signal raised from expat callbacks to abort the parse."""


def _parse(data: bytes, max_depth: int) -> Any:
    """One expat pass that refuses DTDs, PIs and deep nesting and builds the root's value.

    The shape is xmltodict's (attributes ignored, whitespace stripped): an element with only
    text is its text or None, one with children a dict of them ("#text" for mixed text), and
    a name repeated among siblings a list. Built here in the same pass as the screening, it
    costs a third of screening and then running xmltodict (bench/RESULTS.md); the two are
    checked against each other in tests/crypto/test_xmlsafe_shape.py. Issue 14 asked for
    xmltodict at runtime unless it cost more than 5 % of a callback's CPU: bench/xml_cost.py
    measured xmltodict behind this same screening, in three runs, at +41 to +61 µs on the
    whole callback's CPU, +9.0 to +12.8 % (parsing alone +21 to +45 µs, 4.5 to 9.4 %), so
    this parser stays.
    """
    # Forcing UTF-8 overrides any encoding named in the XML declaration, so invalid
    # UTF-8 (or a UTF-16/Latin-1 document) is a parse error rather than a transcoding.
    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    stack: list[tuple[dict[str, Any], list[str]]] = []   # open elements: children, text
    root: list[Any] = []

    def refuse(*_: Any) -> NoReturn:
        raise _Refused

    def start(_name: str, _attrs: Any) -> None:
        # Checked here, a megabyte of nested tags is refused at the first level too deep.
        if len(stack) >= max_depth:
            raise _Refused
        stack.append(({}, []))

    def end(name: str) -> None:
        children, parts = stack.pop()
        text = "".join(parts).strip() if parts else ""
        if children:
            if text:
                children["#text"] = text
            value: Any = children
        else:
            value = text or None
        if not stack:
            root.append(value)
            return
        siblings = stack[-1][0]
        if name not in siblings:
            siblings[name] = value
        elif isinstance(siblings[name], list):
            siblings[name].append(value)
        else:
            siblings[name] = [siblings[name], value]

    def chars(text: str) -> None:
        if stack:
            stack[-1][1].append(text)

    # DOCTYPE is refused at its start, before expat reads any internal subset, so no
    # entity (billion laughs, XXE) is ever declared. The XML declaration is not a PI.
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.NotationDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.ProcessingInstructionHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.Parse(data, True)
    return root[0]


def parse_xml(data: bytes | str, *, max_depth: int = 16) -> dict[str, Any]:
    """Parse untrusted XML safely and return the children of its root element as a dict."""
    try:
        if isinstance(data, str):
            raw = data.encode("utf-8")
        elif isinstance(data, bytes | bytearray | memoryview):
            raw = bytes(data)
            # Strict decode first: expat would honour a UTF-16 BOM despite the override.
            raw.decode("utf-8")
        else:
            raise TypeError("XML input must be bytes or str")
        body = _parse(raw, max_depth)
    # Hostile input must only ever surface as ParseError: expat errors, our refusals,
    # unencodable str input and any resource error from the parser all map here.
    except (_Refused, expat.ExpatError, ValueError, TypeError, RecursionError):
        raise ParseError("malformed or unsafe XML") from None
    if body is None:  # <xml/> or <xml></xml>
        return {}
    if not isinstance(body, dict):
        raise ParseError("root element has no child elements")
    return body
