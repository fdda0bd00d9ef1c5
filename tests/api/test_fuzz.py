"""The API fuzzed against its own OpenAPI schema with every schemathesis check, anonymously and
with the token of a demo official who sees real data: no 5xx, every answer as documented
(status, media type, body, headers), valid input accepted, invalid input refused, and every
error as problem+json."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from vinculo.core.models import User

# Few examples per operation and mode keep both runs to a few minutes on two cores; the data
# are derandomized so a failure in CI is the same failure on a developer's machine.
EXAMPLES = 8

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
# positive_data_acceptance stays on, with 400 among the answers it accepts to data the schema
# allows: no OpenAPI schema can say that an occupation id must exist, that a region must be one
# of the chosen country, that a fair happens in its authority's country from today on, or that a
# file must really be a spreadsheet. Such a request is refused by a business rule, with that
# rule's own code; the check below still fails any 400 that the serializer gives to schema-valid
# data, since that would be the schema and the code disagreeing.
_acceptance = schema.config.checks.positive_data_acceptance
_acceptance.expected_statuses = [*_acceptance.expected_statuses, "400"]


def errors_are_problem_json(ctx, response, case) -> None:
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/problem+json"), (
            f"{case.method} {case.formatted_path} answered {response.status_code} "
            f"as {content_type!r}"
        )
        body = response.json()
        assert body["status"] == response.status_code and body["title"] and body["type"]


def valid_data_is_refused_only_by_a_rule(ctx, response, case) -> None:
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if response.status_code == 400:
        body = response.json()
        assert body["code"] != "validation_failed", (
            f"{case.method} {case.formatted_path}: data the schema allows refused by the "
            f"serializer: {body.get('errors')}"
        )


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


@pytest.fixture
def demo_token(db, monkeypatch) -> str:
    """The demo as `./run up` loads it, with fewer workers: the official of Honduras then sees
    workers, job orders, candidacies and fairs, so generated ids sometimes hit real objects."""
    from rest_framework.authtoken.models import Token

    from vinculo.demo import catalogue
    from vinculo.demo.services import demo_load
    from vinculo.reference.services import reference_load

    monkeypatch.setitem(catalogue.SIZES, "small", 300)
    reference_load()
    demo_load(size="small")
    return Token.objects.create(user=User.objects.get(username="oficial.hn")).key


def _fuzz(headers: dict[str, str]) -> list[str]:
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case) -> None:
                # No `checks=`: every check schemathesis has runs (all are enabled by default,
                # and test_every_schemathesis_check_is_enabled keeps it so).
                case.call_and_validate(
                    headers=headers,
                    additional_checks=[
                        errors_are_problem_json,
                        valid_data_is_refused_only_by_a_rule,
                    ],
                )

            try:
                run()
            except Unsatisfiable:
                # Nothing to make invalid (no parameters, or only free-form strings): there is
                # no negative request to send, which is not a failure of the API.
                continue
            except (Exception, BaseExceptionGroup) as exc:  # every operation reported at once
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    return failures


def test_every_schemathesis_check_is_enabled():
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    config = schema.config.checks_config_for()
    disabled = [
        c.__name__ for c in CHECKS.get_all() if not config.get_by_name(name=c.__name__).enabled
    ]
    assert disabled == []


@pytest.mark.usefixtures("connections_kept_open")
def test_api_fuzzed_anonymously(demo_token):
    failures = _fuzz({})
    assert not failures, "\n\n".join(failures)


@pytest.mark.usefixtures("connections_kept_open")
def test_api_fuzzed_with_a_token(demo_token):
    failures = _fuzz({"Authorization": f"Token {demo_token}"})
    assert not failures, "\n\n".join(failures)
