"""User text quoted back in replies, made inert: no link, tag, image or formatting survives.

WeCom text messages render `<a href>`; markdown (app markdown messages, the intelligent bot's
stream replies) renders links, images, `<font>`, bold, code and headings. A user who types
`[click](http://evil)` must see those characters, not a link the bot seems to vouch for. The
active characters become their full-width look-alikes, which no renderer treats as markup;
it is idempotent, so text quoted twice reads the same.
"""
from __future__ import annotations

import re

# Tags (<a href>, <font>): active in text messages and in markdown.
_TAGS = str.maketrans({"<": "＜", ">": "＞"})
# Links and images ([..](..)), inline code, bold: active in markdown only.
_MARKDOWN = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "`": "｀", "*": "＊"})
_LINE_START = re.compile(r"^(\s*)#", re.M)   # a heading needs # at the start of a line


def no_tags(text: str) -> str:
    """Plain text for a WeCom text message: nothing in it can become a link."""
    return text.translate(_TAGS)


def no_markdown(text: str) -> str:
    """Plain text placed in a markdown message: shown as typed, line breaks kept."""
    return _LINE_START.sub(r"\1＃", text.translate(_MARKDOWN))


def inert(text: str, limit: int = 30) -> str:
    """User text to echo inside a reply, e.g. 没看懂「…」: one line, at most `limit`
    characters, inert in text and in markdown."""
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[:limit].rstrip() + "…"
    return no_markdown(line)
