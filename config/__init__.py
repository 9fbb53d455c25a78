"""Configuration: Settings read from the environment and validated in one place
(config.settings), and the files the servers read (gunicorn.conf.py, systemd units).

It may import `crypto` (to check keys and build the crypto from settings) and the standard
library; nothing else of ours, since everything else is configured by it.
"""
