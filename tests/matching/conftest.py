from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import IdentityDocumentFactory, WorkerFactory
from tests.jobs.conftest import farm  # noqa: F401  (the fixture)
from vinculo.jobs import services as jobs
from vinculo.jobs.models import JobOrderState
from vinculo.reference.models import IscoGroup, Occupation
from vinculo.registry.models import Consent, WorkerLanguage, WorkerOccupation

S = JobOrderState


@pytest.fixture(autouse=True)
def _index_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def occupation(unit: str) -> Occupation:
    parents = [(unit[:1], None), (unit[:2], unit[:1]), (unit[:3], unit[:2]), (unit, unit[:3])]
    for code, parent in parents:
        IscoGroup.objects.get_or_create(
            code=code,
            defaults={"parent_id": parent, "title_en": code, "title_es": code, "title_fr": code},
        )
    found = Occupation.objects.filter(isco_group_id=unit).first()
    return found or Occupation.objects.create(
        esco_id=f"00000000-0000-0000-0000-00000000{unit}",
        isco_group_id=unit,
        label_en=f"job {unit}",
        label_es=f"trabajo {unit}",
        label_fr=f"emploi {unit}",
    )


def make_worker(
    world: Any,
    *,
    unit: str = "6111",
    years: int = 3,
    sex: str = "F",
    consent: bool = True,
    passport_to: date | None = None,
    languages=(("es", "native"),),
    bare_unit: bool = False,
    **fields: Any,
):
    worker = WorkerFactory(
        jurisdiction=fields.pop("jurisdiction", world.hn),
        sex=sex,
        work_abroad=fields.pop("work_abroad", True),
        **fields,
    )
    if bare_unit:  # the ISCO-08 unit group alone, as an import of "9211:6" stores it
        occupation(unit)
        WorkerOccupation.objects.create(worker=worker, isco_group_id=unit, years_experience=years)
    else:
        WorkerOccupation.objects.create(
            worker=worker, occupation=occupation(unit), isco_group_id=unit, years_experience=years
        )
    for code, level in languages:
        WorkerLanguage.objects.create(worker=worker, language=code, level=level)
    IdentityDocumentFactory(
        worker=worker,
        kind="passport",
        issuing_country="HN",
        expires_on=passport_to or date(timezone.localdate().year + 5, 1, 1),
    )
    if consent:
        Consent.objects.create(worker=worker, purpose="matching")
    return worker


@pytest.fixture
def published(world, farm):  # noqa: F811
    return make_published(world, farm)


def make_published(world: Any, farm: Any) -> Any:  # noqa: F811
    """The farm's order for fruit pickers, submitted, approved and on the board."""
    order = jobs.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    jobs.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    jobs.order_move(actor=world.users["official"], order_id=order.pk, to=S.APPROVED)
    return jobs.order_move(actor=world.users["official"], order_id=order.pk, to=S.PUBLISHED)
