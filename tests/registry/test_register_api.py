"""`POST /api/v1/workers/`: a registration by an official through the checks of the desk page,
every wrong field named at once in the request's language, probable duplicates shown before
anything is written, and nothing for someone who may not register there."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.registry.test_registration import _desk_data, answers, reference  # noqa: F401
from vinculo.core.audit import AuditVerb
from vinculo.core.models import AuditEvent
from vinculo.registry.models import IdentityDocument, RegistrationChannel, Worker

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def payload(reference, **changes) -> dict:  # noqa: F811
    a = answers(reference)
    i, d, r, w = a["identity"], a["document"], a["residence"], a["work"]
    body = {
        **i,
        "document": {
            "kind": d["kind"],
            "issuing_country": d["issuing_country"],
            "number": d["number"],
        },
        **r,
        "phone": "9456 1299",
        "education_level": w["education_level"],
        "available_from": w["available_from"],
        "available_to": w["available_to"],
        "relocate_within_country": True,
        "work_abroad": True,
        "occupations": [
            {"occupation": w["occupation"], "years": 4},
            {"occupation": "7112", "years": 2},  # a unit group named on its own
        ],
        "languages": [{"language": "es", "level": "native"}, {"language": "en", "level": "A2"}],
        "consents": ["matching", "notices"],
    }
    return body | changes


def test_an_official_registers_a_worker(api, world, reference):  # noqa: F811
    api.force_authenticate(world.users["official"])
    answer = api.post(reverse("api:workers"), payload(reference), format="json")
    assert answer.status_code == 201, answer.content
    worker = Worker.objects.get(pk=answer.json()["id"])
    assert answer.json()["registration_number"] == worker.registration_number
    assert answer.json()["jurisdiction"] == "HN-STSS"
    assert worker.channel == RegistrationChannel.DESK
    assert worker.registered_by == world.users["official"]
    assert worker.phone == "+50494561299"  # normalised as the desk page does
    assert worker.subdivision == "HN-CR" and worker.work_abroad
    assert sorted(o.isco_group_id for o in worker.occupations.all()) == ["7112", "9211"]
    assert set(worker.consents.values_list("purpose", flat=True)) == {"matching", "notices"}
    assert IdentityDocument.objects.get(worker=worker).number == "0801-1996-04567"
    assert AuditEvent.objects.filter(verb=AuditVerb.WORKER_REGISTERED, object_id=str(worker.pk))


BAD = {
    "birth_date": "2015-01-01",  # a child
    "document": {"kind": "national_id", "issuing_country": "HN", "number": "12345"},
    "available_from": "2027-09-30",
    "available_to": "2027-01-10",  # before the first day
    "subdivision": "HN-XX",
}


def _messages(html: str) -> set[str]:
    """The field errors a page shows (Django's error lists), as text."""
    items = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return {
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for item in items
        for m in re.findall(r"<li>(.*?)</li>", item, re.S)
    }


def test_every_wrong_field_is_named_at_once_as_the_desk_page_names_it(
    api,
    client,
    world,
    reference,  # noqa: F811
):
    api.force_authenticate(world.users["official"])
    answer = api.post(reverse("api:workers"), payload(reference, **BAD), format="json", **ES)
    assert answer.status_code == 400 and answer["Content-Type"].startswith(PROBLEM)
    errors = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert set(errors) == {"birth_date", "document.number", "available_to", "subdivision"}
    assert errors["available_to"] == "Esta fecha es anterior a la primera."
    assert "18" in errors["birth_date"]
    assert Worker.objects.count() == 1  # the world's own worker only

    # The desk page, sent the same values, shows the same messages beside its fields.
    data = _desk_data(reference, world.hn) | {
        "identity-birth_date": BAD["birth_date"],
        "document-number": BAD["document"]["number"],
        "work-available_from": BAD["available_from"],
        "work-available_to": BAD["available_to"],
    }
    client.force_login(world.users["official"])
    page = client.post(reverse("registry:register_worker"), data, **ES)
    assert page.status_code == 200
    shown = _messages(page.content.decode())
    api_messages = {m for f, m in errors.items() if f != "subdivision"}  # the page picks names
    assert api_messages <= shown, (api_messages, shown)
    assert Worker.objects.count() == 1


def test_a_document_registered_already_is_refused_on_its_field(api, world, reference):  # noqa: F811
    api.force_authenticate(world.users["official"])
    assert api.post(reverse("api:workers"), payload(reference), format="json").status_code == 201
    again = api.post(
        reverse("api:workers"),
        payload(reference, given_names="Otra", first_surname="Persona", birth_date="1980-01-01"),
        format="json",
    )
    assert again.status_code == 400
    assert [e["field"] for e in again.json()["errors"]] == ["document.number"]
    assert again.json()["code"] == "document_already_registered"
    assert Worker.objects.count() == 2  # the world's worker and the first registration


def test_a_probable_duplicate_is_shown_before_anything_is_written(api, world, reference):  # noqa: F811
    api.force_authenticate(world.users["official"])
    first = api.post(reverse("api:workers"), payload(reference), format="json").json()
    other_document = {"kind": "passport", "issuing_country": "HN", "number": "E1234567"}
    same_person = payload(
        reference, document=other_document | {"expires_on": "2031-01-01"}, given_names="Keyla"
    )
    answer = api.post(reverse("api:workers"), same_person, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "probable_duplicates"
    matches = answer.json()["details"]["matches"]
    assert [m["registration_number"] for m in matches] == [first["registration_number"]]
    assert Worker.objects.count() == 2  # the world's worker and the first registration
    confirmed = same_person | {"not_the_same_as": [first["registration_number"]]}
    assert api.post(reverse("api:workers"), confirmed, format="json").status_code == 201
    assert Worker.objects.count() == 3


def test_nobody_registers_outside_their_jurisdictions(api, world, reference):  # noqa: F811
    api.force_authenticate(world.outsider)  # an official of Costa Rica
    answer = api.post(
        reverse("api:workers"), payload(reference, jurisdiction="HN-STSS"), format="json"
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "jurisdiction"
    for role in ("employer_staff", "worker", "auditor"):
        api.force_authenticate(world.users[role])
        assert api.post(reverse("api:workers"), payload(reference), format="json").status_code == (
            403
        )
    assert Worker.objects.count() == 1  # the world's own worker only
