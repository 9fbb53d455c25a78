"""Generated dev credentials for the demo, kept in instance/ so a restart keeps them."""
from __future__ import annotations

import json
import os
import secrets
import string
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.simulator.guard import DEV_CORP_PREFIX, DEV_SECRET_PREFIX

FILE_NAME = "dev-credentials.json"
DEV_AGENT_ID = 1000002
_ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class DevCredentials:
    """A fake app's CorpID, AgentId, Secret, Token and EncodingAESKey."""

    corp_id: str
    agent_id: int
    secret: str
    token: str
    encoding_aes_key: str

    def __repr__(self) -> str:  # the secrets stay out of logs even for a dev app
        return f"DevCredentials(corp_id={self.corp_id!r}, agent_id={self.agent_id})"


def generate() -> DevCredentials:
    """New random dev credentials, shaped like real ones but marked as dev."""
    return DevCredentials(
        corp_id=DEV_CORP_PREFIX + secrets.token_hex(7)[:13],   # 18 characters, like a real one
        agent_id=DEV_AGENT_ID,
        secret=DEV_SECRET_PREFIX + secrets.token_urlsafe(24),
        token="".join(secrets.choice(_ALNUM) for _ in range(32)),
        encoding_aes_key="".join(secrets.choice(_ALNUM) for _ in range(43)),
    )


def load_or_create(instance: Path) -> DevCredentials:
    """The credentials saved in `instance`, created (mode 0600) on first use."""
    path = instance / FILE_NAME
    if path.is_file():
        return DevCredentials(**json.loads(path.read_text()))
    instance.mkdir(parents=True, exist_ok=True)
    creds = generate()
    # Written to a private temporary file and renamed, so a half-written file never exists.
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(asdict(creds), f, indent=2)
    os.replace(tmp, path)
    return creds
