from __future__ import annotations

import sys

from vinculo import cli


def test_vinculo_bench_knows_the_import_job(capsys):
    assert cli.main(["bench", "no-such-job"]) == 2
    assert "import" in capsys.readouterr().out


def test_vinculo_bench_says_plainly_when_the_harness_is_not_there(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "benchmarks.__main__", None)  # import fails as if absent
    assert cli.main(["bench", "import", "--size", "S"]) == 2
    assert "benchmarks/ folder of a source checkout" in capsys.readouterr().out
