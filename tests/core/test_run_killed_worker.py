"""A worker killed (SIGKILL) in the middle of an import: a real task worker process on a real
database (the SQLite file, and PostgreSQL), nothing mocked. What it committed is whole rows only;
the run is not taken for dead at once, is once its silence outlasts STALE_AFTER, and a retry by
the next worker finishes the file with every worker written once."""

from __future__ import annotations

import os
import signal

import pytest

from tests.core.killed_run import BATCH
from tests.imports.conftest import csv_bytes
from tests.imports.test_services_workers import HEADER, _people_rows
from tests.processes import module_answer, module_start, vinculo_env

ROWS = 1_000


def _step(env: dict[str, str], *args: str) -> object:
    return module_answer(module_start("tests.core.killed_run", env, *args))


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_import_leaves_whole_rows_and_a_retry_finishes(
    tmp_path, database, request
):
    extra = {"VINCULO_TASKS": "database"}
    if database == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_database")
    env = vinculo_env(tmp_path / "data", **extra)
    rows = [[*r] for r in _people_rows(ROWS)]
    for r in rows:
        r[HEADER.index("occupations")] = ""  # the reference data is not loaded here
    path = tmp_path / "workers.csv"
    path.write_bytes(csv_bytes(HEADER, rows))
    run_id = _step(env, "setup", str(path))

    worker = module_start("tests.core.killed_run", env, "worker", "slow")
    try:
        running = _step(env, "wait", run_id, str(2 * BATCH))
        assert running["status"] == "running" and running["attempt"] == 1
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL

    killed = _step(env, "state", run_id)
    # Killed mid-way: some batches committed, the one in flight rolled back whole.
    assert killed["status"] == "running" and 2 * BATCH <= killed["done"] < ROWS
    assert killed["done"] % BATCH == 0 and killed["total"] == ROWS
    assert killed["workers"] == killed["created"] == killed["done"]
    assert killed["documents"] == killed["document_rows"] == killed["workers"]
    assert killed["consents"] == killed["workers"] and killed["keys"] >= killed["workers"]
    assert killed["finished_audits"] == 0

    # Silent for less than STALE_AFTER, it may be a slow worker: not taken from it.
    assert killed["stale"] is False
    assert _step(env, "retry", run_id) == {"refused": "import_not_failed"}
    assert _step(env, "age", run_id)["stale"] is True
    assert _step(env, "retry", run_id) == {"status": "queued"}

    again = module_start("tests.core.killed_run", env, "worker", "once")
    _out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    done = _step(env, "state", run_id)
    assert (done["status"], done["stale"], done["attempt"]) == ("done", False, 2)
    assert done["done"] == done["total"] == ROWS and done["failed"] == 0
    # What the killed worker committed counts as already registered, nothing twice.
    assert (done["existing"], done["created"]) == (killed["workers"], ROWS - killed["workers"])
    assert done["workers"] == done["documents"] == done["document_rows"] == ROWS
    assert done["consents"] == ROWS and done["finished_audits"] == 1
