"""The `vinculo` command, run as a real process in a fresh data directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from vinculo.policy.loader import SHIPPED_DIR


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VINCULO_TASKS")}
    env.update(VINCULO_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="vinculo.settings", **extra)
    return env


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
    env = _env(tmp_path / "data")
    assert _vinculo("manage", "migrate", "-v0", env=env).returncode == 0
    ok = _vinculo("check", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "9 policy packs" in ok.stdout

    packs = tmp_path / "packs"
    packs.mkdir()
    bad = (SHIPPED_DIR / "MX.toml").read_text().replace('amount = "315.04"', 'amount = "abc"')
    (packs / "MX.toml").write_text(bad)
    refused = _vinculo("check", env={**env, "VINCULO_POLICY_DIRS": str(packs)})
    assert refused.returncode == 1
    assert "MX.toml is invalid" in refused.stdout and "minimum_wages[0].amount" in refused.stdout


def test_check_reports_a_database_that_is_not_migrated(tmp_path):
    result = _vinculo("check", env=_env(tmp_path))
    assert result.returncode == 1 and "migrations not applied" in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_up_serves_the_demo_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "vinculo.cli", "up", "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = ""
        deadline = time.monotonic() + 240
        while "Ctrl-C stops it" not in output and time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line or process.poll() is None, output
            output += line
        for _ in range(30):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as page:
                    body = page.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert "Vínculo" in body
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/vendor/htmx-2.0.11.min.js"
        ) as static:
            assert static.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    output += rest
    assert process.returncode == 0, output
    assert "Vínculo stopped." in output
    assert "Demo logins (password: vinculo-demo-2026)" in output, output
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
        assert username in output
    assert (tmp_path / "vinculo.sqlite3").exists() and (tmp_path / "secret_key").exists()
