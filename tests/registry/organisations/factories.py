from __future__ import annotations

from datetime import date

import factory

from tests.factories import OrganisationFactory
from vinculo.core.models import OrganisationKind, VerificationState
from vinculo.registry.models import AgencyLicence, Establishment, LicenceEvent, LicenceState


class EmployerFactory(OrganisationFactory):
    kind = OrganisationKind.EMPLOYER
    name = factory.Sequence(lambda n: f"Agroexportadora {n} S.A.")
    tax_id = factory.Sequence(lambda n: f"0801{n:010d}")
    sector = "agriculture"
    city = "San Pedro Sula"
    verification_state = VerificationState.PENDING


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    organisation = factory.SubFactory(EmployerFactory)
    name = factory.Sequence(lambda n: f"Finca {n}")
    country = factory.LazyAttribute(lambda o: o.organisation.country)
    subdivision = "HN-CR"
    municipality = "Choloma"


class AgencyFactory(OrganisationFactory):
    kind = OrganisationKind.RECRUITMENT_AGENCY
    name = factory.Sequence(lambda n: f"Agencia {n} S. de R.L.")
    tax_id = factory.Sequence(lambda n: f"0501{n:010d}")


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyLicence

    agency = factory.SubFactory(AgencyFactory)
    jurisdiction = factory.LazyAttribute(lambda o: o.agency.jurisdiction)
    number = factory.Sequence(lambda n: f"HN-STSS-AG-2024-{n:04d}")
    state = LicenceState.VALID
    destination_countries = factory.LazyFunction(lambda: ["CA", "ES"])
    sectors = factory.LazyFunction(lambda: ["agriculture"])
    valid_from = date(2024, 1, 1)
    valid_to = date(2099, 12, 31)


class LicenceEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceEvent

    licence = factory.SubFactory(LicenceFactory)
    from_state = LicenceState.VALID
    to_state = LicenceState.SUSPENDED
    reason = "Cobro de tarifas de reclutamiento a trabajadores"
