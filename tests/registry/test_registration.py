"""Self-registration on a phone, registration at a desk, the card and the public status page."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import IdentityDocumentFactory, WorkerFactory
from vinculo.core.audit import AuditVerb
from vinculo.core.models import AuditEvent
from vinculo.reference.models import Occupation
from vinculo.reference.services import reference_load
from vinculo.registry.models import Consent, RegistrationChannel, RegistrationDraft, Worker

pytestmark = pytest.mark.django_db

PASSWORD = "Clave-segura-2026"
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture
def reference():
    reference_load()
    return {
        "albanil": Occupation.objects.filter(isco_group_id="7112").first(),
        "picker": Occupation.objects.filter(isco_group_id="9211").first(),
    }


def answers(reference) -> dict[str, dict[str, str]]:
    return {
        "identity": {
            "given_names": "Keila Suyapa",
            "first_surname": "Ramírez",
            "second_surname": "Núñez",
            "sex": "F",
            "birth_date": "1996-03-08",
            "nationality": "HN",
        },
        "document": {
            "kind": "national_id",
            "issuing_country": "HN",
            "number": "0801-1996-04567",
            "expires_on": "",
        },
        "residence": {
            "residence_country": "HN",
            "subdivision": "HN-CR",
            "municipality": "Choloma",
        },
        "work": {
            "occupation": str(reference["picker"].pk),
            "years": "4",
            "occupation_2": str(reference["albanil"].pk),
            "years_2": "2",
            "language": "es",
            "level": "native",
            "language_2": "en",
            "level_2": "A2",
            "education_level": "2",
            "available_from": "2027-01-10",
            "available_to": "2027-09-30",
            "relocate_within_country": "on",
            "work_abroad": "on",
        },
        "consents": {"matching": "on", "notices": "on"},
    }


def start(client: Client) -> None:
    response = client.post(
        reverse("registry:register"),
        {"country": "HN", "phone": "9456 1234", "password": PASSWORD, "password_again": PASSWORD},
        **ES,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:register_step", args=["identity"])


def test_a_worker_registers_in_steps_and_gets_a_number_a_card_and_a_status_page(
    client, world, reference
):
    start(client)
    steps = answers(reference)
    for step, data in steps.items():
        response = client.post(reverse("registry:register_step", args=[step]), data, **ES)
        assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("registry:register_step", args=["review"])
    review = client.get(response["Location"], **ES).content.decode()
    assert "Keila Suyapa" in review and "Paso 6 de 6" in review
    # Each occupation by its name, with its years.
    assert reference["picker"].label_es in review and reference["albanil"].label_es in review

    response = client.post(reverse("registry:register_step", args=["review"]), **ES)
    assert response["Location"] == reverse("registry:my_card")
    worker = Worker.objects.get(user__username="+50494561234")
    assert worker.channel == RegistrationChannel.SELF
    assert worker.jurisdiction == world.hn  # the authority of the country of residence
    assert worker.phone == "+50494561234"
    assert (worker.education_level, worker.work_abroad) == ("2", True)
    assert worker.available_from == date(2027, 1, 10)
    assert sorted(
        worker.occupations.values_list("occupation__isco_group_id", "years_experience")
    ) == [
        ("7112", 2),
        ("9211", 4),
    ]
    assert sorted(worker.languages.values_list("language", "level")) == [
        ("en", "A2"),
        ("es", "native"),
    ]
    assert set(Consent.objects.filter(worker=worker).values_list("purpose", flat=True)) == {
        "matching",
        "notices",
    }
    assert worker.documents.get().number == "0801-1996-04567"
    assert not RegistrationDraft.objects.filter(user=worker.user).exists()
    event = AuditEvent.objects.get(verb="worker.registered")
    assert event.object_id == str(worker.pk) and event.jurisdiction_id == world.hn.pk

    card = client.get(reverse("registry:my_card"), **ES).content.decode()
    assert worker.registration_number in card and "<svg" in card
    status_url = reverse("registry:worker_status", args=[worker.registration_number])
    assert status_url in card

    anonymous = Client()
    status = anonymous.get(status_url, **ES).content.decode()
    assert "Inscripción vigente" in status and worker.registration_number in status
    assert "K. R. N." in status
    for private in ("Keila", "1996", "0801", "Choloma"):
        assert private not in status


def test_a_dropped_connection_loses_nothing(client, world, reference):
    start(client)
    steps = answers(reference)
    client.post(reverse("registry:register_step", args=["identity"]), steps["identity"])
    client.post(reverse("registry:register_step", args=["document"]), steps["document"])

    # Another day, another connection: sign in with the phone number as the worker writes it.
    again = Client()
    signed_in = again.post(reverse("login"), {"username": "9456-1234", "password": PASSWORD})
    assert signed_in.status_code == 302
    response = again.get(reverse("registry:register"))
    assert response["Location"] == reverse("registry:register_step", args=["residence"])
    # What was answered is still there, for review or correction.
    page = again.get(reverse("registry:register_step", args=["identity"])).content.decode()
    assert 'value="Keila Suyapa"' in page
    # My profile also leads back to the registration.
    assert again.get(reverse("registry:me"))["Location"] == reverse("registry:register")


def test_steps_cannot_be_skipped(client, world, reference):
    start(client)
    response = client.get(reverse("registry:register_step", args=["work"]))
    assert response["Location"] == reverse("registry:register_step", args=["identity"])
    assert client.get(reverse("registry:register_step", args=["nonsense"])).status_code == 404


def test_the_draft_is_encrypted_at_rest(client, world, reference):
    start(client)
    client.post(
        reverse("registry:register_step", args=["identity"]), answers(reference)["identity"]
    )
    client.post(
        reverse("registry:register_step", args=["document"]), answers(reference)["document"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM registry_registrationdraft")
        (raw,) = cursor.fetchone()
    assert "0801" not in raw and "Keila" not in raw
    assert RegistrationDraft.objects.get().data.count("0801-1996-04567") == 1


def test_field_errors_come_in_spanish(client, world, reference):
    response = client.post(
        reverse("registry:register"),
        {"country": "HN", "phone": "12", "password": PASSWORD, "password_again": "otra"},
        **ES,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "no es un número de teléfono válido" in page
    assert "Las dos contraseñas no son iguales." in page
    start(client)
    data = answers(reference)["document"] | {"kind": "passport", "number": "E1234567"}
    page = client.post(reverse("registry:register_step", args=["document"]), data, **ES)
    assert page.status_code == 302  # identity first
    client.post(
        reverse("registry:register_step", args=["identity"]), answers(reference)["identity"]
    )
    page = client.post(reverse("registry:register_step", args=["document"]), data, **ES)
    assert "Un pasaporte tiene fecha de vencimiento" in page.content.decode()


def test_a_document_already_registered_is_refused(client, world, reference):
    IdentityDocumentFactory(number="0801199604567", worker=WorkerFactory(jurisdiction=world.hn))
    start(client)
    client.post(
        reverse("registry:register_step", args=["identity"]), answers(reference)["identity"]
    )
    page = client.post(
        reverse("registry:register_step", args=["document"]), answers(reference)["document"], **ES
    ).content.decode()
    assert "Este documento ya está registrado" in page


def test_a_phone_with_an_account_is_told_to_sign_in(client, world, reference):
    start(client)
    other = Client()
    page = other.post(
        reverse("registry:register"),
        {
            "country": "HN",
            "phone": "+504 9456-1234",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
        **ES,
    ).content.decode()
    assert "Este número de teléfono ya tiene una cuenta" in page


def _desk_data(reference, jurisdiction) -> dict[str, str]:
    data = {"desk-channel": "fair", "desk-phone": "94561299", "desk-jurisdiction": jurisdiction.pk}
    for step, values in answers(reference).items():
        data |= {f"{step}-{k}": v for k, v in values.items()}
    return data


def test_an_official_registers_a_worker_at_a_fair(client, world, reference):
    client.force_login(world.users["official"])
    response = client.post(reverse("registry:register_worker"), _desk_data(reference, world.hn))
    worker = Worker.objects.get(documents__search_hash__isnull=False, given_names="Keila Suyapa")
    assert response["Location"] == reverse("registry:worker_card", args=[worker.pk])
    assert (worker.channel, worker.jurisdiction, worker.registered_by) == (
        "fair",
        world.hn,
        world.users["official"],
    )
    assert worker.phone == "+50494561299" and worker.user is None
    assert client.get(response["Location"]).status_code == 200


def test_an_official_cannot_register_into_another_jurisdiction(client, world, reference):
    client.force_login(world.outsider)
    response = client.post(reverse("registry:register_worker"), _desk_data(reference, world.hn))
    assert response.status_code == 200  # the form refuses the authority: not one of theirs
    assert not Worker.objects.filter(given_names="Keila Suyapa").exists()
    for role in ("worker", "employer_staff", "auditor", "regional_coordinator"):
        client.force_login(world.users[role])
        assert client.get(reverse("registry:register_worker")).status_code == 404, role


def test_cards_are_scoped(client, world):
    worker = WorkerFactory(jurisdiction=world.hn)
    client.force_login(world.outsider)
    assert client.get(reverse("registry:worker_card", args=[worker.pk])).status_code == 404
    client.force_login(world.users["caseworker"])
    assert client.get(reverse("registry:worker_card", args=[worker.pk])).status_code == 200


def test_the_status_page_is_404_for_unknown_numbers_and_rate_limited(client, world):
    cache.clear()
    worker = WorkerFactory(jurisdiction=world.hn)
    assert client.get(reverse("registry:worker_status", args=["VN-00000-00000"])).status_code == 404
    url = reverse("registry:worker_status", args=[worker.registration_number.lower()])
    codes = [client.get(url).status_code for _ in range(61)]
    assert codes[0] == 200 and codes[-1] == 429
    cache.clear()


def test_a_probable_duplicate_is_shown_with_its_evidence_and_must_be_confirmed(
    client, world, reference
):
    """The check at registration: Keila registered before with her surnames the other way round,
    accents lost and day and month swapped; the official sees that record and why, and registers
    only after confirming it is someone else (which the audit keeps)."""
    earlier = WorkerFactory(
        jurisdiction=world.hn,
        given_names="Keila Suyapa",
        first_surname="Nunez",
        second_surname="Ramirez",
        birth_date=date(1996, 8, 3),
        phone="+50431112222",
    )
    client.force_login(world.users["official"])
    data = _desk_data(reference, world.hn)
    page = client.post(reverse("registry:register_worker"), data, **ES)
    assert page.status_code == 200 and not Worker.objects.filter(channel="fair").exists()
    html = page.content.decode()
    assert "Esta persona podría estar ya inscrita" in html
    # At the top of the form, before the first question, where the official looks after saving.
    assert html.index('id="matches-title"') < html.index("<fieldset")
    assert earlier.registration_number in html
    assert reverse("registry:worker_detail", args=[earlier.pk]) in html
    for evidence in ("los mismos, en el otro orden", "día y mes invertidos", "a favor"):
        assert evidence in html, evidence
    shown = page.context["shown"]
    assert shown == earlier.registration_number

    # Sent again without ticking the box: still not registered.
    again = client.post(reverse("registry:register_worker"), {**data, "linkage-shown": shown})
    assert again.status_code == 200 and not Worker.objects.filter(channel="fair").exists()

    confirmed = {**data, "linkage-shown": shown, "linkage-confirm": "yes"}
    response = client.post(reverse("registry:register_worker"), confirmed)
    assert response.status_code == 302
    worker = Worker.objects.get(channel="fair", given_names="Keila Suyapa")
    event = AuditEvent.objects.get(verb=AuditVerb.WORKER_REGISTERED, object_id=str(worker.pk))
    assert event.after["confirmed_not_the_same_as"] == [earlier.registration_number]


def test_an_official_of_another_jurisdiction_is_not_shown_the_match(client, world, reference):
    WorkerFactory(
        jurisdiction=world.hn,
        given_names="Keila Suyapa",
        first_surname="Ramírez",
        second_surname="Núñez",
        birth_date=date(1996, 3, 8),
    )
    client.force_login(world.users["official"])
    assert (
        "linkage-confirm"
        in client.post(
            reverse("registry:register_worker"), _desk_data(reference, world.hn)
        ).content.decode()
    )
    # Costa Rica's official cannot see Honduras's record: registered at once, nothing shown.
    client.force_login(world.outsider)
    response = client.post(reverse("registry:register_worker"), _desk_data(reference, world.cr))
    assert response.status_code == 302
    assert Worker.objects.get(jurisdiction=world.cr, given_names="Keila Suyapa")
