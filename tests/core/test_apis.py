from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_me_needs_authentication_and_answers_problem_json(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_me_with_a_token(api, world):
    token = Token.objects.create(user=world.users["official"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api.get("/api/v1/me/").json()
    assert body["username"] == "official.hn"
    assert body["memberships"][0]["jurisdiction"] == "HN-STSS"
    assert "registry.view_workers" in body["permissions"]
    assert "core.view_audit_log" not in body["permissions"]


def test_unknown_api_paths_are_problem_json_404(api):
    response = api.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_field_errors_come_in_the_users_language(api):
    response = api.get("/api/v1/occupations/", {"limit": 0}, HTTP_ACCEPT_LANGUAGE="es")
    body = response.json()
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert body["title"] == "Algunos campos no son válidos."
    assert body["errors"] == [
        {
            "field": "limit",
            "code": "min_value",
            "message": "Asegúrese de que este valor es mayor o igual a 1.",
        }
    ]


def test_the_openapi_schema_and_offline_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in docs
    # Nothing is fetched from elsewhere (a CDN): every script and style is served by Vínculo.
    # (Not a search for "cdn" anywhere: the page's random CSRF token contains it now and then.)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", docs)
    assert "cdn." not in docs.lower()
