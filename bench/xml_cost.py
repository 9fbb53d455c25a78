"""What parsing the callback's XML with xmltodict would cost beside the hand-written parser.

    .venv/bin/python bench/xml_cost.py [--requests 3000] [--rounds 3] [--json FILE]

Issue 14 point 2: the callback should parse with xmltodict (over expat, DTDs and entities
refused, depth bounded) unless that costs more than 5 % of a callback's CPU. Both parsers run
the same screening (crypto/xmlsafe.py's expat settings); only what builds the dict differs.
Measured two ways, alternating A and B in each round (the machine is shared):
  - parse only: µs per parse of a decrypted 「帮助」 message and of its envelope;
  - whole callback: our WSGI app called in-process (verify, decrypt, parse twice, the inbox
    INSERT committed to a scratch PostgreSQL database), CPU µs per request, as bench/wsgi_cost.py.
"""
from __future__ import annotations

import argparse
import atexit
import json
import os
import sys
import timeit
from pathlib import Path
from typing import Any
from xml.parsers import expat

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    OUR_PATH,
    SECRET,
    TOKEN,
    MessageFactory,
    ScratchDB,
    median,
)
from wsgi_cost import cost  # noqa: E402

MESSAGE = ("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName>"
           "<![CDATA[u00042]]></FromUserName><CreateTime>1764750000</CreateTime><MsgType>"
           "<![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>"
           "5000000000000000123</MsgId><AgentID>1000002</AgentID></xml>").encode()
ENVELOPE = (b"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><AgentID><![CDATA["
            b"1000002]]></AgentID><Encrypt><![CDATA[" + b"A" * 400 + b"]]></Encrypt></xml>")


def xmltodict_parse() -> Any:
    """crypto.xmlsafe._parse's contract, built by xmltodict over the same screened expat."""
    import xmltodict

    from crypto.xmlsafe import _Refused

    def refuse(*_: Any) -> None:
        raise _Refused

    class Screened:
        """The expat parser xmltodict drives; its start handler refuses a level too deep."""

        __slots__ = ("_p", "_max")

        def __init__(self, p: Any, max_depth: int):
            object.__setattr__(self, "_p", p)
            object.__setattr__(self, "_max", max_depth)

        def __setattr__(self, name: str, value: Any) -> None:
            if name == "StartElementHandler":
                path, most = value.__self__.path, self._max   # xmltodict's open elements

                def start(n: str, a: Any, _v: Any = value) -> None:
                    if len(path) >= most:
                        raise _Refused
                    _v(n, a)
                value = start
            setattr(self._p, name, value)

        def Parse(self, data: bytes, final: bool = True) -> Any:  # noqa: N802 (expat's name)
            return self._p.Parse(data, final)

    class Expat:
        def __init__(self, max_depth: int):
            self.max_depth = max_depth

        def ParserCreate(self, *_: Any) -> Screened:  # noqa: N802 (expat's name)
            p = expat.ParserCreate("utf-8")
            p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
            for h in ("StartDoctypeDeclHandler", "EntityDeclHandler", "NotationDeclHandler",
                      "UnparsedEntityDeclHandler", "ExternalEntityRefHandler",
                      "ProcessingInstructionHandler"):
                setattr(p, h, refuse)
            return Screened(p, self.max_depth)

    def parse(data: bytes, max_depth: int) -> Any:
        (body,) = xmltodict.parse(data, expat=Expat(max_depth), xml_attribs=False,
                                  disable_entities=True).values()
        return body
    return parse


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--json", metavar="FILE")
    args = p.parse_args()
    import crypto.xmlsafe as xs

    variants = {"hand-written": xs._parse, "xmltodict": xmltodict_parse()}
    for doc in (MESSAGE, ENVELOPE):
        assert variants["xmltodict"](doc, 16) == variants["hand-written"](doc, 16)
    parse_us: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            n = 5000
            t = min(timeit.repeat(lambda f=fn: (f(MESSAGE, 16), f(ENVELOPE, 16)), number=n,
                                  repeat=3))
            parse_us[name].append(t / n * 1e6)
    db = ScratchDB()
    atexit.register(db.drop)
    db.create()
    from store.db import upgrade

    upgrade(db.url)
    os.environ.update(WECOM_CORP_ID=CORP_ID, WECOM_AGENT_ID=str(AGENT_ID), WECOM_SECRET=SECRET,
                      WECOM_TOKEN=TOKEN, WECOM_ENCODING_AES_KEY=AES_KEY, DATABASE_URL=db.url,
                      BOT_TIMESTAMP_WINDOW="0")
    from wsgi import app

    factory = MessageFactory()
    users = [f"u{i:05d}" for i in range(1000)]
    callback_us: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            xs._parse = fn   # type: ignore[assignment]   # every caller goes through it
            per, status = cost(app, OUR_PATH, factory.many(args.requests, users))
            assert status.startswith("200"), status
            callback_us[name].append(per * 1e6)
    xs._parse = variants["hand-written"]   # type: ignore[assignment]
    app.extensions["wecom"].close()
    res = {k: {"parse_us": median(parse_us[k]), "callback_us": median(callback_us[k]),
               "parse_rounds": parse_us[k], "callback_rounds": callback_us[k]}
           for k in variants}
    a, b = res["hand-written"], res["xmltodict"]
    res["parse_diff_us"] = b["parse_us"] - a["parse_us"]
    res["callback_diff_us"] = b["callback_us"] - a["callback_us"]
    res["parse_diff_share"] = res["parse_diff_us"] / a["callback_us"]
    res["callback_diff_share"] = res["callback_diff_us"] / a["callback_us"]
    for k in variants:
        print(f"{k}: parse (message + envelope) {res[k]['parse_us']:.1f} µs, whole callback "
              f"{res[k]['callback_us']:.0f} µs CPU")
    print(f"xmltodict costs {res['parse_diff_us']:+.1f} µs per callback in parsing = "
          f"{100 * res['parse_diff_share']:+.1f} % of a callback's CPU; whole callback measured "
          f"{res['callback_diff_us']:+.0f} µs ({100 * res['callback_diff_share']:+.1f} %)")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
