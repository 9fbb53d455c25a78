"""gunicorn settings for the web app: `gunicorn -c config/gunicorn.conf.py wsgi:app`.

Chosen to survive slow clients when exposed directly (issue 17). A client that sends its
headers or body a byte at a time holds whatever reads from it: with sync workers, a whole
process (six such connections once starved four workers, and gunicorn's WORKER TIMEOUT then
killed them all). So by default:

- gthread workers (bot/gunicorn_worker.DeadlineThreadWorker): a connection that has sent
  nothing waits in gunicorn's poller without a thread, and one that trickles holds a thread
  for at most READ_DEADLINE (5 s) before its reading side is shut. It then takes workers ×
  threads connections trickling at the same moment to delay anyone, not a handful.
- Small request limits: a callback's request line is ~300 bytes and it has a few headers.
- Keep-alive 2 s: an idle connection costs a poller entry, not a thread, but need not linger.

In production a buffering reverse proxy stands in front (config/nginx-site.conf): it reads
whole requests before passing them on, so no slow client reaches gunicorn at all. Behind it,
BOT_THREADS=1 selects sync workers (with the same deadline), which measured fastest for this
app's short callbacks (bench/RESULTS.md). Scale out with more processes or machines, all
sharing one PostgreSQL.
"""
import gc
import multiprocessing
import os

bind = os.environ.get("BOT_BIND", "0.0.0.0:8000")
threads = int(os.environ.get("BOT_THREADS", "8"))
_sync = threads <= 1
# Sync: more processes than cores, so one waiting on PostgreSQL's commit leaves the CPU to
# another. Threads: each process already overlaps its waits.
workers = int(os.environ.get("WEB_CONCURRENCY",
                             multiprocessing.cpu_count() * (2 if _sync else 1) + 1))
worker_class = ("bot.gunicorn_worker.DeadlineSyncWorker" if _sync
                else "bot.gunicorn_worker.DeadlineThreadWorker")
timeout = 30            # WeCom gives up after 5 s anyway; this only bounds stuck workers
graceful_timeout = 20
keepalive = 2
limit_request_line = 2048        # the callback's URL with its query is ~300 bytes
limit_request_fields = 32
limit_request_field_size = 4096
max_requests = 10000    # recycle workers now and then; jitter avoids all at once
max_requests_jitter = 1000
# The app is imported once, in the master: a recycled worker is a fork, not a second import of
# Flask, SQLAlchemy and the commands (~1 s of CPU each time), and the workers share its pages.
# Nothing connects to the database or WeCom while the app is built, so no socket is shared.
preload_app = True


def pre_fork(server: object, worker: object) -> None:  # noqa: ARG001 (gunicorn's hook)
    """The app's objects, built once in the master, out of the collector's reach (gc.freeze):
    a full collection in a worker no longer walks them (a 60 ms stall, measured in the worker
    process), nor writes to their pages, which stay shared with the master."""
    gc.freeze()


def post_fork(server: object, worker: object) -> None:  # noqa: ARG001 (gunicorn's hook)
    """A forked worker starts with its own empty connection pool (SQLAlchemy's advice)."""
    from wsgi import app

    app.extensions["wecom"].engine.dispose(close=False)
# Off unless asked for (BOT_ACCESS_LOG=1): the proxy in front logs every request already, and
# the app logs each refused callback with its reason.
accesslog = "-" if os.environ.get("BOT_ACCESS_LOG", "") not in ("", "0") else None
errorlog = "-"
# No query strings in the access log: they carry signatures and nonces. Every value is escaped
# (bot/gunicorn_log.py): a path with %0A in it cannot write a line of its own.
logger_class = "bot.gunicorn_log.OneLineLogger"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
