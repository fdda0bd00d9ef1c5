"""The API fuzzed against its own OpenAPI schema: no 5xx, and every error is problem+json."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


def errors_are_problem_json(ctx, response, case) -> None:
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/problem+json"), (
            f"{case.method} {case.formatted_path} answered {response.status_code} "
            f"as {content_type!r}"
        )
        body = response.json()
        assert body["status"] == response.status_code and body["title"] and body["type"]


@pytest.fixture
def connections_kept_open():
    """Django's test client stops request signals from closing the database connection inside
    the test's transaction; schemathesis calls the WSGI app directly, so do the same here."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connections_kept_open")
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_api_answers_every_generated_request_well(case):
    case.call_and_validate(checks=[not_a_server_error, errors_are_problem_json])
