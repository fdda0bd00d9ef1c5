"""The duplicate review over the API: the same decisions as the pages, problem+json answers, and
nothing of one jurisdiction for another's official."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import IdentityDocumentFactory, WorkerFactory
from vinculo.linkage import services
from vinculo.linkage.models import CandidatePair, LinkageRun, PairOrigin, PairStatus

pytestmark = pytest.mark.django_db(transaction=True)
PROBLEM = "application/problem+json"


@pytest.fixture
def pair(world):
    first = WorkerFactory(jurisdiction=world.hn)
    IdentityDocumentFactory(worker=first, number="0501-1994-33333")
    second = WorkerFactory(jurisdiction=world.hn, first_surname="Hernandes")
    services.pairs_propose(
        jurisdiction_id=world.hn.pk, found=[(first.pk, second.pk, 0.93)], origin=PairOrigin.BATCH
    )
    return CandidatePair.objects.get()


def test_a_check_is_started_and_followed(api, world):
    api.force_authenticate(world.users["official"])
    started = api.post(reverse("api:duplicate-checks"), {}, format="json")
    assert started.status_code == 202
    run = api.get(reverse("api:duplicate-check", args=[started.json()["id"]])).json()
    assert run["status"] == "done" and run["percent"] == 100 and run["jurisdiction"] == "HN-STSS"
    api.force_authenticate(world.outsider)
    assert api.get(reverse("api:duplicate-check", args=[run["id"]])).status_code == 404
    wrong = api.post(reverse("api:duplicate-checks"), {"jurisdiction": "HN-STSS"}, format="json")
    assert wrong.status_code == 400 and wrong["Content-Type"].startswith(PROBLEM)
    assert LinkageRun.objects.count() == 1


def test_an_official_reads_the_evidence_merges_and_undoes(api, world, pair):
    api.force_authenticate(world.users["official"])
    listed = api.get(reverse("api:duplicate-pairs")).json()["results"]
    assert [p["id"] for p in listed] == [pair.pk]
    detail = api.get(reverse("api:duplicate-pair", args=[pair.pk])).json()
    evidence = {e["field"]: e["level"] for e in detail["evidence"]}
    assert evidence["surnames"] == "sounds_alike" and evidence["birth_date"] == "exact"
    url = reverse("api:duplicate-pair-merge", args=[pair.pk])
    merged = api.post(url, {"keep": pair.worker_a_id}, format="json")
    assert merged.status_code == 201
    assert merged.json()["moved"]["documents"] == []  # the kept record has the document
    late = api.post(url, {"keep": pair.worker_b_id}, format="json")
    assert late.status_code == 409 and late["Content-Type"].startswith(PROBLEM)
    status = api.get(reverse("api:worker-status", args=[pair.worker_b.registration_number])).json()
    assert status["status"] == "replaced"
    undone = api.post(reverse("api:merge-undo", args=[merged.json()["id"]]))
    assert undone.status_code == 200 and undone.json()["status"] == PairStatus.OPEN


def test_not_the_same_person_and_fraud_flags_need_a_reason(api, world, pair):
    api.force_authenticate(world.users["official"])
    url = reverse("api:duplicate-pair-distinct", args=[pair.pk])
    empty = api.post(url, {"reason": ""}, format="json")
    assert empty.status_code == 400 and empty["Content-Type"].startswith(PROBLEM)
    assert api.post(url, {"reason": "Hermanos"}, format="json").json()["status"] == "distinct"
    flag = reverse("api:fraud-flag", args=[pair.worker_b_id])
    raised = api.post(flag, {"reason": "Documento alterado"}, format="json")
    assert raised.status_code == 200 and raised.json()["cleared_at"] is None
    twice = api.post(flag, {"reason": "Otra vez"}, format="json")
    assert twice.status_code == 409
    cleared = api.post(flag, {"action": "clear", "reason": "Verificado"}, format="json")
    assert cleared.json()["clear_reason"] == "Verificado"


@pytest.mark.parametrize("who", ["outsider", "caseworker"])
def test_another_jurisdiction_or_role_gets_nothing(api, world, pair, who):
    api.force_authenticate(world.outsider if who == "outsider" else world.users[who])
    listed = api.get(reverse("api:duplicate-pairs"))
    assert listed.status_code == 200 and listed.json()["results"] == []
    for url, data in [
        (reverse("api:duplicate-pair-merge", args=[pair.pk]), {"keep": pair.worker_a_id}),
        (reverse("api:duplicate-pair-distinct", args=[pair.pk]), {"reason": "x"}),
        (reverse("api:fraud-flag", args=[pair.worker_a_id]), {"reason": "x"}),
    ]:
        answer = api.post(url, data, format="json")
        assert answer.status_code == 404, url
        assert answer["Content-Type"].startswith(PROBLEM)
    assert api.get(reverse("api:duplicate-pair", args=[pair.pk])).status_code == 404
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN
