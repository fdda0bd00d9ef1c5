"""Secrets generated on first run and kept in the data directory.

Imported by settings, so it must not import Django. Files are created with O_EXCL: when the web
server and the task worker start together, one of them writes and the other reads the same value.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path


def _write_once(path: Path, content: str) -> str:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    return content


def data_dir_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    return _write_once(path, secrets.token_urlsafe(50)).strip()


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def field_keys(path: Path, *, encryption: list[str], lookup: str) -> tuple[list[str], str]:
    """Keys for encrypted personal fields: from the environment if given, else from `path`."""
    if encryption and lookup:
        return encryption, lookup
    if not path.exists():
        _write_once(
            path, json.dumps({"encryption": [_fernet_key()], "lookup": secrets.token_urlsafe(32)})
        )
    stored = json.loads(path.read_text())
    return encryption or stored["encryption"], lookup or stored["lookup"]
