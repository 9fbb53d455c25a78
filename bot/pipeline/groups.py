"""What happens when WeCom refuses to create an interview's group chat."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import update

from bot.pipeline import outbox
from bot.wecom.errors import ApiError
from store.db import Sessions
from store.hiring import Interview
from store.models import OutboxMessage

# Why WeCom says no, in words an HR person can act on.
HINTS = {
    60011: ("应用的可见范围需要是全公司（根部门）才能建群",
            "the app's visible range must be the whole company (root department)"),
    86004: ("群成员数量不合要求（至少 2 人）", "the group needs at least two members"),
    60111: ("有成员不在通讯录中", "a member is not in the company directory"),
    40058: ("参数不被企业微信接受", "WeCom rejected the request's parameters"),
}


def group_refused(sessions: Sessions, row: OutboxMessage, exc: ApiError,
                  now: datetime) -> None:
    """Forget the chat on the interview, drop its queued posts, and tell the requester why."""
    spec = json.loads(row.content)
    zh, en = HINTS.get(exc.errcode, ("企业微信拒绝了建群请求", "WeCom refused to create it"))
    with sessions.begin() as s:
        s.execute(update(Interview).where(Interview.chat_id == row.touser).values(chat_id=None))
        s.execute(update(OutboxMessage).where(OutboxMessage.touser == row.touser,
                                              OutboxMessage.status == "pending")
                  .values(status="void", last_error="group was not created"))
        outbox.enqueue(
            s, touser=spec["requester"], now=now, dedupe_key=f"appchat-refused:{row.touser}",
            content=f"#{spec['interview']} 建群失败：{zh}（企业微信错误 {exc.errcode}：{exc.errmsg}）。\n"
                    f"Could not create the group for #{spec['interview']}: {en} "
                    f"(WeCom error {exc.errcode}).")
