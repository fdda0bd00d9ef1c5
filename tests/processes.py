"""Running `vinculo up` as a real process in tests, collecting everything it prints."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


def vinculo_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VINCULO_TASKS")}
    env.update(VINCULO_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="vinculo.settings", **extra)
    return env


ROOT = Path(__file__).resolve().parents[1]


def module_start(module: str, env: dict[str, str], *args: str) -> subprocess.Popen:
    """`python -m module args...` from the repository, with `env`: a step of a test that runs
    its work in processes of their own (two imports at once, two selections at once, a worker
    killed mid-run). Each such module prints one JSON line."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def module_answer(process: subprocess.Popen) -> Any:
    """The JSON line a step printed last, once it has exited successfully."""
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Up:
    """`vinculo up` on a free port. A thread reads its output as it comes, so nothing is lost
    between waiting for a line and collecting the rest at the end."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vinculo.cli", "up", "--port", str(self.port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_serving(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while "Ctrl-C stops it" not in self.output:
            assert self.process.poll() is None, self.output
            assert time.monotonic() < deadline, self.output
            time.sleep(0.2)

    def stop(self) -> int:
        """Ctrl-C, then wait for a clean exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        return code
