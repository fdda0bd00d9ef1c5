"""The reference files shipped in the package: ESCO (built by scripts/build_reference.py) and the
regional vocabulary (written by hand, reviewed like code)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vinculo.reference.search import RegionalTerm

if TYPE_CHECKING:
    from vinculo.reference.search import RegionalTerm

ESCO_FILE = Path(__file__).resolve().parent / "data" / "esco.json.gz"
REGIONAL_FILE = Path(__file__).resolve().parent / "data" / "regional_occupations.csv"
REGIONAL_COLUMNS = ("masculine", "feminine", "isco", "countries", "source")


@cache
def esco_release() -> dict[str, Any]:
    return json.loads(gzip.decompress(ESCO_FILE.read_bytes()))


@cache
def esco_checksum() -> str:
    return hashlib.sha256(ESCO_FILE.read_bytes()).hexdigest()


@cache
def regional_terms() -> tuple[RegionalTerm, ...]:
    """The Latin American titles of data/regional_occupations.csv. Lines starting with "#" are
    the file's own notes; countries are space-separated."""

    with REGIONAL_FILE.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != REGIONAL_COLUMNS:
        raise ValueError(f"{REGIONAL_FILE.name}: columns must be {', '.join(REGIONAL_COLUMNS)}")
    return tuple(
        RegionalTerm(
            masculine=row["masculine"].strip(),
            feminine=row["feminine"].strip(),
            isco=row["isco"].strip(),
            countries=tuple(row["countries"].split()),
            source=row["source"].strip(),
        )
        for row in reader
    )
