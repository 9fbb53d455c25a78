"""Generated dev credentials for the demo, kept in instance/ so a restart keeps them."""
from __future__ import annotations

import json
import os
import secrets
import string
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from devkit.simulator.guard import DEV_CORP_PREFIX, DEV_SECRET_PREFIX

FILE_NAME = "dev-credentials.json"
DEV_AGENT_ID = 1000002
_ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class DevCredentials:
    """A fake app's CorpID, AgentId, Secret, Token and EncodingAESKey, and the fake
    intelligent bot's own Token and EncodingAESKey."""

    corp_id: str
    agent_id: int
    secret: str
    token: str
    encoding_aes_key: str
    aibot_token: str = ""
    aibot_encoding_aes_key: str = ""

    def __repr__(self) -> str:  # the secrets stay out of logs even for a dev app
        return f"DevCredentials(corp_id={self.corp_id!r}, agent_id={self.agent_id})"


def _token() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(32))


def _aes_key() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(43))


def generate() -> DevCredentials:
    """New random dev credentials, shaped like real ones but marked as dev."""
    return DevCredentials(
        corp_id=DEV_CORP_PREFIX + secrets.token_hex(7)[:13],   # 18 characters, like a real one
        agent_id=DEV_AGENT_ID,
        secret=DEV_SECRET_PREFIX + secrets.token_urlsafe(24),
        token=_token(),
        encoding_aes_key=_aes_key(),
        aibot_token=_token(),
        aibot_encoding_aes_key=_aes_key(),
    )


def load_or_create(instance: Path) -> DevCredentials:
    """The credentials saved in `instance`, created (mode 0600) on first use.

    A file written before the intelligent bot existed lacks its Token and key: they are
    generated and saved, and the app's own credentials are kept as they were."""
    path = instance / FILE_NAME
    if path.is_file():
        saved = json.loads(path.read_text())
        known = {f.name for f in fields(DevCredentials)}
        creds = DevCredentials(**{k: v for k, v in saved.items() if k in known})
        if creds.aibot_token and creds.aibot_encoding_aes_key:
            return creds
        creds = DevCredentials(**{**asdict(creds),
                                  "aibot_token": creds.aibot_token or _token(),
                                  "aibot_encoding_aes_key":
                                      creds.aibot_encoding_aes_key or _aes_key()})
        _save(path, creds)
        return creds
    instance.mkdir(parents=True, exist_ok=True)
    creds = generate()
    _save(path, creds)
    return creds


def _save(path: Path, creds: DevCredentials) -> None:
    # Written to a private temporary file and renamed, so a half-written file never exists.
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(asdict(creds), f, indent=2)
    os.replace(tmp, path)
