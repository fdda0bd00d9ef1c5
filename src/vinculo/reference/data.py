"""The reference file shipped in the package (built by scripts/build_reference.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

ESCO_FILE = Path(__file__).resolve().parent / "data" / "esco.json.gz"


@cache
def esco_release() -> dict[str, Any]:
    return json.loads(gzip.decompress(ESCO_FILE.read_bytes()))


@cache
def esco_checksum() -> str:
    return hashlib.sha256(ESCO_FILE.read_bytes()).hexdigest()
