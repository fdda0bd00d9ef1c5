"""One worker shortlisted on two orders, selected for both at the same moment: two API requests
in two processes on one database (the SQLite file, and PostgreSQL), nothing mocked. Exactly one
selection opens a placement; the other is refused as a conflict and leaves the worker
shortlisted there."""

from __future__ import annotations

import time

import pytest

from tests.processes import module_answer, module_start, vinculo_env

HARNESS = "tests.matching.two_selections"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_selections_of_one_worker_open_one_placement(tmp_path, database, request):
    extra = {"VINCULO_TASKS": "database"}
    if database == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_database")
    env = vinculo_env(tmp_path / "data", **extra)
    candidacies = module_answer(module_start(HARNESS, env, "one-worker"))
    start = str(time.time() + 4)  # both processes up and waiting before either begins
    runs = [module_start(HARNESS, env, "select", str(c), start) for c in candidacies]
    answers = [module_answer(process) for process in runs]

    assert sorted(a["status"] for a in answers) == [200, 409], answers
    (lost,) = [a for a in answers if a["status"] == 409]
    assert lost["type"].startswith("application/problem+json")
    assert lost["body"]["code"] == "worker_already_placed"
    state = module_answer(module_start(HARNESS, env, "state"))
    assert sorted(state["candidacies"]) == ["selected", "shortlisted"], state
    assert state["placements"] == 1
