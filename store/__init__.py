"""The data layer: the engine and sessions (db), the tables (models, hiring) and dialect-aware
SQL helpers (sql).

Both the interview domain (`commands/`) and the WeCom side (`bot/`) stand on it, so it lives
beside them rather than inside either: inside `bot/` it made `commands` and `bot` import each
other. It may import `config` and SQLAlchemy/Alembic only: nothing of `commands`, `bot` or
`devkit`, and nothing that knows HTTP or WeCom.
"""
