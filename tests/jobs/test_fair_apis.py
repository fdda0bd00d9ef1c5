"""Job fairs over the API: an organiser creates a fair, offers a vacancy, counts a worker met
there and reads the figures; bad input answers problem+json in the caller's language; another
jurisdiction's official gets 404 on every fair endpoint; the public fair needs no sign-in."""

from __future__ import annotations

from datetime import date

from tests.factories import WorkerFactory
from tests.jobs.test_fairs import _published
from vinculo.core.audit import AuditVerb
from vinculo.core.models import AuditEvent
from vinculo.jobs import selectors, services
from vinculo.jobs.models import FairRegistration

FAIR = {
    "name": "Feria de empleo de Choloma",
    "country": "HN",
    "subdivision": "HN-CR",
    "municipality": "Choloma",
    "starts_on": "2027-02-10",
    "ends_on": "2027-02-11",
}


def test_organise_a_fair_offer_a_vacancy_and_count_a_worker(api, world, farm):
    official = world.users["official"]
    api.force_authenticate(official)
    created = api.post("/api/v1/job-fairs/", FAIR, format="json")
    assert created.status_code == 201
    fair = created.json()
    assert fair["jurisdiction"] == world.hn.code and fair["figures"]["registrations"] == 0
    order = _published(world, farm)
    offered = api.post(
        f"/api/v1/job-fairs/{fair['id']}/vacancies/", {"orders": [order.pk]}, format="json"
    )
    assert offered.status_code == 200
    assert [v["id"] for v in offered.json()["vacancies"]] == [order.pk]
    assert offered.json()["employers"] == [{"id": farm.employer.pk, "name": farm.employer.name}]
    worker = WorkerFactory(jurisdiction=world.hn)
    for _ in range(2):  # counted once
        counted = api.post(
            f"/api/v1/job-fairs/{fair['id']}/registrations/",
            {"worker": worker.registration_number.lower()},
            format="json",
        )
        assert counted.status_code == 201
    assert counted.json()["registrations"] == 1
    assert FairRegistration.objects.get().worker == worker
    listed = api.get("/api/v1/job-fairs/").json()["results"]
    assert [(f["id"], f["figures"]["vacancies"]) for f in listed] == [(fair["id"], 1)]
    detail = api.get(f"/api/v1/job-fairs/{fair['id']}/").json()
    assert detail["figures"]["positions"] == order.positions
    assert AuditEvent.objects.filter(verb=AuditVerb.JOB_FAIR_CREATED).count() == 1
    assert AuditEvent.objects.filter(verb=AuditVerb.JOB_FAIR_CHANGED).count() == 3

    api.force_authenticate(None)
    public = api.get(f"/api/v1/public/job-fairs/{fair['id']}/")
    assert public.status_code == 200
    assert public.json()["employers"] == [farm.employer.name]
    assert [v["verification_code"] for v in public.json()["vacancies"]] == [order.verification_code]
    assert api.get("/api/v1/public/job-fairs/999999/").status_code == 404


def test_the_list_reads_every_fairs_figures_in_one_query(api, world, farm):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.force_authenticate(world.users["official"])
    counts = []
    for _ in range(2):
        _fair(world)
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/job-fairs/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]  # one fair or two: the same queries


def test_bad_input_answers_problem_json_in_the_callers_language(api, world, farm):
    api.force_authenticate(world.users["official"])
    reversed_dates = api.post(
        "/api/v1/job-fairs/",
        {**FAIR, "ends_on": "2027-02-09"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert reversed_dates.status_code == 400
    assert reversed_dates["Content-Type"] == "application/problem+json"
    body = reversed_dates.json()
    assert "ends_on" in str(body) and "El último día es anterior al primero." in str(body)
    missing = api.post("/api/v1/job-fairs/", {"country": "HN"}, format="json")
    assert missing.status_code == 400 and missing["Content-Type"] == "application/problem+json"
    fair = _fair(world)
    draft = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    refused = api.post(
        f"/api/v1/job-fairs/{fair.pk}/vacancies/", {"orders": [draft.pk]}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "order_not_open"
    # A worker of another authority is no worker of this fair's.
    elsewhere = WorkerFactory(jurisdiction=world.cr)
    unknown = api.post(
        f"/api/v1/job-fairs/{fair.pk}/registrations/",
        {"worker": elsewhere.registration_number},
        format="json",
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "worker_unknown"
    assert not FairRegistration.objects.exists()
    api.force_authenticate(world.users["employer_staff"])
    forbidden = api.post("/api/v1/job-fairs/", FAIR, format="json")
    assert forbidden.status_code == 403
    assert forbidden["Content-Type"] == "application/problem+json"


def test_another_jurisdiction_gets_404_on_every_fair_endpoint(api, world, farm):
    fair = _fair(world)
    order = _published(world, farm)
    worker = WorkerFactory(jurisdiction=world.hn)
    api.force_authenticate(world.outsider)
    assert api.get("/api/v1/job-fairs/").json()["results"] == []
    assert api.get(f"/api/v1/job-fairs/{fair.pk}/").status_code == 404
    offered = api.post(
        f"/api/v1/job-fairs/{fair.pk}/vacancies/", {"orders": [order.pk]}, format="json"
    )
    counted = api.post(
        f"/api/v1/job-fairs/{fair.pk}/registrations/",
        {"worker": worker.registration_number},
        format="json",
    )
    assert offered.status_code == counted.status_code == 404
    assert offered["Content-Type"] == "application/problem+json"
    assert not fair.orders.exists() and not FairRegistration.objects.exists()


def _fair(world):
    return services.fair_create(
        actor=world.users["official"],
        values=services.FairValues(
            "Feria", "HN", "", "Choloma", "", date(2027, 2, 10), date(2027, 2, 11)
        ),
    )


def test_an_order_id_past_the_databases_range_is_a_field_error(api, world):
    fair = _fair(world)
    api.force_authenticate(world.users["official"])
    response = api.post(
        f"/api/v1/job-fairs/{fair.pk}/vacancies/", {"orders": [2**63, 2**70]}, format="json"
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == {"orders.0", "orders.1"}
    # and a fair's id past it in the path is no fair at all
    beyond = api.post(f"/api/v1/job-fairs/{2**64}/vacancies/", {"orders": [1]}, format="json")
    assert beyond.status_code == 404 and beyond["Content-Type"] == "application/problem+json"


def test_a_fair_in_another_country_or_in_the_past_is_refused_in_spanish(api, world):
    api.force_authenticate(world.users["official"])  # of Honduras
    afghanistan = {**FAIR, "country": "AF", "subdivision": ""}
    response = api.post("/api/v1/job-fairs/", afghanistan, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {
            "field": "country",
            "code": "country_not_jurisdictions",
            "message": "Una feria de Autoridad HN-STSS tiene lugar en Honduras.",
        }
    ]
    past = {**FAIR, "starts_on": "2000-01-10", "ends_on": "2000-01-11"}
    response = api.post("/api/v1/job-fairs/", past, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("starts_on", "date_past")
    ]
    assert not selectors.fair_list(actor=world.users["official"]).exists()
