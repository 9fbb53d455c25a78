"""`pool` / `面试官池`: HR's named interviewer pools — create, add, remove, list."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, select

from commands import audit, people, picking
from commands.conflicts import work_hours
from commands.context import Context, Reply
from commands.registry import router
from commands.router import CommandError, Param
from commands.sanitize import inert
from store.hiring import InterviewerPool, PoolMember
from store.models import User
from store.sql import insert_ignore

NAME_LIMIT = 32
_ADD = ("add", "添加", "加入", "加")
_REMOVE = ("remove", "rm", "删除", "移除", "去掉")
_LIST = ("list", "ls", "列表", "全部")
_RENAME = ("rename", "改名", "重命名")
_SHADOW = ("shadow", "trainee", "见习")
_DELETE = ("delete", "删除", "解散")   # 删除 with people after it removes them instead
# A pool name: letters, digits, CJK, - and _; never a person-like token such as "@lisi".
_NAME = re.compile(rf"[\w\-]{{1,{NAME_LIMIT}}}")
_POOL_SUFFIX = re.compile(r"(池|pool)$", re.IGNORECASE)


def fold(name: str) -> str:
    """The stored form of a pool name: lower case, without a trailing 池/pool."""
    return _POOL_SUFFIX.sub("", name.strip()).lower() or name.strip().lower()


def find(ctx: Context, name: str, *, lock: bool = False) -> InterviewerPool | None:
    """The pool by name (any case, 池/pool suffix optional), or None."""
    q = select(InterviewerPool).where(InterviewerPool.name == fold(name))
    return ctx.session.scalars(q.with_for_update() if lock else q).one_or_none()


def members(ctx: Context, pool: InterviewerPool, *, lock: bool = False,
            pickable: bool = False) -> list[User]:
    """The pool's members in a stable order; with lock, their rows are locked FOR UPDATE;
    pickable leaves out trainees (they shadow, they are not picked)."""
    q = (select(User).join(PoolMember, PoolMember.user_id == User.id)
         .where(PoolMember.pool_id == pool.id).order_by(User.id))
    if pickable:
        q = q.where(PoolMember.shadow_left.is_(None))
    return list(ctx.session.scalars(q.with_for_update(of=User) if lock else q))


def trainees(ctx: Context, pool: InterviewerPool) -> dict[int, int]:
    """user id -> interviews still to shadow, for the pool's trainees (见习)."""
    rows = ctx.session.execute(select(PoolMember.user_id, PoolMember.shadow_left).where(
        PoolMember.pool_id == pool.id, PoolMember.shadow_left.is_not(None)))
    return {uid: left for uid, left in rows if left is not None}


def _names(users: list[User]) -> str:
    return "、".join(people.display(u) for u in users) if users else "—"


def show(ctx: Context, pool: InterviewerPool) -> str:
    """面试官池「后端」（3 人）：李四、王五、赵六（见习，还剩 2 场）."""
    who, left = members(ctx, pool), trainees(ctx, pool)
    zh = "、".join(people.display(u) + (f"（见习，还剩 {left[u.id]} 场）" if u.id in left else "")
                  for u in who) or "—"
    en = ", ".join(people.display(u) + (f" (shadow, {left[u.id]} to go)" if u.id in left else "")
                   for u in who) or "—"
    return ctx.t(f"面试官池「{pool.name}」（{len(who)} 人）：{zh}",
                 f"Pool “{pool.name}” ({len(who)}): {en}")


def _list(ctx: Context) -> Reply:
    pools = list(ctx.session.scalars(select(InterviewerPool).order_by(InterviewerPool.name)))
    if not pools:
        return Reply(ctx.t("还没有面试官池。例：面试官池 后端 李四 张伟 陈静",
                           "No pools yet. Example: pool backend add @lisi @zhangwei"))
    return Reply("\n".join(show(ctx, p) for p in pools))


def check_name(ctx: Context, name: str) -> str:
    if not _NAME.fullmatch(name) or name.startswith("@"):
        raise CommandError(
            f"池名「{inert(name[:40])}」不可用：最多 {NAME_LIMIT} 个字，只用文字、数字、- 和 _",
            f"“{inert(name[:40])}” can't be a pool name: up to {NAME_LIMIT} letters, digits, "
            "- or _")
    return fold(name)


def _resolve(ctx: Context, text: str) -> list[User]:
    found = people.resolve_many(ctx.session, text, ctx.now) if text.strip() else []
    if not found:
        raise CommandError("请写出要加入或移除的人，例如：面试官池 后端 添加 李四",
                           "Name the people to add or remove, e.g. pool backend add @lisi")
    if len(found) > people.MAX_PEOPLE:
        raise CommandError(f"一次最多 {people.MAX_PEOPLE} 人", f"at most {people.MAX_PEOPLE} "
                           "people at once")
    return people.persist(ctx, found)


def _add(ctx: Context, name: str, text: str) -> Reply:
    key = check_name(ctx, name)
    users = _resolve(ctx, text)       # every name understood before anything is written
    pool = find(ctx, key)
    created = pool is None
    if pool is None:
        insert_ignore(ctx.session, InterviewerPool,
                      dict(name=key, created_by=ctx.sender.id, created_at=ctx.now), ("name",))
        pool = _existing(ctx, key)
    before = {u.wecom_userid for u in members(ctx, pool)}
    for u in users:
        insert_ignore(ctx.session, PoolMember,
                      dict(pool_id=pool.id, user_id=u.id, added_at=ctx.now),
                      ("pool_id", "user_id"))
    new = [u for u in users if u.wecom_userid not in before]
    audit.record(ctx, "pool_create" if created else "pool_add", "pool", key,
                 after={"added": [u.wecom_userid for u in new]})
    head = ctx.t(f"已新建面试官池「{key}」。" if created else f"已加入 {_names(new)}。",
                 f"Created pool “{key}”." if created else f"Added {_names(new)}.")
    if not created and not new:
        head = ctx.t("他们都已在池中，未作改动。", "They were all in the pool already; nothing changed.")
    return Reply(f"{head}\n{show(ctx, pool)}")


def _remove(ctx: Context, name: str, text: str) -> Reply:
    pool = _existing(ctx, name)
    users = _resolve(ctx, text)
    current = {u.id for u in members(ctx, pool)}
    outside = [u for u in users if u.id not in current]
    if outside:
        raise CommandError(f"{_names(outside)} 不在面试官池「{pool.name}」中，未作改动。",
                           f"{_names(outside)} not in pool “{pool.name}”; nothing changed.")
    ctx.session.execute(delete(PoolMember).where(
        PoolMember.pool_id == pool.id, PoolMember.user_id.in_([u.id for u in users])))
    audit.record(ctx, "pool_remove", "pool", pool.name,
                 before={"removed": [u.wecom_userid for u in users]})
    return Reply(ctx.t(f"已移除 {_names(users)}。", f"Removed {_names(users)}.")
                 + "\n" + show(ctx, pool))


def _existing(ctx: Context, name: str) -> InterviewerPool:
    pool = find(ctx, name)
    if pool is None:
        raise CommandError(f"没有名为「{inert(name[:40])}」的面试官池。发「面试官池」看全部。",
                           f"There is no pool “{inert(name[:40])}”. Send “pool” to list them.")
    return pool


@router.command(
    "pool", en=("pool", "pools"), zh=("面试官池",), role="hr",
    params=(Param("text", kind="text", required=False),),
    summary=("管理面试官池（新建、添加、移除、查看、见习、改名、删除）",
             "manage interviewer pools (add, remove, list, shadow, rename, delete)"),
    usage=("面试官池 [池名 [添加|移除] 人…]，面试官池 池名 见习 人 场数，面试官池 池名 改名 新名，"
           "面试官池 池名 删除",
           "pool [<name> add|remove <people>], pool <name> shadow <person> <n>, "
           "pool <name> rename <new>, pool <name> delete"),
    example=("面试官池 后端 李四 张伟 陈静", "pool backend add @lisi"))
def pool(ctx: Context, text: str | None = None) -> list[Reply]:
    """List pools, show one, or add/remove members (creating the pool on first add)."""
    words = (text or "").split(None, 2)
    if not words or words[0].lower() in _LIST:
        return [_list(ctx)]
    from commands import pool_admin  # rename and delete live there; it builds on this module

    name, verb = words[0], (words[1].lower() if len(words) > 1 else "")

    if verb in _RENAME:
        return [pool_admin.rename(ctx, _existing(ctx, name), words[2] if len(words) > 2 else "")]
    if verb in _SHADOW:
        return [pool_admin.shadow(ctx, _existing(ctx, name), words[2] if len(words) > 2 else "")]
    if verb in _DELETE and len(words) == 2:
        return [pool_admin.ask_delete(ctx, _existing(ctx, name))]
    if verb in _ADD:
        return [_add(ctx, name, words[2] if len(words) > 2 else "")]
    if verb in _REMOVE:
        return [_remove(ctx, name, words[2] if len(words) > 2 else "")]
    if len(words) == 1:
        return [Reply(show(ctx, _existing(ctx, name)))]
    # 面试官池 后端 李四 张伟: people straight after the name means add.
    return [_add(ctx, name, " ".join(words[1:]))]


class Panel(list[User]):
    """The interviewers named for a new interview, plus pools to pick from: [(name, n)]."""

    pools: list[tuple[str, int]]

    def __init__(self, users: list[User], pools: list[tuple[str, int]]):
        super().__init__(users)
        self.pools = pools


# `后端池×2`, `backend x2`, `backend pool ×2`, or a bare `后端池` (one person).
_REF = re.compile(r"(?:^|(?<=[\s,，、]))(?P<name>[\w\-]+?)\s*(?P<suffix>池|pool)?\s*"
                  r"(?:[×xX*]\s*(?P<n>\d{1,2}))?(?=$|[\s,，、])", re.IGNORECASE)


def extract(ctx: Context, text: str) -> tuple[list[tuple[str, int]], str]:
    """Pool references in a panel text and the text left for people; CommandError when a
    reference is plainly a pool (池/pool/×) but no such pool exists."""
    refs: list[tuple[str, int]] = []
    rest = text
    for m in _REF.finditer(text):
        if not m.group("suffix") and not m.group("n"):
            continue   # a plain word is a person
        pool = find(ctx, m.group("name"))
        explicit = m.group("suffix") or "×" in m.group(0) or "*" in m.group(0)
        if pool is None:
            if explicit:
                raise _no_pool(m.group("name"))
            continue   # "alex2"-like: leave it to people resolution
        n = int(m.group("n") or 1)
        if not 1 <= n <= people.MAX_PEOPLE:
            raise CommandError(f"从池中选 1–{people.MAX_PEOPLE} 人", f"pick 1–{people.MAX_PEOPLE} "
                               "people from a pool")
        if any(name == pool.name for name, _ in refs):
            raise CommandError(f"「{pool.name}」池写了两次", f"pool “{pool.name}” named twice")
        refs.append((pool.name, n))
        rest = rest.replace(m.group(0), " ", 1)
    return refs, rest.strip(" ,，、")


def _no_pool(name: str) -> CommandError:
    return CommandError(f"没有名为「{inert(fold(name)[:40])}」的面试官池。发「面试官池」看全部。",
                        f"There is no pool “{inert(fold(name)[:40])}”. Send “pool” to list them.")


def fill(ctx: Context, interviewers: list[User], start: datetime, end: datetime,
         candidate_id: int | None) -> tuple[list[User], list[picking.Pick]]:
    """The named interviewers plus those picked from each pool named; CommandError (nothing
    written) when a pool cannot supply enough free people."""
    refs = getattr(interviewers, "pools", [])
    if not refs:
        return list(interviewers), []
    _, tz = work_hours(ctx)
    panel = list(interviewers)
    picks = []
    for name, n in refs:
        pool = find(ctx, name)
        if pool is None:
            raise _no_pool(name)
        p = picking.pick(ctx.session, pool.name, members(ctx, pool, pickable=True), n, start,
                         end, tz,
                         candidate_id=candidate_id,
                         skip={u.id for u in panel if u.id is not None})
        if len(p.chosen) < n:
            raise CommandError(*picking.shortfall(p, n))
        panel += p.chosen
        picks.append(p)
    return panel, picks


def explained(ctx: Context, picks: list[picking.Pick], result: list[Reply]) -> list[Reply]:
    """Put the one-line reason for each pick at the top of the scheduling reply."""
    if not picks or not result:
        return result
    lines = "\n".join(picking.explain(p, ctx.lang) for p in picks)
    return [replace(result[0], text=f"{lines}\n{result[0].text}"), *result[1:]]


no_pool = _no_pool      # the public name: "there is no pool …"
