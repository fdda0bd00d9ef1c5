"""The `vinculo` command, run as a real process in a fresh data directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.processes import Up, vinculo_env
from vinculo.policy.loader import SHIPPED_DIR


def _vinculo(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vinculo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_check_passes_on_a_migrated_database_and_fails_on_a_bad_pack(tmp_path):
    env = vinculo_env(tmp_path / "data")
    assert _vinculo("manage", "migrate", "-v0", env=env).returncode == 0
    ok = _vinculo("check", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "10 policy packs" in ok.stdout

    packs = tmp_path / "packs"
    packs.mkdir()
    bad = (SHIPPED_DIR / "MX.toml").read_text().replace('amount = "315.04"', 'amount = "abc"')
    (packs / "MX.toml").write_text(bad)
    refused = _vinculo("check", env={**env, "VINCULO_POLICY_DIRS": str(packs)})
    assert refused.returncode == 1
    assert "MX.toml is invalid" in refused.stdout and "minimum_wages[0].amount" in refused.stdout


def test_check_on_a_data_directory_not_set_up_says_what_to_run(tmp_path):
    result = _vinculo("check", env=vinculo_env(tmp_path))
    assert result.returncode == 1
    assert "not set up yet" in result.stdout and "vinculo up" in result.stdout
    assert "✗" not in result.stdout  # nothing is broken: it is only new


def test_check_reports_a_database_half_migrated(tmp_path):
    env = vinculo_env(tmp_path)
    assert _vinculo("manage", "migrate", "core", "0001", "-v0", env=env).returncode == 0
    result = _vinculo("check", env=env)
    assert result.returncode == 1 and "✗ database:" in result.stdout
    assert "migrations not applied" in result.stdout


def test_check_warns_of_key_files_inside_the_package(tmp_path):
    import vinculo

    package = Path(vinculo.__file__).parent
    inside = package / "var-check-test"
    try:
        result = _vinculo("check", env=vinculo_env(inside))
        assert "is inside the installed package" in result.stdout, result.stdout
    finally:
        shutil.rmtree(inside, ignore_errors=True)
    outside = _vinculo("check", env=vinculo_env(tmp_path))
    assert "inside the installed package" not in outside.stdout


def test_up_serves_the_demo_and_stops_cleanly_on_ctrl_c(tmp_path):
    up = Up(vinculo_env(tmp_path))
    try:
        up.wait_until_serving()
        with urllib.request.urlopen(f"{up.base}/") as page:  # noqa: S310
            assert "Vínculo" in page.read().decode()
        with urllib.request.urlopen(f"{up.base}/static/vendor/htmx-2.0.11.min.js") as static:  # noqa: S310
            assert static.status == 200
    finally:
        code = up.stop()
    assert code == 0, up.output
    assert "Vínculo stopped." in up.output
    assert "Demo logins (password: vinculo-demo-2026)" in up.output, up.output
    for username in (
        "oficial.hn",
        "auditor.hn",
        "coordinador",
        "empleador.ca",
        "agencia.hn",
        "gestor.hn",
        "trabajador",
        "admin",
    ):
        assert username in up.output
    assert (tmp_path / "vinculo.sqlite3").exists() and (tmp_path / "secret_key").exists()
    # Document numbers are encrypted in the database file itself (and its write-ahead log): the
    # demo worker's passport and national ID appear nowhere in the bytes.
    stored = b"".join(
        path.read_bytes() for path in tmp_path.glob("vinculo.sqlite3*") if path.is_file()
    )
    assert b"Hern" in stored  # the file does hold the demo's people...
    for number in (b"E4417021", b"0501-1994-04417", b"0501199404417"):
        assert number not in stored  # ...but not their document numbers
