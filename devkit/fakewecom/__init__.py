"""A fake of WeCom's active server API for tests, benchmarks and the demo simulator.

Use FakeWeCom.transport() with httpx, FakeWeCom.wsgi_app as a WSGI app, or
FakeWeCom.serve() for a real local HTTP server, or `python -m devkit.fakewecom.standalone`
for one in a process of its own (the benchmarks and the reliability runs); see
core.FakeWeCom for the controls.
"""

from .adapters import FakeWeComServer
from .core import ROUTES, FakeWeCom
from .errors import ERRMSG, InjectedHTTPStatus, InjectedTimeout
from .ratelimits import CorpLimits
from .records import Delivered, GroupMessage, RecordedRequest
from .state import MEMBER_LIMITS

__all__ = [
    "ERRMSG",
    "MEMBER_LIMITS",
    "ROUTES",
    "CorpLimits",
    "Delivered",
    "FakeWeCom",
    "FakeWeComServer",
    "GroupMessage",
    "InjectedHTTPStatus",
    "InjectedTimeout",
    "RecordedRequest",
]
