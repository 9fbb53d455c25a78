"""gunicorn's logger with every line escaped: its access and error logs carry request paths,
headers and request lines from anyone, and a %0A in a path must not start a forged line."""
from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from bot.logs import RedactSecrets, one_line


class OneLineLogger(Logger):  # type: ignore[misc]
    """gunicorn.glogging.Logger whose handlers escape control characters and hide secrets."""

    def setup(self, cfg: Any) -> None:
        """gunicorn's own set-up, then our formatter and filter on each of its handlers."""
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(one_line(handler.formatter))
                if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                    handler.addFilter(RedactSecrets())
