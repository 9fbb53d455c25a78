"""Naming people in commands: by @mention, WeCom userid or directory name.

An exact userid wins; otherwise the name in WeCom's directory (case-insensitive), never the
display name a member chose for themselves, so nobody can take a colleague's name and be
assigned in their place. Several people with the same name get the choices back; an unknown
name gets a clear error. An `@userid` the bot has never met is not assigned blind: it is put
down for a directory lookup (the worker's NameSync, user/get) and the command is refused with
"try again in a moment"; once looked up, the member can be named.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from commands.context import Context
from commands.router import Ask, CommandError
from commands.sanitize import inert
from store.models import User
from store.sql import insert_ignore

_USERID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_SEPARATORS = re.compile(r"\s*(?:[,，、;；&/]|\band\b)\s*", re.IGNORECASE)
# Every word run tried is a query: bound the runs (a name has few words) and the list, or a
# 3,000-word message costs millions of queries and holds a web thread for hours.
MAX_NAME_WORDS = 4
MAX_LIST_WORDS = 60
# People one command may name (a panel, a free-time check). Each may be notified, so this also
# bounds how many messages one command sends to others (bot.pipeline.dispatch.MAX_TO_OTHERS).
MAX_PEOPLE = 10
# "with" / 面试官 introduce the interviewers of a new interview.
PANEL_KEYWORD = re.compile(r"(?:(?<=\s)|^)(?:with|interviewers?)\b\s*[:：]?\s*|面试官\s*[:：]?\s*",
                           re.IGNORECASE)


def display(user: User) -> str:
    """The name to show; the userid when that is all we know."""
    return user.name or user.wecom_userid


def labelled(user: User) -> str:
    """The name with the userid beside it, for echoes of who was assigned: 赵六（zhaoliu）."""
    name = display(user)
    return name if name == user.wecom_userid else f"{name}（{user.wecom_userid}）"


def _squeeze(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def name_taken(session: Session, user: User, name: str) -> User | None:
    """Another member whose userid, directory name or display name is `name`, if any."""
    key = _squeeze(name)
    for other in session.scalars(select(User).where(User.id != user.id, or_(
            User.wecom_userid == key,
            func.lower(func.replace(User.directory_name, " ", "")) == key,
            func.lower(func.replace(User.name, " ", "")) == key))).all():
        return other
    return None


def matches(session: Session, query: str) -> list[User]:
    """Users a query could mean: the exact userid, else everyone with that name."""
    q = query.strip().lstrip("@＠").strip()
    if not q:
        return []
    by_id = session.scalars(select(User).where(User.wecom_userid == q.lower())).first()
    if by_id is not None:
        return [by_id]
    squeezed = _squeeze(q)
    return list(session.scalars(select(User).where(or_(
        func.lower(User.directory_name) == q.lower(),
        func.lower(func.replace(User.directory_name, " ", "")) == squeezed)).order_by(User.id)))


def resolve(session: Session, query: str, now: datetime | None = None, *,
            accept_unmet: bool = False) -> User:
    """Exactly one user for a query, else a CommandError with the choices or the problem.

    An @userid never met is refused, and with `now` saved for the directory lookup (see the
    module doc); `accept_unmet` returns it as an unsaved User instead (for HR naming an
    account, which assigns nothing).
    """
    found = matches(session, query)
    if len(found) == 1:
        return found[0]
    raw = query.strip()
    shown = inert(raw)   # echoed: bounded and inert
    if len(found) > 1:
        choices = "、".join(f"{u.directory_name or display(u)}（@{u.wecom_userid}）" for u in found)
        choices_en = ", ".join(f"{u.directory_name or display(u)} (@{u.wecom_userid})"
                               for u in found)
        ex = found[0].wecom_userid
        numbered = "  ".join(f"{i}) {display(u)}（@{u.wecom_userid}）"
                             for i, u in enumerate(found, 1))
        numbered_en = "  ".join(f"{i}) {display(u)} (@{u.wecom_userid})"
                                for i, u in enumerate(found, 1))
        question = Ask(f"「{shown}」有 {len(found)} 位，是哪一位？请回复序号：{numbered}",
                       f"“{shown}” could be {len(found)} people: which one? Reply with a "
                       f"number: {numbered_en}", part=raw, how="replace",
                       choices=tuple((f"@{u.wecom_userid}", f"@{u.wecom_userid}",
                                      f"@{u.wecom_userid}") for u in found))
        raise CommandError(f"「{shown}」有 {len(found)} 位：{choices}。请用 @账号 指定，例如 @{ex}",
                           f"“{shown}” could be {len(found)} people: {choices_en}. "
                           f"Name one by account, e.g. @{ex}", question=question)
    bare = raw.lstrip("@＠")
    if raw[:1] in "@＠" and _USERID.fullmatch(bare):
        if accept_unmet:   # saved by persist() if the command acts
            return User(wecom_userid=bare.lower(), name=bare.lower(), role="interviewer")
        # Never met: put them down for the directory lookup, assign no one yet.
        if now is not None:
            insert_ignore(session, User, dict(wecom_userid=bare.lower(), name=bare.lower(),
                                              role="interviewer", created_at=now),
                          ("wecom_userid",))
        raise CommandError(f"我还没见过 @{inert(bare)}，正在企业微信通讯录中核实，请过一会儿再发一次这条命令",
                           f"I haven't met @{inert(bare)} yet; I'm looking them up in the WeCom "
                           "directory. Please send this command again in a moment")
    zh = f"找不到「{shown}」。请用企业微信账号指定（例如 @lisi），或请对方先给我发一条消息"
    en = (f"I don't know “{shown}”. Name them by WeCom account (e.g. @lisi), "
          "or ask them to message me first")
    raise CommandError(zh, en, question=Ask(zh, en, part=raw, how="replace"))


def resolve_many(session: Session, text: str, now: datetime | None = None) -> list[User]:
    """Several people, separated by spaces, commas, 、 or "and"; names may contain spaces."""
    out: list[User] = []
    problems: list[CommandError] = []
    if len(text.split()) > MAX_LIST_WORDS:
        raise CommandError(f"人名太多了（最多 {MAX_LIST_WORDS} 个词）",
                           f"too many names (at most {MAX_LIST_WORDS} words)")
    for chunk in filter(None, _SEPARATORS.split(text.strip())):
        tokens = chunk.split()
        i = 0
        while i < len(tokens):
            # The longest run of words that names someone ("Li Si" before "Li").
            for j in range(min(len(tokens), i + MAX_NAME_WORDS), i, -1):
                if matches(session, " ".join(tokens[i:j])):
                    break
            try:
                for part in _split_he(session, " ".join(tokens[i:j])):
                    user = resolve(session, part, now)
                    if all(u.wecom_userid != user.wecom_userid for u in out):
                        out.append(user)
            except CommandError as exc:
                problems.append(exc)
            i = j
    if len(problems) == 1:
        raise problems[0]   # one unclear name: its question can be answered on its own
    if problems:
        raise CommandError("；".join(p.zh for p in problems), "; ".join(p.en for p in problems))
    return out


def _split_he(session: Session, text: str) -> list[str]:
    # "李四和王五": 和 separates two people unless the whole text is someone's name.
    if "和" not in text or matches(session, text):
        return [text]
    return [p for p in text.split("和") if p]


def persist(ctx: Context, users: list[User]) -> list[User]:
    """Save members named by an unknown @userid; returns the users, all with ids."""
    out = []
    for user in users:
        if user.id is None:
            insert_ignore(ctx.session, User, dict(
                wecom_userid=user.wecom_userid, name=user.wecom_userid, role="interviewer",
                created_at=ctx.now), ("wecom_userid",))
            user = ctx.session.scalars(
                select(User).where(User.wecom_userid == user.wecom_userid)).one()
        out.append(user)
    return out


def unsynced(session: Session, limit: int = 100) -> list[User]:
    """Members whose name is still only their userid, oldest first.

    The hook for the worker (commands do no HTTP): for each, call WeCom user/get and pass the
    name to `directory_name()`. A name set by a person (`name`, `settings name`) is synced too.
    """
    return list(session.scalars(select(User).where(User.name_synced.is_(False))
                                .order_by(User.id).limit(limit)))


def directory_name(session: Session, userid: str, name: str | None) -> None:
    """Record a member's real name from WeCom's directory (None: not visible to the app).

    The directory name is what others name the member by; it also becomes the shown name
    unless the member chose another. Either way the member is marked synced, so an unreadable
    member is not asked about again.
    """
    user = session.scalars(select(User).where(User.wecom_userid == userid.lower())).first()
    if user is None or user.name_synced:
        return
    if name:
        chose = user.name not in (user.wecom_userid, user.directory_name)
        user.directory_name = name[:128]
        if not chose or name_taken(session, user, user.name):
            user.name = name[:128]   # a chosen name that collides gives way to the real one
    user.name_synced = True


def split_panel(text: str) -> tuple[str | None, str]:
    """(people text after `with` / 面试官, the text before it); else @mentions, else None."""
    m = PANEL_KEYWORD.search(text)
    if m:
        return text[m.end():].strip() or None, text[:m.start()].strip()
    mentions = re.findall(r"[@＠]\S+", text)
    if mentions:
        return " ".join(mentions), re.sub(r"[@＠]\S+", " ", text).strip()
    return None, text
