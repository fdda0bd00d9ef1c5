from __future__ import annotations

import pytest

from vinculo.reference.services import reference_load


def test_occupation_search_is_public_and_ranked(api):
    response = api.get(
        "/api/v1/occupations/", {"q": "soldador", "limit": 3}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"] is None
    first = body["results"][0]
    assert first["isco_code"] == "7212" and first["label"] == "welder" and first["score"] > 0


@pytest.mark.django_db
def test_occupations_without_a_query_are_paginated_and_filtered(api):
    reference_load()
    body = api.get("/api/v1/occupations/", {"isco": "9211"}).json()
    assert body["count"] > 0 and all(o["isco_code"] == "9211" for o in body["results"])


@pytest.mark.django_db
def test_occupations_answer_one_shape_with_and_without_a_query(api):
    reference_load()
    searched = api.get("/api/v1/occupations/", {"q": "soldador"}).json()
    listed = api.get("/api/v1/occupations/", {"isco": "7212"}).json()
    assert set(searched) == set(listed) == {"count", "next", "previous", "results"}
    assert set(searched["results"][0]) == set(listed["results"][0])
    assert listed["results"][0]["score"] is None


def test_countries_and_subdivisions_in_the_users_language(api):
    countries = api.get("/api/v1/countries/", {"q": "alem"}, HTTP_ACCEPT_LANGUAGE="es").json()
    assert {"code": "DE", "alpha3": "DEU", "name": "Alemania"} in countries
    departments = api.get("/api/v1/countries/HN/subdivisions/").json()
    assert len(departments) == 18
    assert {"code": "HN-CR", "name": "Cortés", "type": "Department"} in departments


def test_an_unknown_country_is_a_problem_404(api):
    response = api.get("/api/v1/countries/XX/subdivisions/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_languages_and_currencies_come_from_iso_lists(api):
    languages = api.get("/api/v1/languages/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert {"code": "es", "name": "español"} in languages or {
        "code": "es",
        "name": "Español",
    } in languages
    assert len(languages) > 150
    currencies = {c["code"]: c for c in api.get("/api/v1/currencies/").json()}
    assert currencies["HNL"]["numeric"] == "340" and "XCG" in currencies
