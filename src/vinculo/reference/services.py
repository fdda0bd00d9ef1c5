"""Loading reference data into the database. Idempotent: a second load of the same file is a
no-op, and a newer file updates rows in place (upsert by natural key)."""

from __future__ import annotations

import uuid

from django.db import transaction

from vinculo.core.audit import AuditVerb
from vinculo.core.services import audit_record
from vinculo.reference.data import esco_checksum, esco_release
from vinculo.reference.models import IscoGroup, Occupation, ReferenceRelease

ESCO = "esco"
BATCH = 1000


@transaction.atomic
def reference_load(*, force: bool = False) -> bool:
    """Load ISCO-08 groups and ESCO occupations. Returns False when already up to date."""
    checksum = esco_checksum()
    release = ReferenceRelease.objects.select_for_update().filter(name=ESCO).first()
    if release and release.checksum == checksum and not force:
        return False
    data = esco_release()
    groups = [
        IscoGroup(
            code=g["code"],
            parent_id=g["code"][:-1] or None,
            title_en=g["title"]["en"],
            title_es=g["title"]["es"],
            title_fr=g["title"]["fr"],
            description_en=g.get("description", ""),
        )
        for g in data["isco_groups"]  # sorted by level: parents come first
    ]
    IscoGroup.objects.bulk_create(
        groups,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["parent", "title_en", "title_es", "title_fr", "description_en"],
    )
    occupations = [
        Occupation(
            esco_id=uuid.UUID(o["id"]),
            isco_group_id=o["isco"],
            label_en=o["label"]["en"],
            label_es=o["label"]["es"],
            label_fr=o["label"]["fr"],
            alt_labels=o["alt"],
        )
        for o in data["occupations"]
    ]
    Occupation.objects.bulk_create(
        occupations,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["esco_id"],
        update_fields=["isco_group", "label_en", "label_es", "label_fr", "alt_labels"],
    )
    ReferenceRelease.objects.update_or_create(name=ESCO, defaults={"checksum": checksum})
    audit_record(
        verb=AuditVerb.REFERENCE_LOADED,
        actor_label="system",
        after={"isco_groups": len(groups), "occupations": len(occupations), "checksum": checksum},
    )
    return True
