"""A Honduran employer and a Costa Rican one, the officials of the three agencies (HN STSS, CR MTSS,
CR DGME), an official of another country as the negative control, and foreign nationals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import JurisdictionFactory, MembershipFactory, OrganisationFactory, UserFactory
from vinculo.core.models import Organisation, User
from vinculo.permits import services
from vinculo.permits.models import Application

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Permits:
    hn_employer: Organisation
    cr_employer: Organisation
    hn_staff: User
    cr_staff: User
    hn_official: User
    mtss: User
    dgme: User
    gt_official: User
    other_staff: User


@pytest.fixture
def permits(db) -> Permits:
    hn = JurisdictionFactory(code="HN-STSS")
    mtss = JurisdictionFactory(code="CR-MTSS")
    dgme = JurisdictionFactory(code="CR-DGME")
    gt = JurisdictionFactory(code="GT-MINTRAB")
    hn_employer = OrganisationFactory(
        name="Maquilas del Norte S.A.",
        jurisdiction=hn,
        tax_id="05019099000001",
        sector="maquila",
        verification_state="verified",
    )
    cr_employer = OrganisationFactory(
        name="Piñas del Caribe S.A.",
        jurisdiction=mtss,
        tax_id="3101999999",
        sector="agriculture",
        verification_state="verified",
    )
    other = OrganisationFactory(name="Otra Empresa S.A.", jurisdiction=hn, tax_id="0501909")

    def staff(name: str, organisation: Organisation) -> User:
        user = UserFactory(username=name, email=f"{name}@example.org")
        MembershipFactory(
            user=user, role="employer_staff", organisation=organisation, jurisdiction=None
        )
        return user

    def official(name: str, jurisdiction) -> User:
        user = UserFactory(username=name)
        MembershipFactory(user=user, role="official", jurisdiction=jurisdiction)
        return user

    return Permits(
        hn_employer=hn_employer,
        cr_employer=cr_employer,
        hn_staff=staff("rrhh.hn", hn_employer),
        cr_staff=staff("rrhh.cr", cr_employer),
        hn_official=official("stss", hn),
        mtss=official("mtss", mtss),
        dgme=official("dgme", dgme),
        gt_official=official("mintrab", gt),
        other_staff=staff("otra", other),
    )


def person(**changes) -> services.PersonInput:
    values = {
        "given_names": "Carlos Andrés",
        "first_surname": "Rivas",
        "second_surname": "Mora",
        "sex": "M",
        "birth_date": date(1990, 3, 4),
        "nationality": "NI",
        "passport_number": "C01234567",
        "passport_expires_on": date(2031, 1, 1),
        "phone": "+505 8888 1234",
    }
    values.update(changes)
    return services.PersonInput(**values)


def hn_terms(**changes) -> services.ApplicationInput:
    values = {
        "category": "permiso_trabajo",
        "occupation": "2141",
        "start_on": date(2027, 2, 1),
        "months": 12,
        "salary": Decimal("40000"),
        "currency": "HNL",
        "weekly_hours": Decimal("44"),
        "national_workers": 95,
        "foreign_workers": 4,
        "national_payroll": Decimal("1500000"),
        "foreign_payroll": Decimal("120000"),
    }
    values.update(changes)
    return services.ApplicationInput(**values)


def cr_terms(**changes) -> services.ApplicationInput:
    values = {
        "category": "trabajador_temporal",
        "occupation": "9211",
        "start_on": date(2027, 1, 11),
        "months": 6,
        "salary": Decimal("420000"),
        "currency": "CRC",
        "weekly_hours": Decimal("48"),
    }
    values.update(changes)
    return services.ApplicationInput(**values)


def submitted(actor: User, employer: Organisation, terms, who=None) -> Application:
    """A complete application, submitted, with every document its category asks for."""
    application = services.application_create(
        actor=actor, employer=employer, person=who or person(), data=terms
    )
    _pack, auth = services.selectors.application_pack(application)
    for code in auth.category(application.category).documents:
        services.document_add(actor=actor, application_id=application.pk, kind=code, upload=pdf())
    return services.application_submit(actor=actor, application_id=application.pk)
