"""The Flask app: the callback views (/wecom/callback, /wecom/aibot) and /healthz.

The only package that knows Flask. It may import the pipeline, `bot.wecom`, `store`, `crypto`
and `config`; nothing imports it but `wsgi.py`, the CLI and `devkit`.
"""
