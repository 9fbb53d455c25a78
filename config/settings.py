"""Settings from the environment (and a `.env` file), validated in one place.

Every problem is collected and reported at once, so an admin fixes the set-up in one pass
instead of one restart per mistake. Secrets are kept out of `repr()` and of every message.
"""
from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crypto import WeComCrypto
from crypto.cipher import valid_aes_key

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"
DEFAULT_SQLITE = "sqlite:///" + str(Path("instance") / "interview-bot.sqlite3")

_TOKEN = re.compile(r"[A-Za-z0-9]{1,32}")
_USERID = re.compile(r"[A-Za-z0-9_.@\-]{1,64}")
MAX_CLAIM_LEASE = 180   # exclusive; a takeover after it stays inside bot.pipeline.outbox's duplicate check


class SettingsError(Exception):
    """Raised when settings are invalid; `.problems` lists every one of them."""

    def __init__(self, problems: list[str]):
        super().__init__("invalid settings:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


def _secret() -> str:
    return field(default="", repr=False)


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to know about its WeCom app and its surroundings."""

    corp_id: str = ""
    agent_id: int = 0
    secret: str = _secret()
    token: str = _secret()
    encoding_aes_key: str = _secret()
    api_base: str = DEFAULT_API_BASE
    database_url: str = field(default=DEFAULT_SQLITE, repr=False)  # may hold a password
    timezone: str = "Asia/Shanghai"
    admins: tuple[str, ...] = ()
    timestamp_window: int = 300
    max_body_bytes: int = 1024 * 1024
    markdown: bool = True
    simulator: bool = False
    worker_concurrency: int = 8
    user_rate_limit: int = 20          # commands a minute per user; 0 turns the limit off
    claim_lease_seconds: int = 60      # a claimed outbox row older than this is a dead worker's
    inbox_max_age_seconds: int = 120   # /healthz and check-config fail when a message waits longer
    aibot_token: str = _secret()
    aibot_encoding_aes_key: str = _secret()
    # WeCom's documented limits (docs/wecom-limits.md): per corp, per API, per minute and per
    # hour; message/send per app per day is 200 × the licensed members (0: not enforced).
    budget_per_minute: int = 10_000
    budget_per_hour: int = 150_000
    budget_licensed_members: int = 0
    budget_headroom: int = 90          # percent of each limit the bot allows itself
    budget_minute_seconds: int = 60    # a minute's length; benchmarks shorten it, scaling all
    public_url: str = ""               # where candidates reach the bot's pages (self-scheduling links)

    def problems(self) -> list[str]:
        """Return a list of human-readable problems; empty when the settings are usable."""
        out: list[str] = []
        if not self.corp_id:
            out.append("WECOM_CORP_ID is missing (the CorpID, e.g. ww1436e0e65a779aee)")
        elif not re.fullmatch(r"[A-Za-z0-9]{4,64}", self.corp_id):
            out.append("WECOM_CORP_ID must be letters and digits (e.g. ww1436e0e65a779aee)")
        if self.agent_id <= 0:
            out.append("WECOM_AGENT_ID must be a positive integer (e.g. 1000002)")
        if not self.secret:
            out.append("WECOM_SECRET is missing (the app's Secret from the admin console)")
        if not _TOKEN.fullmatch(self.token):
            out.append("WECOM_TOKEN must be 1-32 letters or digits")
        if not valid_aes_key(self.encoding_aes_key):
            out.append("WECOM_ENCODING_AES_KEY must be exactly 43 letters or digits "
                       "(run `interview-bot gen-aeskey` for a new one)")
        if self.aibot_token and not _TOKEN.fullmatch(self.aibot_token):
            out.append("WECOM_AIBOT_TOKEN must be 1-32 letters or digits")
        if self.aibot_encoding_aes_key and not valid_aes_key(self.aibot_encoding_aes_key):
            out.append("WECOM_AIBOT_ENCODING_AES_KEY must be exactly 43 letters or digits")
        if not re.match(r"https?://[^/\s]+", self.api_base):
            out.append("WECOM_API_BASE must be an http(s) URL")
        if self.public_url and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", self.public_url):
            out.append("BOT_PUBLIC_URL must be an http(s) URL (e.g. https://bot.example.com)")
        if not re.match(r"(postgresql|sqlite)(\+\w+)?://", self.database_url):
            out.append("DATABASE_URL must be a postgresql:// or sqlite:// URL")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            out.append(f"BOT_TIMEZONE {self.timezone!r} is not a known time zone "
                       "(e.g. Asia/Shanghai)")
        for userid in self.admins:
            if not _USERID.fullmatch(userid):
                out.append(f"BOT_ADMINS entry {userid!r} is not a WeCom userid")
        if self.timestamp_window < 0:
            out.append("BOT_TIMESTAMP_WINDOW must be 0 (off) or a number of seconds")
        if self.worker_concurrency < 1:
            out.append("BOT_WORKER_CONCURRENCY must be at least 1")
        # A resend after the lease must fall inside WeCom's duplicate-check window
        # (bot.pipeline.outbox.DUPLICATE_CHECK_INTERVAL), or a crashed send could be delivered twice.
        if not 1 <= self.claim_lease_seconds < MAX_CLAIM_LEASE:
            out.append(f"BOT_CLAIM_LEASE_SECONDS must be 1 to {MAX_CLAIM_LEASE - 1} seconds "
                       "(a resend after it must stay inside WeCom's duplicate check)")
        if self.inbox_max_age_seconds < 1:
            out.append("BOT_INBOX_MAX_AGE must be a positive number of seconds")
        if min(self.budget_per_minute, self.budget_per_hour) < 1 \
                or self.budget_licensed_members < 0:
            out.append("WECOM_BUDGET_PER_MINUTE and _PER_HOUR must be positive, "
                       "WECOM_BUDGET_LICENSED_MEMBERS 0 (off) or more")
        if not 1 <= self.budget_headroom <= 100:
            out.append("WECOM_BUDGET_HEADROOM must be a percentage from 1 to 100")
        if self.budget_minute_seconds < 1:
            out.append("WECOM_BUDGET_MINUTE_SECONDS must be at least 1")
        return out

    def validated(self) -> Settings:
        """Return self, or raise SettingsError listing every problem."""
        problems = self.problems()
        if problems:
            raise SettingsError(problems)
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The organisation's time zone."""
        return ZoneInfo(self.timezone)

    def public_summary(self) -> dict[str, str]:
        """Settings safe to print: secrets are shown only as set / not set."""
        hidden = {"secret", "token", "encoding_aes_key", "aibot_token", "aibot_encoding_aes_key"}
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in hidden:
                out[f.name] = "(set)" if value else "(not set)"
            elif f.name == "database_url":
                out[f.name] = redact_url(value)
            else:
                out[f.name] = ",".join(value) if isinstance(value, tuple) else str(value)
        return out

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *,
                 dotenv: str | Path | None = ".env", strict: bool = True) -> Settings:
        """Read settings from `environ` (default os.environ), with `.env` filling the gaps.

        Strict (the default) raises SettingsError listing every problem. `strict=False` is for
        tools that need only the database and the admins before WeCom is configured: what
        cannot be read keeps its default.
        """
        env: dict[str, str] = {}
        if dotenv and Path(dotenv).is_file():
            from dotenv import dotenv_values

            env.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        env.update(os.environ if environ is None else environ)
        problems: list[str] = []

        def integer(name: str, default: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                return int(raw)
            except ValueError:
                problems.append(f"{name} must be an integer, got {raw!r}")
                return default

        settings = cls(
            corp_id=env.get("WECOM_CORP_ID", "").strip(),
            agent_id=integer("WECOM_AGENT_ID", 0),
            secret=env.get("WECOM_SECRET", "").strip(),
            token=env.get("WECOM_TOKEN", "").strip(),
            encoding_aes_key=env.get("WECOM_ENCODING_AES_KEY", "").strip(),
            api_base=(env.get("WECOM_API_BASE", "").strip() or DEFAULT_API_BASE).rstrip("/"),
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_SQLITE,
            timezone=env.get("BOT_TIMEZONE", "").strip() or "Asia/Shanghai",
            admins=tuple(a.strip() for a in env.get("BOT_ADMINS", "").split(",") if a.strip()),
            timestamp_window=integer("BOT_TIMESTAMP_WINDOW", 300),
            max_body_bytes=integer("BOT_MAX_BODY_BYTES", 1024 * 1024),
            markdown=env.get("BOT_MARKDOWN", "1").strip().lower() not in ("0", "false", "no"),
            simulator=env.get("BOT_SIMULATOR", "").strip().lower() in ("1", "true", "yes"),
            worker_concurrency=integer("BOT_WORKER_CONCURRENCY", 8),
            user_rate_limit=integer("BOT_USER_RATE_LIMIT", 20),
            claim_lease_seconds=integer("BOT_CLAIM_LEASE_SECONDS", 60),
            inbox_max_age_seconds=integer("BOT_INBOX_MAX_AGE", 120),
            aibot_token=env.get("WECOM_AIBOT_TOKEN", "").strip(),
            aibot_encoding_aes_key=env.get("WECOM_AIBOT_ENCODING_AES_KEY", "").strip(),
            budget_per_minute=integer("WECOM_BUDGET_PER_MINUTE", 10_000),
            budget_per_hour=integer("WECOM_BUDGET_PER_HOUR", 150_000),
            budget_licensed_members=integer("WECOM_BUDGET_LICENSED_MEMBERS", 0),
            budget_headroom=integer("WECOM_BUDGET_HEADROOM", 90),
            budget_minute_seconds=integer("WECOM_BUDGET_MINUTE_SECONDS", 60),
            public_url=env.get("BOT_PUBLIC_URL", "").strip().rstrip("/"),
        )
        problems.extend(p for p in settings.problems() if p not in problems
                        and not any(p.startswith(q.split(" ")[0]) for q in problems))
        if problems and strict:
            raise SettingsError(problems)
        return settings

    def app_crypto(self, clock: Callable[[], float] = time.time) -> WeComCrypto:
        """The app callback's crypto (ReceiveId = CorpID); `clock` in Unix seconds."""
        return WeComCrypto(self.token, self.encoding_aes_key, self.corp_id,
                           max_skew=self.timestamp_window, clock=clock)

    def aibot_crypto(self, clock: Callable[[], float] = time.time) -> WeComCrypto | None:
        """The intelligent bot's crypto (ReceiveId is empty, protocol §8.1), if configured."""
        if not (self.aibot_token and self.aibot_encoding_aes_key):
            return None
        return WeComCrypto(self.aibot_token, self.aibot_encoding_aes_key, "",
                           max_skew=self.timestamp_window, clock=clock)


def redact_url(url: str) -> str:
    """Hide the password of a database URL."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
