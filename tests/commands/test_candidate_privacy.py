"""Issue 17 (4, 10): candidates are private, and private means private in groups.

Before: `候选人 C3` answered 没有候选人 C3 for a missing candidate and something else for an
existing one, to anyone (an existence oracle); `候选人 张三` listed every 张三 with their
positions to an interviewer on none of their interviews; `@bot 候选人 C1` in a group posted
the resume link.
"""
from __future__ import annotations

from tests.commands.conftest import HR, LISI, WANGWU, ZHAOLIU

RESUME = "https://files.example/cv/zhangsan.pdf"


def _company(desk) -> None:
    desk.ask(HR, f"新建候选人 张三 岗位:后端工程师 简历:{RESUME}")          # C1
    desk.ask(HR, "新建候选人 李雷 岗位:产品经理")                            # C2
    desk.ask(HR, "新建候选人 张三 岗位:财务总监 手机:13900000000")           # C3
    desk.ask(HR, "安排 C1 明天下午3点 面试官 李四 轮次:二面 备注:候选人期望薪资 40k")


def test_anyone_without_the_right_gets_one_answer_whether_or_not_a_candidate_exists(desk):
    _company(desk)
    desk.user("stranger", "interviewer", "路人")
    for who in (ZHAOLIU, WANGWU, "stranger", "never-set-up"):
        answers = {desk.ask(who, f"候选人 C{n}").replace(f"C{n}", "?") for n in (1, 2, 3, 99)}
        answers |= {desk.ask(who, f"候选人 {name}").replace(name, "?")
                    for name in ("张三", "李雷", "无此人")}
        assert len(answers) == 1, (who, answers)
        [answer] = answers
        assert "找不到你能查看的候选人" in answer
        for secret in ("后端", "财务", "产品", "C1 张三", "C3"):
            assert secret not in answer


def test_an_interviewer_finds_only_the_candidates_of_their_own_interviews(desk):
    _company(desk)
    mine = desk.ask(LISI, "候选人 张三")      # two 张三 exist; LISI sits on C1's interview only
    assert "张三（C1）" in mine and "财务总监" not in mine and "C3" not in mine
    assert "张三（C1）" in desk.ask(LISI, "候选人 C1")
    assert "找不到你能查看的候选人" in desk.ask(LISI, "候选人 C3")
    both = desk.ask(HR, "候选人 张三")         # HR sees every candidate, and must choose
    assert "C1 张三（后端工程师）" in both and "C3 张三（财务总监）" in both


def test_in_a_group_only_name_and_time_are_posted(desk):
    _company(desk)
    for who, command in ((HR, "候选人 C1"), (LISI, "候选人 C1"), (LISI, "面试 #1"),
                         (HR, "面试 #1")):
        out = desk.say(who, command, chat="group")
        public = "\n".join(r.text for r in out if not r.private)
        assert "张三" in public and "#1" in public, public
        for secret in (RESUME, "后端工程师", "二面", "40k", "13900000000"):
            assert secret not in public, (command, secret)
        private = "\n".join(r.text for r in out if r.private)
        assert "后端工程师" in private                       # the asker gets it one-to-one
    hr_private = "\n".join(r.text for r in desk.say(HR, "候选人 C1", chat="group") if r.private)
    assert RESUME in hr_private
    one_to_one = desk.ask(LISI, "候选人 C1")
    assert RESUME in one_to_one and "后端工程师" in one_to_one
