"""Hardened XML parsing for untrusted WeCom envelopes and decrypted payloads (§10.6)."""

from __future__ import annotations

from typing import Any
from xml.parsers import expat

import xmltodict

from .errors import ParseError


class _Refused(Exception):
    """Internal signal raised from expat callbacks to abort the screening pass."""


def _screen(data: bytes, max_depth: int) -> None:
    """Stream the document once through expat, refusing DTDs, PIs and deep nesting."""
    # Forcing UTF-8 overrides any encoding named in the XML declaration, so invalid
    # UTF-8 (or a UTF-16/Latin-1 document) is a parse error rather than a transcoding.
    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def refuse(*_: Any) -> None:
        raise _Refused

    def start(*_: Any) -> None:
        nonlocal depth
        depth += 1
        # Counting here aborts a megabyte of nested tags at the first level too deep.
        if depth > max_depth:
            raise _Refused

    def end(*_: Any) -> None:
        nonlocal depth
        depth -= 1

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
    parser.Parse(data, True)


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
        _screen(raw, max_depth)
        doc = xmltodict.parse(raw, encoding="utf-8", disable_entities=True, xml_attribs=False)
    # Hostile input must only ever surface as ParseError: expat errors, our refusals,
    # unencodable str input and any resource error from the parser all map here.
    except (_Refused, expat.ExpatError, ValueError, TypeError, RecursionError):
        raise ParseError("malformed or unsafe XML") from None
    if not isinstance(doc, dict) or len(doc) != 1:
        raise ParseError("XML must have exactly one root element")
    (body,) = doc.values()
    if body is None:  # <xml/> or <xml></xml>
        return {}
    if not isinstance(body, dict):
        raise ParseError("root element has no child elements")
    return body
