"""Alembic migrations, one linear chain 0001…N; run them with `interview-bot db upgrade`.

They may import `store` (the tables' metadata); tests/store checks the chain and that
upgrading from empty gives exactly the models.
"""
