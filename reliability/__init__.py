"""The reliability suite: the bot under retry storms, database restarts, API faults and crashes.

Everything runs on 127.0.0.1: the real web server (gunicorn) and worker processes, a fake WeCom
API in its own process, and PostgreSQL (a scratch database, or a private instance that the
restart scenario may stop). `python reliability/run.py` runs the full sizes; tests/reliability/
runs the same scenarios small.
"""
