"""Wire formats of WeCom envelopes: pulling Encrypt out of bodies and rendering replies."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import GenReturnError, ParseError
from .xmlsafe import parse_xml

# XML 1.0 forbids these code points (C0 controls, surrogates, U+FFFE/U+FFFF) even in CDATA.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DIGITS = re.compile(r"[0-9]{1,15}")

# Layout of Tencent's official samples and wechatpy, byte for byte (protocol §5.2).
_REPLY_XML = (
    "<xml>\n<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n"
    "<MsgSignature><![CDATA[{signature}]]></MsgSignature>\n"
    "<TimeStamp>{timestamp}</TimeStamp>\n<Nonce><![CDATA[{nonce}]]></Nonce>\n</xml>"
)
_CALLBACK_XML = (
    "<xml><ToUserName><![CDATA[{to}]]></ToUserName>"
    "<AgentID><![CDATA[{agent}]]></AgentID>"
    "<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
)


def _encrypt_field(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ParseError("missing Encrypt")
    return value


def extract_xml_encrypt(body: bytes | str) -> str:
    """Return the Encrypt text of an XML envelope, or raise ParseError."""
    return _encrypt_field(parse_xml(body).get("Encrypt"))


def extract_json_encrypt(body: bytes | str) -> str:
    """Return the encrypt (or Encrypt) string of a JSON envelope, or raise ParseError."""
    try:
        obj = json.loads(body)
    # JSONDecodeError and UnicodeDecodeError are ValueErrors; deep nesting recurses.
    except (ValueError, TypeError, RecursionError):
        raise ParseError("malformed JSON") from None
    if not isinstance(obj, dict):
        raise ParseError("JSON envelope must be an object")
    return _encrypt_field(obj["encrypt"] if "encrypt" in obj else obj.get("Encrypt"))


def check_text(value: str, what: str) -> str:
    """Return value if it can sit inside a CDATA section, else raise GenReturnError."""
    if not isinstance(value, str) or "]]>" in value or _NOT_XML_CHAR.search(value):
        raise GenReturnError(f"{what} cannot be placed in the reply")
    return value


def check_timestamp(value: str) -> str:
    """Return value if it is a plain decimal timestamp, else raise GenReturnError."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        raise GenReturnError("timestamp must be decimal digits")
    return value


def reply_xml(encrypt: str, signature: str, timestamp: str, nonce: str) -> str:
    """Render the passive-reply XML envelope."""
    return _REPLY_XML.format(
        encrypt=encrypt,
        signature=signature,
        timestamp=check_timestamp(timestamp),
        nonce=check_text(nonce, "nonce"),
    )


def reply_json(encrypt: str, signature: str, timestamp: str, nonce: str) -> str:
    """Render the intelligent-bot passive-reply JSON envelope (timestamp as a string)."""
    # The official Python demo emits the timestamp as a string; the doc shows a number (§8.5).
    body = {"encrypt": encrypt, "msgsignature": signature, "timestamp": timestamp, "nonce": nonce}
    return json.dumps(body, ensure_ascii=False)


def callback_xml(encrypt: str, to_user_name: str, agent_id: str) -> bytes:
    """Render the XML body WeCom POSTs to an app callback."""
    return _CALLBACK_XML.format(
        to=check_text(to_user_name, "ToUserName"),
        agent=check_text(agent_id, "AgentID"),
        encrypt=encrypt,
    ).encode("utf-8")


def callback_json(encrypt: str) -> bytes:
    """Render the JSON body WeCom POSTs to an intelligent-bot callback."""
    return json.dumps({"encrypt": encrypt}).encode("utf-8")
