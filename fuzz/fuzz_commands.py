"""atheris: the command router with every command, on an in-memory SQLite database."""
from __future__ import annotations

from datetime import UTC, datetime

from _common import INSTRUMENT, atheris, run

with atheris.instrument_imports(include=INSTRUMENT):
    from bot.pipeline.dispatch import ensure_user
    from commands.context import ROLES, Context, Reply
    from commands.registry import load
    from config.settings import Settings
    from store.db import Base, make_engine, make_sessionmaker

    ROUTER = load()   # imports every command module: inside, so that they are instrumented
ENGINE = make_engine("sqlite:///:memory:")
Base.metadata.create_all(ENGINE)
SESSIONS = make_sessionmaker(ENGINE)
SETTINGS = Settings()
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
SEEDS = [s.encode() for s in [
    "安排 张三 明天下午3点 面试官 @lisi", "schedule Alice fri 3pm with @lisi", "my interviews",
    "评价 #1 结论:推荐 评分:4 备注:好", "帮助 安排", "新建候选人 张三 岗位:后端",
    "settings tz Asia/Tokyo", "取消 #1 原因"]]


def test_one(data: bytes) -> None:
    """Replies for any text from any role; no exception out of the router."""
    fdp = atheris.FuzzedDataProvider(data)
    role = ROLES[fdp.ConsumeIntInRange(0, len(ROLES) - 1)]
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()).replace("\x00", "")
    with SESSIONS() as s, s.begin():
        sender = ensure_user(s, "fuzzer", SETTINGS, NOW)
        sender.role = role
        ctx = Context(sender=sender, session=s, now=NOW, settings=SETTINGS, source_key="fuzz")
        with s.begin_nested():
            replies = ROUTER.dispatch(ctx, text)
        assert all(isinstance(r, Reply) for r in replies)
        s.rollback()


WORDS = ["#1", "#12", "@lisi", "张三", "明天下午3点", "周五 14:00", "下周三", "3-4pm", "tomorrow",
         "时长:", "dur:", "round:", "轮次:", "形式:", "mode:", "rec:", "结论:", "score:", "notes:",
         "原因:", "position:", "phone:", "email:", "确认", "confirm", "C1", "面试官", "with", "和"]

if __name__ == "__main__":
    aliases = [a for c in ROUTER.commands for a in (*c.en, *c.zh)]
    run("commands", test_one, SEEDS, tokens=aliases + WORDS)
