"""The review pages: the queue with the batch check and its progress, a pair side by side, and
the decisions, in Spanish, for the official of the jurisdiction and for no one else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import IdentityDocumentFactory, WorkerFactory
from vinculo.core.audit import AuditVerb
from vinculo.core.models import AuditEvent
from vinculo.linkage import services
from vinculo.linkage.models import CandidatePair, FraudFlag, Merge, PairOrigin, PairStatus

pytestmark = pytest.mark.django_db(transaction=True)
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture
def pair(world):
    first = WorkerFactory(jurisdiction=world.hn, phone="")
    IdentityDocumentFactory(worker=first, number="0501-1994-22222")
    second = WorkerFactory(jurisdiction=world.hn, given_names="Maria Jose", second_surname="")
    services.pairs_propose(
        jurisdiction_id=world.hn.pk, found=[(first.pk, second.pk, 0.96)], origin=PairOrigin.BATCH
    )
    return CandidatePair.objects.get()


def test_the_queue_starts_a_check_and_shows_its_progress(client, world):
    login(client, world.users["official"])
    page = client.get(reverse("linkage:pair_list"), **ES)
    assert page.status_code == 200
    assert "Posibles duplicados" in page.content.decode()
    started = client.post(reverse("linkage:pair_list"), **ES)
    assert started.status_code == 302
    run = client.get(started["Location"], **ES).content.decode()
    assert "Terminada" in run and "Registros comparados" in run
    progress = client.get(started["Location"], HTTP_HX_REQUEST="true", **ES)
    assert progress.content.decode().lstrip().startswith("<section")


def test_an_official_merges_a_pair_and_undoes_it(client, world, pair):
    login(client, world.users["official"])
    queue = client.get(reverse("linkage:pair_list"), **ES).content.decode()
    assert reverse("linkage:pair", args=[pair.pk]) in queue
    page = client.get(reverse("linkage:pair", args=[pair.pk]), **ES).content.decode()
    assert "el primero igual, falta el segundo" in page  # surnames, one missing
    assert "•" in page and "0501-1994-22222" not in page  # document numbers masked
    merged = client.post(
        reverse("linkage:pair_merge", args=[pair.pk]), {"keep": pair.worker_a_id}, **ES
    )
    assert merged.status_code == 302
    page = client.get(merged["Location"], **ES).content.decode()
    assert "Deshacer la fusión" in page
    detail = client.get(reverse("registry:worker_detail", args=[pair.worker_b_id]), **ES)
    assert pair.worker_a.registration_number in detail.content.decode()  # "merged into …"
    status = client.get(
        reverse("registry:worker_status", args=[pair.worker_b.registration_number]), **ES
    )
    assert "Reemplazada" in status.content.decode()  # the card of the merged record says so
    merge = Merge.objects.get()
    undone = client.post(reverse("linkage:merge_undo", args=[merge.pk]), **ES)
    assert undone.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN
    again = client.post(reverse("linkage:merge_undo", args=[merge.pk]), **ES)
    assert again.status_code == 404  # no longer a merged pair's merge


def test_a_second_decision_on_the_same_pair_is_refused_cleanly(client, world, pair):
    login(client, world.users["official"])
    url = reverse("linkage:pair_merge", args=[pair.pk])
    assert client.post(url, {"keep": pair.worker_a_id}, **ES).status_code == 302
    late = client.post(url, {"keep": pair.worker_b_id}, **ES)
    assert late.status_code == 409
    assert "Alguien ya decidió" in late.content.decode()
    wrong = client.post(
        reverse("linkage:pair_distinct", args=[pair.pk]), {"distinct-reason": "x"}, **ES
    )
    assert wrong.status_code == 409


def test_not_the_same_person_needs_a_reason(client, world, pair):
    login(client, world.users["official"])
    url = reverse("linkage:pair_distinct", args=[pair.pk])
    empty = client.post(url, {"distinct-reason": ""}, **ES)
    assert empty.status_code == 400
    assert "Este campo es requerido" in empty.content.decode()
    done = client.post(url, {"distinct-reason": "Prima hermana, otro documento"}, **ES)
    assert done.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISTINCT
    assert AuditEvent.objects.filter(verb=AuditVerb.PAIR_DISTINCT).exists()


def test_fraud_flags_from_the_pair_and_from_the_record(client, world, pair):
    login(client, world.users["official"])
    url = reverse("linkage:fraud_flag", args=[pair.worker_a_id])
    flagged = client.post(url, {"pair": pair.pk, "fraud-reason": "Foto no coincide"}, **ES)
    assert flagged.status_code == 302
    again = client.post(url, {"pair": pair.pk, "fraud-reason": "Otra vez"}, **ES)
    assert again.status_code == 409 and "ya está marcado" in again.content.decode()
    detail = client.get(reverse("registry:worker_detail", args=[pair.worker_a_id]), **ES)
    panel = reverse("linkage:fraud_flag_panel", args=[pair.worker_a_id])
    assert f'hx-get="{panel}"' in detail.content.decode()  # the record's page loads the panel
    shown = client.get(panel, HTTP_HX_REQUEST="true", **ES).content.decode()
    assert "Foto no coincide" in shown and "Retirar la marca" in shown
    assert "Foto no coincide" in client.get(panel, **ES).content.decode()  # a page without JS
    cleared = client.post(url, {"action": "clear", "fraud-reason": "Verificado"}, **ES)
    assert cleared.status_code == 302 and cleared["Location"].endswith(
        reverse("registry:worker_detail", args=[pair.worker_a_id])
    )
    assert FraudFlag.objects.get().cleared_at is not None


@pytest.mark.parametrize("who", ["outsider", "caseworker", "worker"])
def test_no_one_else_sees_or_decides_the_pairs(client, world, pair, who):
    user = world.outsider if who == "outsider" else world.users[who]
    login(client, user)
    merge = Merge.objects.create(
        pair=pair,
        survivor=pair.worker_a,
        merged=pair.worker_b,
        merged_by=world.users["official"],
    )
    CandidatePair.objects.filter(pk=pair.pk).update(status=PairStatus.MERGED)
    for method, url, data in [
        ("get", reverse("linkage:pair_list"), {}),
        ("get", reverse("linkage:pair", args=[pair.pk]), {}),
        ("post", reverse("linkage:pair_merge", args=[pair.pk]), {"keep": pair.worker_a_id}),
        ("post", reverse("linkage:pair_distinct", args=[pair.pk]), {"distinct-reason": "x"}),
        ("post", reverse("linkage:merge_undo", args=[merge.pk]), {}),
        ("post", reverse("linkage:fraud_flag", args=[pair.worker_a_id]), {"fraud-reason": "x"}),
    ]:
        answer = getattr(client, method)(url, data)
        if who == "outsider" and url == reverse("linkage:pair_list"):
            assert answer.status_code == 200  # their own (empty) queue
            assert pair.worker_a.registration_number not in answer.content.decode()
        else:
            assert answer.status_code == 404, url
    assert not FraudFlag.objects.exists()
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED and pair.worker_b.merged_into is None


def test_the_fraud_panel_is_the_records_viewers_and_its_form_the_reviewers(client, world, pair):
    panel = reverse("linkage:fraud_flag_panel", args=[pair.worker_a_id])
    for user in (world.outsider, world.users["worker"]):
        login(client, user)
        assert client.get(panel, HTTP_HX_REQUEST="true").status_code == 404
    login(client, world.users["caseworker"])  # sees the record, does not review duplicates
    shown = client.get(panel, HTTP_HX_REQUEST="true", **ES)
    assert shown.status_code == 200 and "<form" not in shown.content.decode()
    login(client, world.users["official"])
    assert "<form" in client.get(panel, HTTP_HX_REQUEST="true", **ES).content.decode()
