"""Job fairs: an official organises one, offers vacancies, registers workers at its kiosk, and
reads its placements; another jurisdiction sees nothing of it."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.registry.test_registration import _desk_data, reference  # noqa: F401
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import ValidationFailed
from vinculo.core.models import AuditEvent
from vinculo.jobs import selectors, services
from vinculo.jobs.models import FairRegistration, JobOrderState
from vinculo.matching import services as matching
from vinculo.matching.models import Candidacy
from vinculo.registry.models import Worker
from vinculo.registry.services import DocumentInput, WorkerInput

S = JobOrderState


def _values(**changes):
    values = {
        "name": "Feria de empleo de Choloma",
        "country": "HN",
        "subdivision": "HN-CR",
        "municipality": "Choloma",
        "venue": "Parque central",
        "starts_on": date(2027, 2, 10),
        "ends_on": date(2027, 2, 11),
    }
    return services.FairValues(**{**values, **changes})


def _published(world, farm):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    services.order_move(actor=world.users["official"], order_id=order.pk, to=S.APPROVED)
    return services.order_move(actor=world.users["official"], order_id=order.pk, to=S.PUBLISHED)


def test_a_fair_counts_its_registrations_and_placements(client, world, farm):
    from tests.matching.conftest import make_worker

    official = world.users["official"]
    fair = services.fair_create(actor=official, values=_values())
    order = _published(world, farm)
    services.fair_offer(actor=official, fair_id=fair.pk, order_ids=[order.pk])
    assert list(fair.employers.all()) == [farm.employer]
    worker = make_worker(world)
    for _ in range(2):  # counted once
        services.fair_register_number(
            actor=official, fair_id=fair.pk, registration_number=worker.registration_number
        )
    candidacy = matching.candidacy_shortlist(actor=official, order_id=order.pk, worker_id=worker.pk)
    matching.candidacy_select(actor=world.users["employer_staff"], candidacy_id=candidacy.pk)
    figures = selectors.fair_figures(fair)
    assert (figures.vacancies, figures.positions, figures.registrations) == (1, 12, 1)
    assert (figures.shortlisted, figures.placements) == (1, 1)
    # With a placement, the list charts placements per fair.
    login(client, official)
    listing = client.get(reverse("jobs:fairs")).content.decode()
    assert 'data-chart="placements-data"' in listing


def test_a_fair_refuses_bad_dates_and_unapproved_orders(world, farm):
    official = world.users["official"]
    with pytest.raises(ValidationFailed) as error:
        services.fair_create(actor=official, values=_values(ends_on=date(2027, 2, 9)))
    assert error.value.field == "ends_on"
    fair = services.fair_create(actor=official, values=_values())
    draft = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    with pytest.raises(ValidationFailed):
        services.fair_offer(actor=official, fair_id=fair.pk, order_ids=[draft.pk])


def test_another_jurisdiction_sees_no_fair(world, client):
    fair = services.fair_create(actor=world.users["official"], values=_values())
    with pytest.raises(Http404):
        selectors.fair_get(actor=world.outsider, fair_id=fair.pk)
    login(client, world.outsider)
    assert client.get(reverse("jobs:fair", args=[fair.pk])).status_code == 404
    assert client.get(reverse("jobs:fair_kiosk", args=[fair.pk])).status_code == 404
    login(client, world.users["employer_staff"])
    assert client.get(reverse("jobs:fairs")).status_code == 404


def test_the_pages_organise_a_fair_in_spanish_and_open_its_kiosk(
    client,
    world,
    farm,
    reference,  # noqa: F811
):
    login(client, world.users["official"])
    client.cookies["django_language"] = "es"
    response = client.post(
        reverse("jobs:fairs"),
        {
            "name": "Feria de Choloma",
            "jurisdiction": world.hn.pk,
            "country": "HN",
            "subdivision": "HN-CR",
            "municipality": "Choloma",
            "starts_on": "2027-02-10",
            "ends_on": "2027-02-11",
        },
    )
    assert response.status_code == 302
    fair = selectors.fair_list(actor=world.users["official"]).get()
    page = client.get(reverse("jobs:fair", args=[fair.pk])).content.decode()
    assert "Abrir el quiosco de inscripción" in page
    listing = client.get(reverse("jobs:fairs")).content.decode()
    # No placement yet: a sentence says so rather than an empty chart.
    assert "Feria de Choloma" in listing and 'data-chart="placements-data"' not in listing
    assert "Aún no se ha seleccionado a ningún trabajador" in listing
    kiosk_url = reverse("jobs:fair_kiosk", args=[fair.pk])
    kiosk = client.get(kiosk_url).content.decode()
    assert "Feria de Choloma" in kiosk and 'name="desk-channel" value="fair"' in kiosk
    public = client.get(reverse("jobs:fair_public", args=[fair.pk])).content.decode()
    assert "Feria de Choloma" in public
    assert not FairRegistration.objects.exists() and not Candidacy.objects.exists()
    # Someone registers at the kiosk: counted for the fair, their card offers the next person.
    registered = client.post(kiosk_url, _desk_data(reference, world.hn))
    assert registered.status_code == 302, registered.content.decode()[:2000]
    registration = FairRegistration.objects.get(fair=fair)
    assert registration.worker.channel == "fair"
    card = client.get(registered["Location"]).content.decode()
    assert f'href="{kiosk_url}"' in card and "Siguiente persona" in card
    # An address elsewhere is never offered as the next page.
    card_url = reverse("registry:worker_card", args=[registration.worker.pk])
    elsewhere = client.get(card_url, {"next": "https://example.org/"}).content.decode()
    assert "Siguiente persona" not in elsewhere


def test_a_fair_takes_place_in_its_authoritys_country_from_today_on(world):
    official = world.users["official"]  # of Honduras
    for country in ("AF", "LY", "CR"):
        with pytest.raises(ValidationFailed) as error:
            services.fair_create(actor=official, values=_values(country=country, subdivision=""))
        assert (error.value.field, error.value.code) == ("country", "country_not_jurisdictions")
    with pytest.raises(ValidationFailed) as error:
        services.fair_create(
            actor=official, values=_values(starts_on=date(2000, 5, 1), ends_on=date(2000, 5, 2))
        )
    assert (error.value.field, error.value.code) == ("starts_on", "date_past")
    today = timezone.localdate()
    fair = services.fair_create(actor=official, values=_values(starts_on=today, ends_on=today))
    assert fair.country == world.hn.country
    assert not selectors.fair_list(actor=official).exclude(pk=fair.pk).exists()


def test_the_page_shows_a_wrong_country_by_its_field(client, world):
    login(client, world.users["official"])
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("jobs:fairs"),
        {
            "name": "Feria de Kabul",
            "jurisdiction": world.hn.pk,
            "country": "AF",
            "municipality": "Kabul",
            "starts_on": "2000-02-10",
            "ends_on": "2000-02-11",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["country"] == [
        "A fair of Authority HN-STSS takes place in Honduras."
    ]
    assert not selectors.fair_list(actor=world.users["official"]).exists()


def _person(number: str, **changes) -> WorkerInput:
    values = {
        "given_names": "Keila Suyapa",
        "first_surname": "Ramírez",
        "second_surname": "Núñez",
        "sex": "F",
        "birth_date": date(1996, 3, 8),
        "nationality": "HN",
        "document": DocumentInput("national_id", "HN", number),
        "residence_country": "HN",
        "municipality": "Choloma",
        "phone": "9456 1299",
        "consents": ["matching"],
    }
    return WorkerInput(**(values | changes))


def test_a_registration_at_the_kiosk_is_made_and_counted_together(world):
    official = world.users["official"]
    fair = services.fair_create(actor=official, values=_values())
    worker = services.fair_worker_register(
        actor=official, fair_id=fair.pk, data=_person("0801-1996-04567")
    )
    assert worker.channel == "fair" and worker.jurisdiction == fair.jurisdiction
    assert worker.phone == "+50494561299"
    assert list(FairRegistration.objects.values_list("worker_id", flat=True)) == [worker.pk]
    counted = AuditEvent.objects.get(verb=AuditVerb.JOB_FAIR_CHANGED, object_id=str(fair.pk))
    assert counted.actor == official and counted.after == {"registered": worker.registration_number}
    # A registration the checks refuse is neither written nor counted.
    with pytest.raises(ValidationFailed) as refused:
        services.fair_worker_register(
            actor=official,
            fair_id=fair.pk,
            data=_person("0801-1996-99999", given_names="Ana", birth_date=date(2015, 1, 1)),
        )
    assert refused.value.field == "birth_date"
    assert FairRegistration.objects.count() == 1
    assert not Worker.objects.filter(given_names="Ana").exists()
    # Another authority's official does not see the fair.
    with pytest.raises(Http404):
        services.fair_worker_register(
            actor=world.outsider, fair_id=fair.pk, data=_person("0801-1996-88888")
        )
