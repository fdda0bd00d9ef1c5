"""Derive the compact reference file shipped inside the package from the ESCO CSV files.

    python scripts/build_reference.py [../shared/reference/esco]

Reads the ISCO-08 groups and ESCO occupations in English, Spanish and French and writes
src/vinculo/reference/data/esco.json.gz: titles and labels for search and display, English
definitions of the ISCO groups, and the ISCO unit group of each occupation. Deterministic: the
same input gives the same bytes (sorted keys, no timestamp in the gzip header).
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "es", "fr")
OUT = ROOT / "src/vinculo/reference/data/esco.json.gz"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def lines(text: str) -> list[str]:
    return sorted({line.strip() for line in text.splitlines() if line.strip()})


def build(source: Path) -> dict:
    groups: dict[str, dict] = {}
    for lang in LANGS:
        for row in read(source / f"ISCOGroups_{lang}.csv"):
            group = groups.setdefault(row["code"], {"code": row["code"], "title": {}})
            group["title"][lang] = row["preferredLabel"].strip()
            if lang == "en":
                group["description"] = row["description"].strip()
    occupations: dict[str, dict] = {}
    for lang in LANGS:
        for row in read(source / f"occupations_{lang}.csv"):
            esco_id = row["conceptUri"].rsplit("/", 1)[-1]
            occupation = occupations.setdefault(
                esco_id, {"id": esco_id, "isco": row["iscoGroup"], "label": {}, "alt": {}}
            )
            occupation["label"][lang] = row["preferredLabel"].strip()
            occupation["alt"][lang] = lines(row["altLabels"])
    missing = {o["isco"] for o in occupations.values()} - groups.keys()
    if missing:
        raise SystemExit(f"occupations point to unknown ISCO groups: {sorted(missing)}")
    return {
        "source": "ESCO classification v1, European Commission (https://esco.ec.europa.eu), "
        "reused under the ESCO terms of use with attribution; ISCO-08 (c) ILO.",
        "isco_groups": sorted(groups.values(), key=lambda g: (len(g["code"]), g["code"])),
        "occupations": sorted(occupations.values(), key=lambda o: o["id"]),
    }


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/reference/esco"
    data = build(source)
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    OUT.write_bytes(gzip.compress(payload.encode("utf-8"), compresslevel=9, mtime=0))
    print(
        f"{OUT}: {len(data['isco_groups'])} ISCO groups, "
        f"{len(data['occupations'])} occupations, {OUT.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()
