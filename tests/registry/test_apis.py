from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import IdentityDocumentFactory, WorkerFactory
from vinculo.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_workers_are_listed_for_the_roles_that_see_them_and_nobody_else(api, world):
    worker = WorkerFactory(jurisdiction=world.hn, given_names="Keila")
    IdentityDocumentFactory(worker=worker, number="0801-1990-55555")
    for role in ("official", "caseworker", "admin"):
        api.force_authenticate(world.users[role])
        found = api.get("/api/v1/workers/", {"document_number": "0801 1990 55555"}).json()
        assert [w["registration_number"] for w in found["results"]] == [worker.registration_number]
    for user in (world.outsider, world.users["employer_staff"], world.users["auditor"]):
        api.force_authenticate(user)
        assert api.get("/api/v1/workers/").json()["count"] == 0


def test_a_full_profile_is_audited_and_404_outside_the_jurisdiction(api, world):
    worker = WorkerFactory(jurisdiction=world.hn)
    api.force_authenticate(world.users["official"])
    body = api.get(f"/api/v1/workers/{worker.pk}/").json()
    assert body["given_names"] == "María José" and body["documents"] == []
    assert (
        AuditEvent.objects.filter(verb="worker.profile_viewed", object_id=str(worker.pk)).count()
        == 1
    )
    api.force_authenticate(world.outsider)
    response = api.get(f"/api/v1/workers/{worker.pk}/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_a_bad_filter_is_a_problem_with_its_field(api, world):
    api.force_authenticate(world.users["official"])
    response = api.get("/api/v1/workers/", {"sex": "Q"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "sex"


def test_the_public_status_says_little_and_is_throttled(api, world):
    cache.clear()
    worker = WorkerFactory(jurisdiction=world.hn)
    body = api.get(f"/api/v1/public/workers/{worker.registration_number}/").json()
    assert body == {
        "registration_number": worker.registration_number,
        "status": "active",
        "initials": "M. H. L.",
        "jurisdiction": "HN-STSS",
        "registered_since": worker.created_at.date().isoformat(),
    }
    assert api.get("/api/v1/public/workers/VN-00000-00000/").status_code == 404
    codes = [
        api.get(f"/api/v1/public/workers/{worker.registration_number}/").status_code
        for _ in range(60)
    ]
    assert codes[-1] == 429
    cache.clear()


def test_the_name_filter_ignores_accents_and_case(api, world):
    worker = WorkerFactory(jurisdiction=world.hn, given_names="Dulce María", first_surname="Núñez")
    WorkerFactory(jurisdiction=world.cr, given_names="Dulce María", first_surname="Núñez")
    api.force_authenticate(world.users["official"])
    for typed in ("dulce maria nunez", "NÚÑEZ", "Dulce Mar"):
        found = api.get("/api/v1/workers/", {"name": typed}).json()
        assert [w["registration_number"] for w in found["results"]] == [worker.registration_number]
