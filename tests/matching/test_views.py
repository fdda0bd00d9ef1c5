"""The matching pages and API: the caseworker's explained ranking and shortlist, the employer's
selection on the order, the fairness audit on the order, the worker's vacancies; scoped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.matching.conftest import make_worker
from vinculo.matching import index
from vinculo.matching.models import Candidacy, MatchRun
from vinculo.registry.models import Worker


def test_the_caseworker_ranks_in_spanish_and_shortlists(client, world, published):
    worker = make_worker(world, years=4)
    index.index_build()
    login(client, world.users["caseworker"])
    client.cookies["django_language"] = "es"
    page = client.get(reverse("matching:ranking", args=[published.pk])).content.decode()
    assert worker.full_name in page and "Misma ocupación (grupo primario CIUO-08 6111)" in page
    assert "Dispuesto a trabajar en el extranjero" in page and "Auditoría de equidad" in page
    equity = client.get(reverse("matching:ranking", args=[published.pk]), {"equity": "1"})
    assert equity.status_code == 200
    response = client.post(
        reverse("matching:shortlist", args=[published.pk]), {"worker": worker.pk}
    )
    assert response.status_code == 302
    assert Candidacy.objects.get().status == "shortlisted"


def test_the_employer_selects_on_the_order_and_the_official_sees_the_audit(
    client, world, published
):
    worker = make_worker(world)
    login(client, world.users["official"])
    client.post(reverse("matching:shortlist", args=[published.pk]), {"worker": worker.pk})
    section = reverse("matching:order_candidates", args=[published.pk])
    order_page = client.get(reverse("jobs:order_detail", args=[published.pk])).content.decode()
    assert f'hx-get="{section}"' in order_page  # the order's page loads matching's section
    shown = client.get(section, HTTP_HX_REQUEST="true").content.decode()
    assert "Fairness audit" in shown or "Auditoría de equidad" in shown
    assert "<html" not in shown and "<html" in client.get(section).content.decode()
    login(client, world.users["employer_staff"])
    page = client.get(section, HTTP_HX_REQUEST="true").content.decode()
    assert worker.full_name in page and worker.phone not in page  # contact details stay private
    assert "Auditoría de equidad" not in page and "Fairness audit" not in page
    # The buttons are the moves the employer may make now (CANDIDACY.available); none for the
    # official, who shortlists but does not select.
    assert 'name="to" value="selected"' in page and 'name="to" value="not_selected"' in page
    assert 'name="to"' not in shown
    assert client.get(reverse("matching:ranking", args=[published.pk])).status_code == 404
    candidacy = Candidacy.objects.get()
    client.post(reverse("matching:decide", args=[candidacy.pk]), {"to": "selected"})
    candidacy.refresh_from_db()
    assert candidacy.status == "selected"


@pytest.mark.unheard_on_purpose  # the world's worker is deleted to register another
def test_the_worker_sees_their_vacancies_and_applies(client, world, published):
    world.users["worker"].worker.delete()
    worker = make_worker(world, years=2, user=world.users["worker"])
    login(client, world.users["worker"])
    page = client.get(reverse("matching:my_vacancies")).content.decode()
    assert published.title in page
    assert client.post(reverse("matching:apply", args=[published.pk])).status_code == 302
    assert Candidacy.objects.get(worker=worker).status == "applied"


def test_another_jurisdiction_gets_404(client, world, published):
    login(client, world.outsider)
    assert client.get(reverse("matching:order_candidates", args=[published.pk])).status_code == 404
    assert client.get(reverse("matching:ranking", args=[published.pk])).status_code == 404
    assert (
        client.post(reverse("matching:shortlist", args=[published.pk]), {"worker": 1}).status_code
        == 404
    )


def test_the_api(api, world, published, django_capture_on_commit_callbacks):
    worker = make_worker(world, years=3)
    api.force_authenticate(world.users["caseworker"])
    ranking = api.get(f"/api/v1/job-orders/{published.pk}/ranking/").json()
    assert ranking["matches"][0]["worker"] == worker.pk
    assert ranking["matches"][0]["reasons"][0]["code"] == "occupation_4"
    created = api.post(
        f"/api/v1/job-orders/{published.pk}/shortlist/", {"worker": worker.pk}, format="json"
    )
    assert created.status_code == 201
    assert api.get(f"/api/v1/job-orders/{published.pk}/fairness/").json()[0]["pool"] == 1
    api.force_authenticate(world.users["employer_staff"])
    assert api.get(f"/api/v1/job-orders/{published.pk}/ranking/").status_code == 403
    decided = api.post(
        f"/api/v1/candidacies/{created.json()['id']}/decision/",
        {"decision": "select"},
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "selected"
    api.force_authenticate(world.outsider)
    assert api.get(f"/api/v1/job-orders/{published.pk}/ranking/").status_code == 404
    missing = api.get(f"/api/v1/job-orders/{published.pk}/candidates/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    api.force_authenticate(world.users["official"])
    with django_capture_on_commit_callbacks(execute=True):
        run = api.post("/api/v1/matching-runs/", {}, format="json")
    assert run.status_code == 202
    assert api.get(f"/api/v1/matching-runs/{run.json()['id']}/").json()["status"] == "done"


def test_a_worker_id_that_is_not_a_number_is_a_message_not_a_500(client, world, published):
    login(client, world.users["caseworker"])
    client.cookies["django_language"] = "en"
    for bad in ("abc", "1.5", str(2**64)):
        response = client.post(
            reverse("matching:shortlist", args=[published.pk]), {"worker": bad}, follow=True
        )
        assert response.status_code == 200
        assert "Choose a worker from the ranking." in response.content.decode()
    assert not Candidacy.objects.exists()


@pytest.mark.unheard_on_purpose  # the world's worker is deleted to give another the account
def test_a_batch_matching_from_its_page_with_its_progress(
    client, world, published, django_capture_on_commit_callbacks
):
    worker = make_worker(world)
    login(client, world.users["caseworker"])
    page = client.get(reverse("matching:runs"), HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("matching:runs"), {"jurisdiction": world.hn.pk})
    run = MatchRun.objects.get()
    assert started["Location"] == reverse("matching:run", args=[run.pk])
    shown = client.get(started["Location"], HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "1 recomendación" in shown and 'value="100"' in shown
    # The stored top shows on the order for the caseworker, with its date ...
    section = client.get(
        reverse("matching:order_candidates", args=[published.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "Recomendados por el emparejamiento por lotes" in section
    assert worker.full_name in section
    # ... and on the worker's vacancies page, for the worker.
    Worker.objects.filter(user=world.users["worker"]).delete()
    Worker.objects.filter(pk=worker.pk).update(user=world.users["worker"])
    login(client, world.users["worker"])
    mine = client.get(reverse("matching:my_vacancies"), HTTP_ACCEPT_LANGUAGE="es").content
    assert "Recomendada para usted por el emparejamiento del" in mine.decode()
    login(client, world.outsider)
    assert client.get(reverse("matching:run", args=[run.pk])).status_code == 404


def test_a_failed_matching_says_why_in_the_users_language_not_the_programs(
    client, world, published
):
    run = MatchRun.objects.create(
        jurisdiction=world.hn,
        requested_by=world.users["caseworker"],
        status="failed",
        error="ZeroDivisionError: division by zero",
    )
    login(client, world.users["caseworker"])
    page = client.get(reverse("matching:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="es")
    text = page.content.decode()
    assert "se detuvo antes de terminar" in text and "ZeroDivisionError" not in text
    assert reverse("matching:runs") in text  # and how to start again
