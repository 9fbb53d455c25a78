"""Issue 17 (5): names cannot be squatted.

Before: any member could take any display name (`设置 姓名 王芳` succeeded for an interviewer
and the directory sync never corrected it); when HR named a colleague the bot had not met
(`面试官 赵六`), the squatter was assigned and got the meeting link, and HR's echo said
`面试官：赵六` with no userid.
"""
from __future__ import annotations

from commands import people
from store.hiring import Interview
from tests.commands.conftest import HR, LISI


def test_a_chosen_name_may_not_be_another_members(desk):
    for taken in ("王芳", "王五", "wangfang", "王 五", "WangWu"):
        text = desk.ask(LISI, f"设置 姓名 {taken}")
        assert "是另一位成员的名字" in text, taken
    assert desk.users()[LISI].name == "李四"
    assert "已更新" in desk.ask(LISI, "设置 姓名 小李")
    assert "已更新" in desk.ask(LISI, "设置 姓名 李四")      # one's own name is no one else's


def test_hr_naming_someone_never_resolves_to_a_squatter(desk):
    desk.user("mallory", "interviewer")
    assert "已更新" in desk.ask("mallory", "设置 姓名 赵大六")   # not anyone's name yet…
    text = desk.ask(HR, "安排 张三 明天下午3点 面试官 赵大六 链接:https://meet.example/x")
    assert "找不到「赵大六」" in text and desk.count(Interview) == 0   # …and no one's to be named by
    assert desk.notices("mallory") == []
    assert "还没见过" in desk.ask(HR, "安排 张三 明天下午3点 面试官 @zhaodaliu")
    with desk.sessions.begin() as s:          # the worker's lookup finds the real 赵大六
        people.directory_name(s, "zhaodaliu", "赵大六")
    text = desk.ask(HR, "安排 张三 明天下午3点 面试官 赵大六 链接:https://meet.example/x")
    assert "面试官：赵大六（zhaodaliu）" in text          # the echo shows who, by userid
    assert desk.notices("mallory") == []
    assert [r.to for r in desk.notices("zhaodaliu")] == ["zhaodaliu"]


def test_the_directory_corrects_a_squatted_display_name(desk):
    desk.user("mallory", "interviewer")
    with desk.sessions.begin() as s:
        u = s.scalars(people.select(people.User).where(
            people.User.wecom_userid == "mallory")).one()
        u.name_synced = False
    desk.ask("mallory", "设置 姓名 钱七")                  # nobody is called that yet
    with desk.sessions.begin() as s:
        desk.user("qianqi", "interviewer", "钱七")         # the real 钱七 is met later
        people.directory_name(s, "mallory", "马洛")        # and mallory's real name arrives
    assert desk.users()["mallory"].name == "马洛"          # the colliding choice gives way
    assert desk.users()["mallory"].directory_name == "马洛"


def test_an_unknown_account_is_not_assigned_before_the_directory_lookup(desk):
    text = desk.ask(HR, "安排 张三 明天下午3点 面试官 @zhaoliu2 链接:https://meet.example/x")
    assert "还没见过 @zhaoliu2" in text and "通讯录" in text
    assert desk.count(Interview) == 0 and desk.notices("zhaoliu2") == []
    with desk.sessions() as s:
        assert [u.wecom_userid for u in people.unsynced(s)] == ["zhaoliu2"]   # NameSync's job
