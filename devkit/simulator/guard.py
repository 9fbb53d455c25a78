"""The one rule that keeps the simulator away from a real WeCom app.

The simulator forges callbacks that the bot trusts, so it may only run where nothing real can
be reached or impersonated: it must be switched on (BOT_SIMULATOR=1 or the demo), WeCom's API
must be a fake on this machine (an http URL to a loopback host), and the app's CorpID and
Secret must be the generated dev ones. Generated CorpIDs start with "wwdev": a real CorpID is
"ww" followed by hexadecimal digits, and "v" is not one, so no real app can ever pass.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from config.settings import Settings

DEV_CORP_PREFIX = "wwdev"
DEV_SECRET_PREFIX = "dev-"
LOOPBACK_NAMES = {"localhost"}


class SimulatorRefused(RuntimeError):
    """The simulator may not run with these settings; the message says why."""


def is_loopback_url(url: str) -> bool:
    """True for an http:// URL whose host is this machine (127.0.0.0/8, ::1, localhost)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    host = parts.hostname.lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refusal(settings: Settings) -> str | None:
    """Why the simulator must not run with `settings`, or None when it may."""
    if not settings.simulator:
        return "the simulator is off (set BOT_SIMULATOR=1, or run `interview-bot demo`)"
    if not is_loopback_url(settings.api_base):
        return (f"WECOM_API_BASE is {settings.api_base}: the simulator only runs against a "
                "fake WeCom API on this machine (http://127.0.0.1…), never the real one")
    if not settings.corp_id.startswith(DEV_CORP_PREFIX):
        return (f"WECOM_CORP_ID does not start with {DEV_CORP_PREFIX!r}: these look like a "
                "real app's credentials, and the simulator only runs with generated dev ones")
    if not settings.secret.startswith(DEV_SECRET_PREFIX):
        return (f"WECOM_SECRET does not start with {DEV_SECRET_PREFIX!r}: the simulator only "
                "runs with generated dev credentials")
    return None


def check(settings: Settings) -> None:
    """Raise SimulatorRefused unless the simulator may run with `settings`."""
    reason = refusal(settings)
    if reason:
        raise SimulatorRefused("simulator refused: " + reason)
