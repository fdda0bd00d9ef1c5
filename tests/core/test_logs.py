"""The console log is quiet in normal work: routine library messages are debug facts."""

from __future__ import annotations

import logging

import pytest

from vinculo.core.logs import RoutineAtDebug


def _record(name: str, message: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "splink.internals.expectation_maximisation",
            "WARNING:\nLevel Exact match on comparison dob not observed in dataset, "
            "unable to train m value\n",
        ),
        ("django_tasks_db", "Starting worker worker_id=abc queues=*"),
    ],
)
def test_routine_messages_are_hidden_unless_debugging(name, message):
    assert RoutineAtDebug("WARNING").filter(_record(name, message)) is False
    assert RoutineAtDebug("INFO").filter(_record(name, message)) is False
    assert RoutineAtDebug("DEBUG").filter(_record(name, message)) is True


def test_other_messages_pass():
    quiet = RoutineAtDebug("WARNING")
    assert quiet.filter(_record("splink.internals.linker", "Blocking rule produced 9e9 pairs"))
    assert quiet.filter(_record("django_tasks_db", "Task id=1 failed", logging.ERROR))
    assert quiet.filter(_record("vinculo.imports", "Starting worker"))  # only its own logger


def test_the_console_handler_uses_it():
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    assert any(isinstance(f, RoutineAtDebug) for f in handler.filters)
