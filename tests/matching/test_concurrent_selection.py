"""Two employers' staff select two workers for the last position at the same moment: two API
requests in two processes on one database (the SQLite file, and PostgreSQL), nothing mocked.
Exactly one wins and fills the order; the other is answered with a clear conflict and writes
nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import vinculo_env

ROOT = Path(__file__).resolve().parents[2]


def _step(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.matching.two_selections", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _answer(process: subprocess.Popen) -> object:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_selections_for_the_last_position_one_wins_the_other_conflicts(
    tmp_path, database, request
):
    extra = {"VINCULO_TASKS": "database"}
    if database == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_database")
    env = vinculo_env(tmp_path / "data", **extra)
    candidacies = _answer(_step(env, "setup"))
    start = str(time.time() + 4)  # both processes up and waiting before either begins
    runs = [_step(env, "select", str(c), start) for c in candidacies]
    answers = [_answer(process) for process in runs]

    assert sorted(a["status"] for a in answers) == [200, 409], answers
    (lost,) = [a for a in answers if a["status"] == 409]
    assert lost["type"].startswith("application/problem+json")
    assert lost["body"]["code"] == "order_filled"
    state = _answer(_step(env, "state"))
    assert state["order"] == "filled"
    assert sorted(state["candidacies"]) == ["selected", "shortlisted"], state
