"""Two officials import the same file at the same moment: two processes, one database (the
SQLite file, and PostgreSQL), nothing mocked. Each worker is written once; the import that comes
second counts every row as already registered, and neither fails."""

from __future__ import annotations

import time

import pytest

from tests.imports.conftest import csv_bytes
from tests.imports.test_services_workers import HEADER, _people_rows
from tests.processes import module_answer, module_start, vinculo_env

ROWS = 1_500


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_imports_of_one_file_at_once_write_each_worker_once(tmp_path, database, request):
    extra = {"VINCULO_TASKS": "database"}
    if database == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_database")
    env = vinculo_env(tmp_path / "data", **extra)
    rows = [[*r] for r in _people_rows(ROWS)]
    for r in rows:
        r[HEADER.index("occupations")] = ""  # the reference data is not loaded here
    path = tmp_path / "workers.csv"
    path.write_bytes(csv_bytes(HEADER, rows))
    first, second = module_answer(
        module_start("tests.imports.two_imports", env, "setup", str(path))
    )
    start = str(time.time() + 4)  # both processes up and waiting before either begins
    runs = [
        module_start("tests.imports.two_imports", env, "run", first, start),
        module_start("tests.imports.two_imports", env, "run", second, start),
    ]
    results = [module_answer(process) for process in runs]
    assert [r["status"] for r in results] == ["done", "done"]
    assert all(r["failed"] == 0 and r["created"] + r["existing"] == ROWS for r in results)
    assert sum(r["created"] for r in results) == ROWS, results
    assert module_answer(module_start("tests.imports.two_imports", env, "count")) == {
        "workers": ROWS,
        "documents": ROWS,
    }
