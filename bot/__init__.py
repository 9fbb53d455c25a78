"""The WeCom side of the interview bot: Flask app, callback, outbox, worker, API client.

Kept import-light on purpose: `commands/` imports `store.models`, and must not pull in Flask or
httpx by doing so. The app factory lives in `bot.web.app`.
"""
