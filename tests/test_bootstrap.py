"""The installer behind `./run`: it shows progress instead of a silent minute."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import bootstrap


def test_package_names_come_without_their_versions():
    assert bootstrap._package_name("duckdb<3,>=1.4") == "duckdb"
    assert bootstrap._package_name("psycopg[binary]<4,>=3.2") == "psycopg"
    assert bootstrap._package_name("/opt/wheels/six-1.17.0-py2.py3-none-any.whl") == "six"


def _fake_pip(lines: list[str], code: int = 0) -> list[str]:
    script = "".join(f"print({line!r})\n" for line in lines) + f"raise SystemExit({code})\n"
    return [sys.executable, "-c", script]


def test_progress_is_shown_while_pip_works(capsys):
    lines = [f"Collecting package{n}>=1.0" for n in range(12)]
    bootstrap.pip_with_progress(_fake_pip([*lines, "Installing collected packages: a, b"]))
    shown = capsys.readouterr().out
    assert "1 packages found, now package0" in shown
    assert "11 packages found, now package10" in shown
    assert "installing 12 packages" in shown and "installed" in shown
    assert "Collecting" not in shown  # pip's own chatter stays out of the way


def test_a_failing_pip_shows_its_own_output_and_stops(capsys):
    with pytest.raises(SystemExit, match="pip install failed"):
        bootstrap.pip_with_progress(_fake_pip(["Collecting nothing-such", "ERROR: no match"], 1))
    assert "ERROR: no match" in capsys.readouterr().err
