"""The router: aliases, languages, roles, argument parsing and the one-reply error."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.context import Context, Reply
from commands.router import CommandError, Option, Param, Router
from config.settings import Settings
from store.models import User


def ctx(role: str = "hr", chat: str = "single") -> Context:
    user = User(wecom_userid="wangfang", name="王芳", role=role)
    return Context(sender=user, session=None, now=datetime(2026, 11, 25, 2, tzinfo=UTC),
                   settings=Settings(), chat=chat)


@pytest.fixture
def router() -> Router:
    r = Router()

    @r.command("cancel", zh=("取消",), role="hr", group=False,
               params=(Param("interview", kind="id", label=("面试编号", "interview #id")),
                       Param("reason", kind="text", required=False)),
               usage=("取消 #编号 [原因]", "cancel #id [reason]"),
               example=("取消 #12 候选人放弃", "cancel #12 candidate withdrew"))
    def cancel(c, interview, reason):
        return [Reply(f"{c.lang}:{interview}:{reason}")]

    @r.command("feedback", zh=("评价",),
               params=(Param("interview", kind="id", label=("面试编号", "interview #id")),),
               options=(Option("rec", ("rec", "结论")), Option("score", ("score", "评分"), "int"),
                        Option("notes", ("notes", "备注"))),
               usage=("评价 #编号 结论:… 评分:… 备注:…", "feedback #id rec:… score:… notes:…"),
               example=("评价 #12 结论:推荐 评分:4", "feedback #12 rec:yes score:4"))
    def feedback(c, interview, rec, score, notes):
        return [Reply(f"{interview}|{rec}|{score}|{notes}")]

    @r.command("my interviews", en=("my",), zh=("我的面试",))
    def mine(c):
        return [Reply(c.lang)]

    return r


def reply(router, text, **kw):
    [r] = router.dispatch(ctx(**kw), text)
    return r.text


def test_language_follows_the_alias(router):
    assert reply(router, "取消 #12 候选人放弃") == "zh:12:候选人放弃"
    assert reply(router, "CANCEL #12 withdrew") == "en:12:withdrew"
    assert reply(router, "/cancel #7") == "en:7:None"


def test_chinese_alias_may_run_into_its_arguments(router):
    assert reply(router, "取消#12") == "zh:12:None"
    assert reply(router, "我的面试") == "zh"


def test_english_alias_needs_a_word_boundary(router):
    assert "didn't understand" in reply(router, "cancelled #12")


def test_longest_alias_wins(router):
    assert reply(router, "my interviews") == "en"


def test_options_with_full_width_colon_and_spaces_in_values(router):
    assert reply(router, "评价 #12 结论：推荐 评分:4 备注:算法扎实，系统设计 偏弱") == \
        "12|推荐|4|算法扎实，系统设计 偏弱"
    assert reply(router, "feedback #3 notes: good at SQL rec:yes") == "3|yes|None|good at SQL"


def test_missing_parts_are_named_in_one_reply_with_an_example(router):
    text = reply(router, "取消")
    assert "缺少面试编号" in text and "用法：取消 #编号 [原因]" in text and "例如：取消 #12" in text
    text = reply(router, "cancel")
    assert text.startswith("Missing interview #id.") and "Example: cancel #12" in text


def test_role_is_checked_before_anything_else(router):
    assert "HR" in reply(router, "取消 #12", role="interviewer")
    assert "needs the HR role" in reply(router, "cancel #12", role="interviewer")
    assert reply(router, "cancel #12", role="admin") == "en:12:None"


def test_group_only_commands(router):
    assert "one-to-one" in reply(router, "cancel #12", chat="group")


def test_command_error_becomes_the_reply():
    r = Router()

    @r.command("x")
    def x(c):
        raise CommandError("中文", "english")

    assert reply(r, "x") == "english"


def test_unknown_kind_and_clashing_alias_are_refused_at_registration():
    r = Router()
    with pytest.raises(ValueError):
        r.command("a", params=(Param("p", kind="nope"),))(lambda c, p: "")
    r.command("b", zh=("乙",))(lambda c: "")
    with pytest.raises(ValueError):
        r.command("c", zh=("乙",))(lambda c: "")


def test_unknown_text_suggests_a_close_command(router):
    # A typo of a command word: the corrected command, quoted and ready to send; nothing done.
    assert "Did you mean:\nmy interviews\n" in reply(router, "mi interviews")
    assert "Unexpected “intervews”" in reply(router, "my intervews")
    assert "我的面试" in reply(router, "我的面是")
