"""A caseworker and an official move the same placement at the same moment: two API requests in
two processes on one database (the SQLite file, and PostgreSQL), nothing mocked. Exactly one
wins; the other is told the placement changed since it was read, and nothing is done twice (one
step in the timeline, one contract offered)."""

from __future__ import annotations

import time

import pytest

from tests.processes import module_answer, module_start, vinculo_env

HARNESS = "tests.placements.two_moves"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_moves_of_one_placement_one_wins(tmp_path, database, request):
    extra = {"VINCULO_TASKS": "database"}
    if database == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_database")
    env = vinculo_env(tmp_path / "data", **extra)
    placement = module_answer(module_start(HARNESS, env, "setup"))
    start = str(time.time() + 4)  # both processes up and waiting before either begins
    runs = [
        module_start(HARNESS, env, "move", str(placement), user, start)
        for user in ("caseworker.hn", "official.hn")
    ]
    answers = [module_answer(process) for process in runs]

    assert sorted(a["status"] for a in answers) == [200, 409], answers
    (lost,) = [a for a in answers if a["status"] == 409]
    assert lost["type"].startswith("application/problem+json")
    assert lost["body"]["code"] == "placement_state_changed"
    state = module_answer(module_start(HARNESS, env, "state"))
    assert state == {
        "state": "contract_offered",
        "events": ["selected", "contract_offered"],
        "contracts": 1,
    }, state
