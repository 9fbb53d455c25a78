"""What a web process loads: the production app only, never the development kit (issue 14).

`interview-bot serve` preloads wsgi:app in the gunicorn master and forks its workers, so
whatever the master imports every worker carries. The simulator, the fake WeCom API and the
demo must stay out of it, and so must the parsers and tools only tests and benchmarks use.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import make_settings

NEVER = ("devkit", "xmltodict", "hypothesis", "pytest", "selenium", "alembic", "mako")


def test_the_served_app_imports_nothing_of_the_development_kit(pg_url):
    s = make_settings(pg_url)
    env = {**os.environ, "DATABASE_URL": pg_url, "WECOM_CORP_ID": s.corp_id,
           "WECOM_AGENT_ID": str(s.agent_id), "WECOM_SECRET": s.secret, "WECOM_TOKEN": s.token,
           "WECOM_ENCODING_AES_KEY": s.encoding_aes_key}
    code = ("import json, sys\n"
            "import bot.cli, bot.gunicorn_app, bot.gunicorn_worker\n"   # the master's own
            "import wsgi\n"                                              # preload_app
            "print(json.dumps(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert "wsgi" in loaded and "bot.web.callback" in loaded    # it did load the app
    unwanted = sorted(m for m in loaded if m.split(".")[0] in NEVER)
    assert not unwanted, unwanted
