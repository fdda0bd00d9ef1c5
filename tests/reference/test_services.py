from __future__ import annotations

import pytest

from vinculo.reference.models import IscoGroup, Occupation
from vinculo.reference.services import reference_load

pytestmark = pytest.mark.django_db


def test_reference_load_is_complete_and_idempotent():
    assert reference_load() is True
    assert IscoGroup.objects.count() == 619
    assert Occupation.objects.count() == 2942
    unit = IscoGroup.objects.get(code="9211")
    assert (unit.title_es, unit.parent_id, unit.parent.parent_id) == (
        "Peones de explotaciones agrícolas",
        "921",
        "92",
    )
    assert reference_load() is False  # same file: nothing to do
    assert reference_load(force=True) is True  # forced: upserts, no duplicates
    assert Occupation.objects.count() == 2942
    picker = Occupation.objects.get(esco_id="373db468-bd25-4b67-a6e0-4ac79d9a9e85")
    assert picker.isco_group_id == "9211" and "fruit picker" in picker.alt_labels["en"]
