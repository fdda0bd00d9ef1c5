from __future__ import annotations

import pytest

from tests.factories import OrganisationFactory
from tests.imports.conftest import csv_bytes, upload
from vinculo.core.models import Organisation, OrganisationKind, VerificationState
from vinculo.core.runs import RunStatus
from vinculo.imports import services
from vinculo.imports.domain import column_names
from vinculo.registry.models import AgencyLicence, Establishment, LicenceEvent

pytestmark = pytest.mark.django_db


def _run(world, kind: str, rows: list[dict]):
    header = column_names(kind)
    content = csv_bytes(header, [[r.get(c, "") for c in header] for r in rows])
    run = services.import_request(
        kind=kind, upload=upload(content, f"{kind}.csv"), actor=world.users["official"]
    )
    return services.import_process(import_id=str(run.pk))


def _errors(run):
    return {(e.row, e.column, e.code) for e in run.row_errors.all()}


EMPLOYERS = [
    {
        "name": "Agroexportadora del Valle",
        "country": "HN",
        "tax_id": "0801 9015 123456",
        "sector": "agriculture",
        "city": "San Pedro Sula",
        "establishment_name": "Finca El Paraíso",
        "establishment_subdivision": "HN-CR",
        "establishment_municipality": "Choloma",
    },
    {"name": "Constructora Lempira", "country": "HN", "tax_id": "08019015999999"},
    {"name": "Sin país", "country": "ZZ", "tax_id": "1"},  # 4
    {"name": "Repetida", "country": "HN", "tax_id": "08019015123456"},  # 5: same as row 2
    {"name": "X", "country": "HN", "tax_id": "2", "sector": "mining"},  # 6
    {"name": "Y", "country": "HN", "tax_id": "3", "establishment_subdivision": "HN-CR"},  # 7
]


def test_employers_import_as_pending_with_their_establishment_and_only_once(world):
    run = _run(world, "employers", EMPLOYERS)
    assert run.status == RunStatus.DONE
    assert (run.rows_created, run.rows_existing, run.rows_failed) == (2, 0, 4)
    assert _errors(run) == {
        (4, "country", "country_unknown"),
        (5, "tax_id", "duplicate_in_file"),
        (6, "sector", "sector_unknown"),
        (7, "establishment_name", "establishment_name_required"),
    }
    employer = Organisation.objects.get(tax_id="08019015123456")
    assert employer.kind == OrganisationKind.EMPLOYER and employer.jurisdiction == world.hn
    assert employer.verification_state == VerificationState.PENDING
    place = Establishment.objects.get(organisation=employer)
    assert (place.name, place.subdivision, place.municipality) == (
        "Finca El Paraíso",
        "HN-CR",
        "Choloma",
    )
    again = _run(world, "employers", EMPLOYERS)
    assert (again.rows_created, again.rows_existing, again.rows_failed) == (0, 2, 4)
    assert Organisation.objects.filter(kind=OrganisationKind.EMPLOYER).count() == 2 + 1
    assert Establishment.objects.count() == 1


AGENCIES = [
    {
        "name": "Reclutamiento Confiable",
        "country": "HN",
        "tax_id": "08019018654321",
        "licence_number": "hn-stss-ag-2025-0101",
        "licence_state": "valid",
        "destination_countries": "CA|ES",
        "sectors": "agriculture|construction",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
    },
    {"name": "Nueva", "country": "HN", "tax_id": "777", "licence_number": "HN-OLD-1"},  # 3
    {"name": "Otra", "country": "HN", "tax_id": "778", "licence_number": "HN-STSS-AG-2025-0101"},
    {
        "name": "Fechas",
        "country": "HN",
        "tax_id": "779",
        "licence_number": "L-3",
        "valid_from": "2025-01-01",
        "valid_to": "2024-01-01",
        "licence_state": "revoked",
    },
]


def test_agencies_import_with_their_licence_and_licence_numbers_stay_unique(world):
    holder = OrganisationFactory(kind=OrganisationKind.RECRUITMENT_AGENCY, jurisdiction=world.hn)
    AgencyLicence.objects.create(agency=holder, jurisdiction=world.hn, number="HN-OLD-1")
    run = _run(world, "agencies", AGENCIES)
    assert (run.rows_created, run.rows_existing, run.rows_failed) == (1, 0, 3)
    assert _errors(run) == {
        (3, "licence_number", "licence_taken"),
        (4, "licence_number", "duplicate_in_file"),
        (5, "valid_to", "date_order"),
        (5, "licence_state", "licence_state_unknown"),
    }
    licence = AgencyLicence.objects.get(number="HN-STSS-AG-2025-0101")
    assert licence.agency.kind == OrganisationKind.RECRUITMENT_AGENCY
    assert licence.jurisdiction == world.hn and licence.state == "valid"
    assert licence.destination_countries == ["CA", "ES"]
    assert licence.sectors == ["agriculture", "construction"]
    event = LicenceEvent.objects.get(licence=licence)
    assert (event.from_state, event.to_state, event.actor) == (
        "applied",
        "valid",
        world.users["official"],
    )
    again = _run(world, "agencies", AGENCIES)
    assert (again.rows_created, again.rows_existing) == (0, 1)
    assert AgencyLicence.objects.count() == 2
