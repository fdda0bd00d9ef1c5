"""The job-order API: problem+json errors, the findings in the answer, another jurisdiction's
orders a 404, and the public vacancy board and check by code."""

from __future__ import annotations

from vinculo.jobs import services
from vinculo.jobs.models import JobOrderState

S = JobOrderState


def _json_terms(farm, **changes):
    terms = {**farm.terms, **changes}
    terms["start_date"] = terms["start_date"].isoformat()
    terms["end_date"] = terms["end_date"].isoformat()
    return terms


def test_file_check_fix_and_submit_over_the_api(api, world, farm):
    api.force_authenticate(world.users["employer_staff"])
    created = api.post(
        "/api/v1/job-orders/",
        {**_json_terms(farm, wage_amount="15.00"), "employer": farm.employer.pk},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert [f["code"] for f in body["findings"] if not f["passed"]] == ["minimum_wage"]
    refused = api.post(f"/api/v1/job-orders/{body['id']}/move/", {"to": "submitted"}, format="json")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "job_order_check_failed"
    fixed = api.put(
        f"/api/v1/job-orders/{body['id']}/",
        {**_json_terms(farm), "version": body["version"]},
        format="json",
    )
    assert fixed.status_code == 200 and all(f["passed"] for f in fixed.json()["findings"])
    stale = api.put(
        f"/api/v1/job-orders/{body['id']}/",
        {**_json_terms(farm), "version": body["version"]},
        format="json",
    )
    assert stale.status_code == 409
    assert (
        api.post(
            f"/api/v1/job-orders/{body['id']}/move/", {"to": "submitted"}, format="json"
        ).status_code
        == 200
    )


def test_bad_fields_answer_problem_json(api, world, farm):
    api.force_authenticate(world.users["employer_staff"])
    response = api.post(
        "/api/v1/job-orders/",
        {**_json_terms(farm, worksite_subdivision="CA-ZZ"), "employer": farm.employer.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_another_jurisdiction_gets_404(api, world, farm):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    api.force_authenticate(world.outsider)
    assert api.get(f"/api/v1/job-orders/{order.pk}/").status_code == 404
    assert (
        api.post(
            f"/api/v1/job-orders/{order.pk}/move/", {"to": "approved"}, format="json"
        ).status_code
        == 404
    )
    assert api.get("/api/v1/job-orders/").json()["count"] == 0


def test_the_public_board_and_the_check_by_code(api, world, farm):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    assert api.get(f"/api/v1/job-offers/{order.pk}/").status_code == 404
    services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    order = services.order_move(actor=world.users["official"], order_id=order.pk, to=S.APPROVED)
    assert api.get("/api/v1/vacancies/").json()["count"] == 0
    services.order_move(actor=world.users["official"], order_id=order.pk, to=S.PUBLISHED)
    board = api.get("/api/v1/vacancies/", {"country": "CA", "occupation": "6111"}).json()
    assert [v["id"] for v in board["results"]] == [order.pk]
    assert "findings" not in board["results"][0]
    checked = api.get(f"/api/v1/job-offers/{order.verification_code}/")
    assert checked.status_code == 200 and checked.json()["wage_amount"] == "18.00"
    assert api.get("/api/v1/job-offers/JO-0000-0000/").status_code == 404


def test_vacancies_refuse_a_region_outside_the_country(api, world, farm):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    services.order_move(actor=world.users["official"], order_id=order.pk, to=S.APPROVED)
    services.order_move(actor=world.users["official"], order_id=order.pk, to=S.PUBLISHED)
    ok = api.get("/api/v1/vacancies/", {"country": "CA", "region": "CA-ON"}).json()
    assert [v["id"] for v in ok["results"]] == [order.pk]
    cases = [
        ({"country": "CA", "region": "ES-AN"}, "region", "ES-AN is not a region of Canada."),
        ({"region": "XX-ZZ"}, "region", "XX-ZZ is not a region of any country."),
        ({"country": "ZZ"}, "country", "Choose a country."),
    ]
    for params, field, message in cases:
        response = api.get("/api/v1/vacancies/", params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, params
        assert response["Content-Type"] == "application/problem+json"
        assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [(field, message)]
