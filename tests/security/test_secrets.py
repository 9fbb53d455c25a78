"""Secrets stay out of logs: database errors do not carry their bound values."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.db import make_engine

ACCESS_TOKEN = "fake-token-must-not-be-logged"


def test_database_errors_do_not_show_their_parameters(pg_url, caplog):
    engine = make_engine(pg_url)
    try:
        with pytest.raises(DBAPIError) as info, engine.begin() as conn:
            conn.execute(text("UPDATE no_such_table SET access_token = :t"),
                         {"t": ACCESS_TOKEN})
        logging.getLogger("test").error("failed", exc_info=info.value)
    finally:
        engine.dispose()
    assert ACCESS_TOKEN not in str(info.value)
    assert ACCESS_TOKEN not in caplog.text and "parameters hidden" in caplog.text
