"""gunicorn settings for the web app: `gunicorn -c config/gunicorn.conf.py wsgi:app`.

A callback is short (verify, decrypt, one INSERT into the inbox), so plain sync workers, one
request at a time each, and more processes than cores so that one waiting on PostgreSQL's
commit leaves the CPU to another: measured faster than threads here (bench/RESULTS.md).
Scale out with more processes or machines, all sharing one PostgreSQL.
"""
import multiprocessing
import os

bind = os.environ.get("BOT_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("BOT_THREADS", "1"))   # more than 1: gunicorn uses gthread
worker_class = "sync"
timeout = 30            # WeCom gives up after 5 s anyway; this only bounds stuck workers
graceful_timeout = 20
keepalive = 5
max_requests = 10000    # recycle workers now and then; jitter avoids all at once
max_requests_jitter = 1000
# The app is imported once, in the master: a recycled worker is a fork, not a second import of
# Flask, SQLAlchemy and the commands (~1 s of CPU each time), and the workers share its pages.
# Nothing connects to the database or WeCom while the app is built, so no socket is shared.
preload_app = True


def post_fork(server, worker):  # noqa: ARG001 (gunicorn's hook signature)
    """A forked worker starts with its own empty connection pool (SQLAlchemy's advice)."""
    from wsgi import app

    app.extensions["wecom"].engine.dispose(close=False)
# Off unless asked for (BOT_ACCESS_LOG=1): the proxy in front logs every request already, and
# the app logs each refused callback with its reason.
accesslog = "-" if os.environ.get("BOT_ACCESS_LOG", "") not in ("", "0") else None
errorlog = "-"
# No query strings in the access log: they carry signatures and nonces. Every value is escaped
# (config/gunicorn_log.py): a path with %0A in it cannot write a line of its own.
logger_class = "config.gunicorn_log.OneLineLogger"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
