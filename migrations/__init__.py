"""Alembic migrations; run them with `interview-bot db upgrade`."""
