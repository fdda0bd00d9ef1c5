"""Logging that stays quiet in normal work.

Some libraries log routine facts at INFO or WARNING: Splink warns that a comparison level was
"not observed ... unable to train m value" on every small registry (expected: a handful of
records cannot show every level), and the database task worker announces "Starting worker"
right after `vinculo up` has printed its welcome. These are debug facts for us. The console
handler passes them only when the log level is DEBUG (VINCULO_LOG_LEVEL=DEBUG).
"""

from __future__ import annotations

import logging

# (logger name prefix, words in the message): records that are routine, not news.
ROUTINE = (
    ("splink", "unable to train m value"),
    ("splink", "unable to train u value"),
    ("splink", "untrained parameters will use default values"),
    ("django_tasks_db", "Starting worker"),
)


class RoutineAtDebug(logging.Filter):
    def __init__(self, level: str = "WARNING") -> None:
        super().__init__()
        self.show = logging.getLevelName(level.upper()) == logging.DEBUG

    def filter(self, record: logging.LogRecord) -> bool:
        if self.show:
            return True
        message = record.getMessage()
        return not any(
            record.name.startswith(prefix) and words in message for prefix, words in ROUTINE
        )
