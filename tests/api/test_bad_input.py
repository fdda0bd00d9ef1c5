"""Every id and number a request carries is checked at the edge: the schema bounds each integer
to what the database holds, and a value past it answers 404 (in the path) or a field error (in a
body or a form), never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from vinculo.core.converters import MAX_ID, parse_id

pytestmark = pytest.mark.django_db


def _integers(schema: dict, node: object, where: str):
    """Every integer a client may send, with where it is."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            yield from _integers(schema, schema["components"]["schemas"][name], f"{where}>{name}")
            return
        if node.get("type") == "integer":
            yield where, node
        for key, value in node.items():
            if key not in ("$ref", "example"):
                yield from _integers(schema, value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _integers(schema, value, f"{where}[{index}]")


def test_every_integer_a_client_sends_is_bounded_to_the_databases_range():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    unbounded = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            sent = [operation.get("parameters", []), operation.get("requestBody", {})]
            for where, integer in _integers(schema, sent, f"{method.upper()} {path}"):
                if integer.get("readOnly"):
                    continue
                if not ("minimum" in integer and integer.get("maximum", MAX_ID + 1) <= MAX_ID):
                    unbounded.append(where)
    assert unbounded == []


def test_ids_from_forms_and_query_strings_are_read_strictly():
    assert parse_id("42") == 42 and parse_id(7) == 7
    for bad in ("", "abc", "4.2", "-1", "0", "٤٢", str(MAX_ID + 1), "9" * 40, None, True, [1]):
        assert parse_id(bad) is None, bad


@pytest.mark.parametrize("beyond", [str(MAX_ID + 1), "9" * 19])
def test_an_id_past_the_databases_range_in_a_path_is_404(api, client, world, beyond):
    # 9 999 999 999 999 999 999 has 19 digits like MAX_ID and is bigger than it
    api.force_authenticate(world.users["official"])
    for path in (f"/api/v1/job-orders/{beyond}/", f"/api/v1/workers/{beyond}/"):
        response = api.get(path)
        assert response.status_code == 404 and response["Content-Type"].startswith(
            "application/problem+json"
        ), path
    login(client, world.users["official"])
    assert client.get(f"/job-orders/{beyond}/").status_code == 404


def test_a_malformed_id_in_a_kiosk_address_is_404(client, world):
    login(client, world.users["official"])
    for bad in ("abc", str(2**64)):
        path = reverse("jobs:fair_kiosk", args=[1]).replace("/1/", f"/{bad}/")
        assert client.get(path).status_code == 404


def test_a_page_size_that_is_no_number_is_a_field_error(api):
    response = api.get("/api/v1/vacancies/", {"page_size": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {
            "field": "page_size",
            "code": "invalid",
            "message": "Enter a whole number from 1 to 500.",
        }
    ]
    for fine in ({"page_size": ""}, {"page_size": "500"}, {"page": "1"}):
        assert api.get("/api/v1/vacancies/", fine).status_code == 200, fine
    assert api.get("/api/v1/vacancies/", {"page": "0"}).status_code == 400
    assert api.get("/api/v1/vacancies/", {"page": "2"}).status_code == 404  # past the last
