"""Corrections, consents and a worker's own data: audited, scoped, and safe against two editors."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import IdentityDocumentFactory, WorkerFactory
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent
from vinculo.registry.models import Consent, ConsentPurpose, Worker
from vinculo.registry.services import (
    consent_give,
    consent_withdraw,
    worker_own_data,
    worker_update,
)

pytestmark = pytest.mark.django_db


def test_a_correction_passes_the_checks_of_a_registration_in_the_service(world):
    """The service checks what it is given, whoever calls it: every wrong field is named, and
    nothing is written."""
    worker = WorkerFactory(jurisdiction=world.hn, available_from=date(2027, 1, 10))
    with pytest.raises(ValidationFailed) as refused:
        worker_update(
            worker=worker,
            version=1,
            changes={
                "birth_date": date(2015, 1, 1),
                "available_to": date(2026, 12, 1),
                "phone": "12",
                "given_names": "  ",
            },
            actor=world.users["official"],
        )
    assert {name for name, _code, _message in refused.value.errors} == {
        "birth_date",
        "available_to",
        "phone",
        "given_names",
    }
    worker.refresh_from_db()
    assert worker.version == 1 and worker.birth_date == date(1994, 5, 12)
    # A phone written as people write it is stored in the standard form.
    worker_update(
        worker=worker, version=1, changes={"phone": "9911-7788"}, actor=world.users["official"]
    )
    worker.refresh_from_db()
    assert worker.phone == "+50499117788"


def test_an_old_value_nobody_touches_does_not_block_a_correction(world):
    worker = WorkerFactory(jurisdiction=world.hn, birth_date=date(1900, 1, 1))  # implausible
    worker_update(
        worker=worker, version=1, changes={"municipality": "Omoa"}, actor=world.users["official"]
    )
    worker.refresh_from_db()
    assert worker.municipality == "Omoa" and worker.version == 2


def test_an_identity_change_is_audited_with_before_and_after(world):
    worker = WorkerFactory(jurisdiction=world.hn)
    official = world.users["official"]
    worker_update(
        worker=worker,
        version=1,
        changes={
            "first_surname": "Hernandez",
            "birth_date": date(1994, 5, 21),
            "municipality": "Omoa",
        },
        actor=official,
    )
    worker.refresh_from_db()
    assert (worker.first_surname, worker.version) == ("Hernandez", 2)
    identity = AuditEvent.objects.get(verb="worker.identity_changed")
    assert identity.before == {"birth_date": "1994-05-12", "first_surname": "Hernández"}
    assert identity.after == {"birth_date": "1994-05-21", "first_surname": "Hernandez"}
    assert identity.actor == official and identity.jurisdiction_id == world.hn.pk
    other = AuditEvent.objects.get(verb="worker.changed")
    assert other.before == {"municipality": "Choloma"} and other.after == {"municipality": "Omoa"}


def test_a_stale_edit_is_refused_and_changes_nothing(world):
    worker = WorkerFactory(jurisdiction=world.hn)
    worker_update(
        worker=worker, version=1, changes={"municipality": "Omoa"}, actor=world.users["official"]
    )
    with pytest.raises(Conflict) as refused:
        worker_update(
            worker=worker, version=1, changes={"municipality": "Tela"}, actor=world.users["admin"]
        )
    assert refused.value.code == "worker_changed_meanwhile"
    worker.refresh_from_db()
    assert worker.municipality == "Omoa"


def test_only_the_worker_or_an_editor_may_change_a_record(world):
    worker = WorkerFactory(jurisdiction=world.hn)
    with pytest.raises(NotAllowed):
        worker_update(
            worker=worker,
            version=1,
            changes={"municipality": "Tela"},
            actor=world.users["caseworker"],
        )
    own = Worker.objects.get(user=world.users["worker"])
    worker_update(
        worker=own,
        version=own.version,
        changes={"municipality": "Tela"},
        actor=world.users["worker"],
    )
    assert AuditEvent.objects.filter(verb="worker.changed", actor=world.users["worker"]).exists()


def test_edit_pages_are_scoped(client, world):
    worker = WorkerFactory(jurisdiction=world.hn)
    url = reverse("registry:worker_edit", args=[worker.pk])
    for user, status in (
        (world.outsider, 404),
        (world.users["caseworker"], 404),
        (world.users["official"], 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_a_concurrent_edit_is_shown_to_the_second_editor(client, world):
    worker = WorkerFactory(jurisdiction=world.hn)
    client.force_login(world.users["official"])
    url = reverse("registry:worker_edit", args=[worker.pk])
    form = {
        "version": 1,
        "given_names": "María José",
        "first_surname": "Hernández",
        "second_surname": "López",
        "sex": "F",
        "birth_date": "1994-05-12",
        "nationality": "HN",
        "phone": "9456 1234",
        "residence_country": "HN",
        "subdivision": "hn-cr",
        "municipality": "Omoa",
    }
    assert client.post(url, form)["Location"] == reverse("registry:worker_detail", args=[worker.pk])
    worker.refresh_from_db()
    assert (worker.municipality, worker.subdivision, worker.phone) == (
        "Omoa",
        "HN-CR",
        "+50494561234",
    )
    page = client.post(
        url, form | {"municipality": "Tela"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Someone else changed this record while you were editing it." in page
    worker.refresh_from_db()
    assert worker.municipality == "Omoa"


def test_consents_are_withdrawn_and_given_again_with_their_history(world):
    worker = Worker.objects.get(user=world.users["worker"])
    actor = world.users["worker"]
    consent_give(worker=worker, purpose=ConsentPurpose.MATCHING, actor=actor)
    consent_give(worker=worker, purpose=ConsentPurpose.MATCHING, actor=actor)  # idempotent
    consent_withdraw(worker=worker, purpose=ConsentPurpose.MATCHING, actor=actor)
    consent_give(worker=worker, purpose=ConsentPurpose.MATCHING, actor=actor)
    rows = list(Consent.objects.filter(worker=worker).order_by("given_at", "pk"))
    assert [c.active for c in rows] == [False, True]
    assert list(
        AuditEvent.objects.filter(object_id=str(worker.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    ) == ["consent.given", "consent.withdrawn", "consent.given"]


def test_the_worker_withdraws_a_consent_from_their_profile(client, world):
    worker = Worker.objects.get(user=world.users["worker"])
    Consent.objects.create(worker=worker, purpose=ConsentPurpose.MATCHING)
    client.force_login(world.users["worker"])
    page = client.get(reverse("registry:me"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Withdraw" in page
    client.post(reverse("registry:me_consent"), {"purpose": "matching", "action": "withdraw"})
    assert not Consent.objects.get(worker=worker).active


def test_the_worker_downloads_all_their_data_and_it_is_audited(client, world):
    worker = Worker.objects.get(user=world.users["worker"])
    IdentityDocumentFactory(worker=worker, number="0501-1994-00077")
    client.force_login(world.users["worker"])
    response = client.post(reverse("registry:me_data"))
    assert response["Content-Disposition"].endswith(f'vinculo-{worker.registration_number}.json"')
    data = json.loads(response.content)
    assert data["worker"]["given_names"] == "María José"
    assert data["identity_documents"][0]["number"] == "0501-1994-00077"
    assert AuditEvent.objects.filter(
        verb="worker.data_downloaded", actor=world.users["worker"]
    ).exists()
    # A download is a POST; a GET (a bookmark, a reload) goes back to the profile.
    back = client.get(reverse("registry:me_data"))
    assert back.status_code == 302 and back["Location"] == reverse("registry:me")


def test_own_data_is_only_ones_own(world):
    from django.http import Http404

    with pytest.raises(Http404):
        worker_own_data(actor=world.users["official"])


def test_document_numbers_are_not_readable_in_the_database(world):
    IdentityDocumentFactory(worker=WorkerFactory(jurisdiction=world.hn), number="0801-1990-99999")
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, number_hash, search_hash FROM registry_identitydocument")
        rows = cursor.fetchall()
    assert rows and all("99999" not in value for row in rows for value in row)


def test_a_correction_that_makes_a_record_look_like_another_shows_it_first(client, world):
    """The check on edit: an official corrects a record into one that is probably another
    worker's; that worker is shown with the evidence, and saving needs a confirmation."""
    other = WorkerFactory(
        jurisdiction=world.hn,
        given_names="Wilmer Josué",
        first_surname="Castro",
        second_surname="Zelaya",
        birth_date=date(1990, 3, 4),
        sex="M",
        phone="+50498765432",
    )
    worker = WorkerFactory(
        jurisdiction=world.hn,
        given_names="Wilmer",
        first_surname="Castillo",
        second_surname="Zelaya",
        birth_date=date(1990, 3, 4),
        sex="M",
        phone="+50431112222",
    )
    client.force_login(world.users["official"])
    url = reverse("registry:worker_edit", args=[worker.pk])
    form = {
        "version": 1,
        "given_names": "Wilmer Josue",
        "first_surname": "Castro",
        "second_surname": "Selaya",
        "sex": "M",
        "birth_date": "1990-03-04",
        "nationality": "HN",
        "phone": "3111 2222",
        "residence_country": "HN",
        "subdivision": "HN-CR",
        "municipality": "Choloma",
    }
    page = client.post(url, form, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    html = page.content.decode()
    assert other.registration_number in html and "Guardar de todos modos" in html
    assert Worker.objects.get(pk=worker.pk).first_surname == "Castillo"  # nothing saved yet
    confirmed = {**form, "linkage-shown": page.context["shown"], "linkage-confirm": "yes"}
    assert client.post(url, confirmed).status_code == 302
    assert Worker.objects.get(pk=worker.pk).first_surname == "Castro"
    event = AuditEvent.objects.get(verb="worker.identity_changed", object_id=str(worker.pk))
    assert event.after["confirmed_not_the_same_as"] == [other.registration_number]


def test_a_worker_correcting_their_own_record_is_shown_nobody_else(client, world):
    own = Worker.objects.get(user=world.users["worker"])
    WorkerFactory(jurisdiction=world.hn, given_names="Ana", birth_date=date(1990, 1, 1))
    client.force_login(world.users["worker"])
    form = {
        "version": own.version,
        "given_names": "Ana",
        "first_surname": own.first_surname,
        "second_surname": own.second_surname,
        "sex": own.sex,
        "birth_date": "1990-01-01",
        "nationality": own.nationality,
        "phone": own.phone,
        "residence_country": "HN",
        "subdivision": own.subdivision,
        "municipality": own.municipality,
    }
    assert client.post(reverse("registry:me_edit"), form).status_code == 302
