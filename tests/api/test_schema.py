"""The OpenAPI schema says what the API does: no generator warning, one shape per component and
per endpoint, lists documented as the paginated envelope, every error as problem+json."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from vinculo.core.schema import component_name


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --fail-on-warn raises on any warning (two components with one name, an unresolvable
    # serializer, an enum or operationId collision), so `./run test` catches them as CI does.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    return yaml.safe_load(out.read_text())


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_nested_serializers_of_two_views_get_two_names():
    from vinculo.linkage.apis import PairMergeApi, RunListApi
    from vinculo.matching.apis import DecideApi

    names = {
        component_name(RunListApi.InputSerializer),
        component_name(PairMergeApi.InputSerializer),
        component_name(DecideApi.NotSelectInput),
    }
    assert names == {"LinkageRunListInput", "LinkagePairMergeInput", "MatchingDecideNotSelectInput"}


def test_each_request_body_is_its_own_shape(schema):
    decide = schema["paths"]["/api/v1/candidacies/{candidacy_id}/decision/"]["post"]
    merge = schema["paths"]["/api/v1/duplicate-pairs/{pair_id}/merge/"]["post"]
    refs = [
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"] for op in (decide, merge)
    ]
    assert refs[0] != refs[1]
    merge_body = schema["components"]["schemas"][refs[1].rsplit("/", 1)[1]]
    assert set(merge_body["properties"]) == {"keep"}


def test_paginated_lists_are_documented_as_the_envelope(schema):
    for path in ("/api/v1/workers/", "/api/v1/vacancies/", "/api/v1/occupations/"):
        operation = schema["paths"][path]["get"]
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        envelope = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert {"count", "next", "previous", "results"} <= set(envelope["properties"]), path
        assert {"page", "page_size"} <= {p["name"] for p in operation["parameters"]}, path


def test_every_error_is_documented_as_problem_json(schema):
    assert "Problem" in schema["components"]["schemas"]
    for path, _method, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert list(response["content"]) == ["application/problem+json"], (path, status)
                assert response["content"]["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def test_401_and_404_are_documented_where_they_can_occur(schema):
    workers = schema["paths"]["/api/v1/workers/{worker_id}/"]["get"]["responses"]
    assert {"401", "403", "404"} <= set(workers)
    public = schema["paths"]["/api/v1/public/workers/{number}/"]["get"]["responses"]
    assert "401" not in public and {"404", "429"} <= set(public)
    create = schema["paths"]["/api/v1/job-fairs/"]["post"]["responses"]
    assert {"400", "401", "403", "409"} <= set(create)
