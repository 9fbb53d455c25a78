"""commands/ never reaches Flask, httpx, crypto or the WeCom side of bot/ (design.md)."""
from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("flask", "httpx", "crypto", "bot.pipeline.dispatch", "bot.web.callback", "bot.web.app",
             "bot.pipeline.worker", "bot.wecom", "bot.services")


def test_loading_every_command_imports_nothing_forbidden():
    code = ("import sys; from commands.registry import load; load(); "
            f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]; print(bad); "
            "sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
