"""One day of a sample company, played through the real path, printed in order.

`python -m devkit.sample_day` runs the bot on a throwaway SQLite file with a fake WeCom, seeds the
demo company, has HR schedule the day's interviews the evening before, then moves the clock
minute by minute from 08:00 to 22:00 on Thursday 2026-11-26, with interviewers answering as
people would, and prints every message WeCom delivered: when, to whom, what.
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services import build
from config.settings import Settings
from crypto import WeComCrypto
from devkit.demo_seed import seed_users
from devkit.fakewecom import FakeWeCom
from store.db import make_engine, upgrade

TZ = ZoneInfo("Asia/Shanghai")
CORP, SECRET, TOKEN = "wwsampleday00001", "sample-secret", "sampletoken"
KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
# (local time on the day, who, what they type); the evening before, HR schedules.
# It has a decline (陈静, #2), a non-answer (张伟 never answers #2: HR is warned two hours
# before and at the start, and he is nudged for feedback), an English command that does not
# change the language 张伟 is written to, and a decision followed by the next round (#1).
SCRIPT = [
    ("2026-11-25 18:00", "wangfang", "安排 张三 明天上午10点 面试官 李四 张伟 形式:视频 "
                                     "链接:https://meeting.example/zs"),
    ("2026-11-25 18:01", "wangfang", "安排 孙丽 明天下午3点 面试官 陈静 形式:现场 地点:3F-301"),
    ("2026-11-25 18:02", "wangfang", "安排 周杰 明天下午5点 面试官 李四"),
    ("2026-11-26 09:05", "lisi", "接受 #1"),
    ("2026-11-26 09:06", "zhangwei", "accept #1"),
    ("2026-11-26 09:30", "chenjing", "拒绝 #2 那天要出差"),
    ("2026-11-26 09:40", "wangfang", "加面试官 #2 张伟"),
    ("2026-11-26 11:30", "lisi", "评价 #1 结论:推荐 评分:4 备注:基础扎实"),
    ("2026-11-26 11:45", "zhangwei", "评价 #1 结论:推荐 评分:3"),
    ("2026-11-26 11:50", "zhangwei", "修改评价 #1 评分:4 备注:前端基础也不错"),
    ("2026-11-26 14:00", "wangfang", "决定 #1 通过 进入二面"),
    ("2026-11-26 14:05", "wangfang", "安排下一轮 #1 下周一上午10点 面试官 陈静"),
    ("2026-11-26 16:00", "wangfang", "改期 #3 明天上午11点 原因:候选人冲突"),
]


def _minutes(start: datetime, end: datetime) -> Iterator[datetime]:
    t = start
    while t <= end:
        yield t
        t += timedelta(minutes=1)


def play() -> list[tuple[datetime, str, str]]:
    """Run the day; returns (delivered at, to, text) in order."""
    folder = Path(tempfile.mkdtemp(prefix="sample-day-"))
    url = f"sqlite:///{folder / 'day.sqlite3'}"
    upgrade(url)
    now = [datetime(2026, 11, 25, 17, 0, tzinfo=TZ).astimezone(UTC)]
    fake = FakeWeCom(corp_id=CORP, secret=SECRET, agent_id=1000002,
                     clock=lambda: now[0].timestamp())
    settings = replace(Settings(), corp_id=CORP, agent_id=1000002, secret=SECRET, token=TOKEN,
                       encoding_aes_key=KEY, database_url=url, user_rate_limit=0,
                       timestamp_window=0)
    svc = build(settings, transport=fake.transport(), clock=lambda: now[0],
                engine=make_engine(url))
    seed_users(svc.sessions, now[0])
    crypto = WeComCrypto(TOKEN, KEY, CORP, max_skew=0)
    from bot.web.app import create_app

    client = create_app(services=svc).test_client()
    worker = svc.make_worker()
    script = sorted((datetime.fromisoformat(t).replace(tzinfo=TZ), u, m) for t, u, m in SCRIPT)
    log: list[tuple[datetime, str, str]] = []
    seen = 0
    end = datetime(2026, 11, 26, 22, 0, tzinfo=TZ)
    for i, minute in enumerate(_minutes(script[0][0], end)):
        now[0] = minute.astimezone(UTC)
        for when, user, text in script:
            if when == minute:
                xml = (f"<xml><ToUserName>{CORP}</ToUserName><FromUserName>{user}"
                       f"</FromUserName><CreateTime>{int(minute.timestamp())}</CreateTime>"
                       f"<MsgType>text</MsgType><Content><![CDATA[{text}]]></Content>"
                       f"<MsgId>{900000 + i}</MsgId><AgentID>1000002</AgentID></xml>")
                body, query = crypto.seal_callback(xml, nonce=str(i))
                resp = client.post("/wecom/callback", query_string=query, data=body)
                assert resp.status_code == 200, resp.status_code
                log.append((minute, f"{user} →", text))
        worker.drain()
        for d in fake.delivered[seen:]:
            log.append((minute, f"→ {d.touser}", readable(d.msgtype, d.content)))
        seen = len(fake.delivered)
    svc.close()
    return log


def readable(msgtype: str, content: str) -> str:
    """What the member sees: a button card as its text and its buttons, anything else as is."""
    if msgtype != "template_card":
        return content
    card = json.loads(content)
    buttons = " ".join(f"[{b['text']}]" for b in card.get("button_list", []))
    return f"{card.get('sub_title_text', '')}\n{buttons}".strip()


HEADER = """# One day of a sample company

Made by `python -m devkit.sample_day > docs/sample-day.md`: the bot on a throwaway SQLite file \
and a fake WeCom, HR scheduling the evening before, the clock moved minute by minute through \
Thursday 2026-11-26 (Asia/Shanghai). `name →` is what a member typed; `→ name` is what WeCom \
delivered to them (a button card as its text and `[buttons]`). The day has a decline (陈静 on \
#2), an interviewer who never answers (张伟 on #2: HR is warned in time and at the start, and he \
is nudged for feedback), an English command that does not change the language 张伟 is written \
to, an amended evaluation, and HR's decision on #1 followed by the next round.
"""


def main() -> None:
    """Print the day, as docs/sample-day.md."""
    print(HEADER)
    print("```")
    for when, who, text in play():
        lines = text.splitlines() or [""]
        print(f"{when:%m-%d %H:%M}  {who:<12} {lines[0]}")
        for line in lines[1:]:
            print(f"{'':<32} {line}")
    print("```")


if __name__ == "__main__":
    main()
