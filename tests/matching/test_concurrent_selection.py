"""Two employers' staff select two workers for the last position at the same moment: two API
requests in two processes on one database (the SQLite file, and PostgreSQL), nothing mocked.
Exactly one wins and fills the order; the other is answered with a clear conflict and writes
nothing."""

from __future__ import annotations

import time

import pytest

from tests.processes import module_answer, module_start, vinculo_env


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_selections_for_the_last_position_one_wins_the_other_conflicts(
    tmp_path, database, request
):
    extra = {"VINCULO_TASKS": "database"}
    if database == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_database")
    env = vinculo_env(tmp_path / "data", **extra)
    candidacies = module_answer(module_start("tests.matching.two_selections", env, "setup"))
    start = str(time.time() + 4)  # both processes up and waiting before either begins
    runs = [
        module_start("tests.matching.two_selections", env, "select", str(c), start)
        for c in candidacies
    ]
    answers = [module_answer(process) for process in runs]

    assert sorted(a["status"] for a in answers) == [200, 409], answers
    (lost,) = [a for a in answers if a["status"] == 409]
    assert lost["type"].startswith("application/problem+json")
    assert lost["body"]["code"] == "order_filled"
    state = module_answer(module_start("tests.matching.two_selections", env, "state"))
    assert state["order"] == "filled"
    assert sorted(state["candidacies"]) == ["selected", "shortlisted"], state
