"""Real names from WeCom's directory (user/get) for members first seen by their userid only.

Runs as a worker tick, a few members at a time, so a burst of new members never floods the API.
Members the app cannot see (60011 visible range, 60111 unknown) are marked done and keep their
userid as name; a transient failure leaves them for a later tick.
"""
from __future__ import annotations

import logging
from datetime import datetime

from bot.wecom.client import WeComClient
from bot.wecom.errors import ApiError, WeComError
from commands.people import directory_name, unsynced
from store.db import Sessions

log = logging.getLogger(__name__)
PER_TICK = 10


class NameSync:
    """Worker tick: fetch names for up to PER_TICK unsynced members."""

    def __init__(self, sessions: Sessions, client: WeComClient):
        self.sessions, self.client = sessions, client

    def __call__(self, now: datetime) -> None:
        with self.sessions() as s:
            userids = [u.wecom_userid for u in unsynced(s, limit=PER_TICK)]
        for userid in userids:
            try:
                name = str(self.client.get_user(userid).get("name") or "") or None
            except ApiError as exc:
                if exc.retryable:
                    return
                name = None          # not visible to the app: keep the userid, stop asking
                log.info("user/get %s: errcode %s, keeping the userid as name", userid,
                         exc.errcode)
            except WeComError:
                return               # WeCom unreachable or no token: try again next tick
            with self.sessions.begin() as s:
                directory_name(s, userid, name)
