"""config/gunicorn.conf.py as it is, plus the bench/variants.py changes named by BENCH_VARIANT
(comma-separated, or "all"; empty: none), applied in each worker right after the fork, before
the app is loaded. Used by bench/ab_http.py:

    BENCH_VARIANT=all BOT_BIND=127.0.0.1:8001 .venv/bin/gunicorn \
        -c bench/gunicorn_variant.conf.py wsgi:app
"""
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_CONF = _HERE.parent / "config" / "gunicorn.conf.py"
exec(compile(_CONF.read_text(), str(_CONF), "exec"))


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    sys.path.insert(0, str(_HERE))
    import variants

    names = variants.from_env()
    variants.apply(names)
    server.log.info("bench variant in worker %s: %s", worker.pid, ",".join(names) or "none")
