"""A Canadian farm answering to Honduras' labour authority (it hires Honduran workers through
Canada's agricultural stream), its staff, a licensed Honduran agency, and good terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from vinculo.core.models import Organisation, VerificationState
from vinculo.reference.models import IscoGroup, Occupation
from vinculo.registry.models import AgencyLicence, LicenceState

FRUIT_PICKER = "8e0ea1c6-9bd4-4d33-8b80-5d1c7b4cbb1e"


@dataclass
class Farm:
    employer: Organisation
    agency: Organisation
    occupation: Occupation
    terms: dict[str, Any]


def _occupations() -> Occupation:
    parents = [("6", None), ("61", "6"), ("611", "61"), ("6111", "611")]
    for code, parent in parents:
        IscoGroup.objects.get_or_create(
            code=code,
            defaults={
                "parent_id": parent,
                "title_en": f"Group {code}",
                "title_es": f"Grupo {code}",
                "title_fr": f"Groupe {code}",
            },
        )
    occupation, _ = Occupation.objects.get_or_create(
        esco_id=FRUIT_PICKER,
        defaults={
            "isco_group_id": "6111",
            "label_en": "fruit picker",
            "label_es": "recolector de fruta",
            "label_fr": "cueilleur de fruits",
        },
    )
    return occupation


def good_terms(occupation: Occupation) -> dict[str, Any]:
    year = timezone.localdate().year + 1
    return {
        "programme": "CA-TFWP-AG",
        "title": "Apple pickers",
        "occupation": occupation.pk,
        "positions": 12,
        "sector": "agriculture",
        "worksite_country": "CA",
        "worksite_subdivision": "CA-ON",
        "worksite_municipality": "Simcoe",
        "start_date": date(year, 4, 1),
        "end_date": date(year, 10, 31),
        "wage_amount": "18.00",
        "wage_currency": "CAD",
        "wage_basis": "hour",
        "weekly_hours": "40",
        "guaranteed_hours": 960,
        "overtime_rule": "Time and a half after 44 hours a week",
        "housing_provided": True,
        "housing_weekly_cost": "0",
        "costs": {},
        "languages": [["es", "A2"]],
        "min_experience_years": 1,
    }


@pytest.fixture
def farm(world) -> Farm:
    return make_farm(world)


def make_farm(world: Any) -> Farm:
    employer = world.users["employer_staff"].memberships.get().organisation
    employer.name, employer.country, employer.sector = "Tremblay Orchards", "CA", "agriculture"
    employer.verification_state = VerificationState.VERIFIED
    employer.save()
    agency = world.users["agency_staff"].memberships.get().organisation
    AgencyLicence.objects.create(
        agency=agency,
        jurisdiction=world.hn,
        number="HN-AG-001",
        state=LicenceState.VALID,
        valid_from=date(2025, 1, 1),
    )
    occupation = _occupations()
    return Farm(employer, agency, occupation, good_terms(occupation))
