"""Fixtures of the import tests: a few ISCO-08 groups and ESCO occupations (the full reference
is not needed), files written to a temporary folder, and helpers that build CSV and XLSX files."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vinculo.reference.models import IscoGroup, Occupation

FRUIT_PICKER = "2f9b4a2e-1a6e-4f7e-9d42-5b0c0c1a0001"
FRUIT_HARVESTER = "2f9b4a2e-1a6e-4f7e-9d42-5b0c0c1a0002"
BRICKLAYER = "2f9b4a2e-1a6e-4f7e-9d42-5b0c0c1a0003"
CROP_GROWER = "2f9b4a2e-1a6e-4f7e-9d42-5b0c0c1a0004"


@pytest.fixture(autouse=True)
def imports_dir(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"
    return settings.IMPORTS_DIR


@pytest.fixture
def occupations(db):
    groups = {
        "9211": "Crop farm labourers",
        "7112": "Bricklayers and related workers",
        "6111": "Field crop and vegetable growers",
    }
    for code, title in groups.items():
        IscoGroup.objects.create(code=code, title_en=title, title_es=title, title_fr=title)
    rows = [
        (FRUIT_PICKER, "9211", "fruit picker"),
        (FRUIT_HARVESTER, "9211", "fruit and vegetable harvester"),
        (BRICKLAYER, "7112", "bricklayer"),
        (CROP_GROWER, "6111", "crop grower"),
    ]
    for esco_id, unit, label in rows:
        Occupation.objects.create(
            esco_id=esco_id, isco_group_id=unit, label_en=label, label_es=label, label_fr=label
        )


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(content: bytes, name: str = "workers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
