"""gunicorn settings for the web app: `gunicorn -c config/gunicorn.conf.py wsgi:app`.

Callbacks are short (verify, decrypt, one transaction), so sync workers with a few threads
each are enough; scale out with more processes or machines, all sharing one PostgreSQL.
"""
import multiprocessing
import os

bind = os.environ.get("BOT_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("BOT_THREADS", "4"))
worker_class = "gthread"
timeout = 30            # WeCom gives up after 5 s anyway; this only bounds stuck workers
graceful_timeout = 20
keepalive = 5
max_requests = 10000    # recycle workers now and then; jitter avoids all at once
max_requests_jitter = 1000
accesslog = "-"
errorlog = "-"
# No query strings in the access log: they carry signatures and nonces.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
