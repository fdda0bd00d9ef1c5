"""Make `.venv` and install Vínculo into it, using nothing but the Python standard library.

Called by `./run`. A fresh Debian or Ubuntu machine has `python3` but often neither `pip` nor
`ensurepip` (those come in the python3-venv / python3-pip system packages, which our README
may not require). When `ensurepip` is missing we make the environment without pip and install
pip from its wheel on the package index: a pip wheel can run itself (`python pip.whl/pip`).

The install is skipped when nothing changed: a stamp records the hash of pyproject.toml and
the extras installed, so `./run up` after `./run test` starts at once.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11)


def venv_python(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def has_ensurepip() -> bool:
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        return False
    return True


def pip_wheel_from_index(dest: Path) -> Path:
    """Fetch the newest pip wheel from the package index (PIP_INDEX_URL's host or PyPI)."""
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    json_url = index.replace("/simple", "/pypi") + "/pip/json"
    with urllib.request.urlopen(json_url, timeout=60) as answer:  # noqa: S310 - the index only
        release = json.load(answer)
    wheel = next(f for f in release["urls"] if f["filename"].endswith(".whl"))
    target = dest / wheel["filename"]
    with urllib.request.urlopen(wheel["url"], timeout=120) as answer:  # noqa: S310
        target.write_bytes(answer.read())
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    if digest != wheel["digests"]["sha256"]:
        raise SystemExit(f"pip wheel checksum mismatch: {digest}")
    return target


def make_venv(env_dir: Path) -> None:
    if venv_python(env_dir).exists():
        return
    print(f"· creating {env_dir}", flush=True)
    if has_ensurepip():
        venv.create(env_dir, with_pip=True)
        return
    venv.create(env_dir, with_pip=False)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = pip_wheel_from_index(Path(tmp))
        subprocess.check_call(
            [str(venv_python(env_dir)), f"{wheel}/pip", "install", "--quiet", str(wheel)]
        )


def install(env_dir: Path, extras: set[str]) -> None:
    stamp = env_dir / ".vinculo-install.json"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    done = json.loads(stamp.read_text()) if stamp.exists() else {}
    if done.get("pyproject") == digest and extras <= set(done.get("extras", [])):
        return
    extras |= set(done.get("extras", []))  # keep what this environment already had
    spec = f"{ROOT}[{','.join(sorted(extras))}]" if extras else str(ROOT)
    print(f"· installing vinculo{sorted(extras) or ''} into {env_dir} (first run takes a minute)")
    py = str(venv_python(env_dir))
    subprocess.check_call([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    pip_with_progress([py, "-m", "pip", "install", "-e", spec])
    stamp.write_text(json.dumps({"pyproject": digest, "extras": sorted(extras)}))


def _package_name(spec: str) -> str:
    """ "duckdb<3,>=1.4" → "duckdb"; "/opt/wheels/six-1.17.0-py3-none-any.whl" → "six"."""
    if spec.endswith((".whl", ".tar.gz", ".zip")) or "/" in spec:
        return spec.rsplit("/", 1)[-1].split("-", 1)[0]
    return re.split(r"[<>=!~;\[ (]", spec, maxsplit=1)[0]


def pip_with_progress(command: list[str]) -> None:
    """Run pip, showing one line of progress instead of a minute of silence: how many packages
    it has collected and which one it is on, then that it is installing. pip's own output is
    kept and shown whole only when it fails."""
    tty = sys.stdout.isatty()
    kept: list[str] = []
    collected = 0
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as pip:
        assert pip.stdout is not None
        for line in pip.stdout:
            kept.append(line)
            words = line.split()
            if words[:1] in (["Collecting"], ["Processing"]) and len(words) > 1:
                collected += 1
                name = _package_name(words[1])
                status = f"  · {collected} packages found, now {name[:40]}"
                if tty:
                    print(f"\r{status:<72}", end="", flush=True)
                elif collected % 10 == 1:
                    print(status, flush=True)
            elif line.startswith("Installing collected packages"):
                print(
                    f"{chr(13) if tty else ''}  · installing {collected} packages{' ' * 40}",
                    flush=True,
                )
    if pip.returncode != 0:
        print("".join(kept[-60:]), file=sys.stderr)
        raise SystemExit(f"pip install failed (exit {pip.returncode})")
    print("  · installed", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv")
    parser.add_argument("--extras", default="")
    args = parser.parse_args()
    if sys.version_info < MIN_PYTHON:
        raise SystemExit(
            f"Vínculo needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; "
            f"this is {sys.version.split()[0]}. Set PYTHON=/path/to/python3.11 and run again."
        )
    make_venv(args.venv)
    install(args.venv, {e for e in args.extras.split(",") if e})


if __name__ == "__main__":
    main()
