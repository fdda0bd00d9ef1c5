"""The job-order pages: the filer's form and its findings, the official's decisions, the public
board with JSON-LD and the check by code; in Spanish, scoped by jurisdiction."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.conftest import login
from vinculo.jobs import services
from vinculo.jobs.models import JobOrder, JobOrderState

S = JobOrderState


def _post_data(farm, **changes):
    terms = {**farm.terms, **changes}
    data = {k: v for k, v in terms.items() if k not in ("costs", "languages")}
    data.update(employer=farm.employer.pk, language_0="es", level_0="A2")
    for cost in ("recruitment_fee", "travel_in", "travel_out", "visa", "medical", "insurance"):
        data[f"cost_{cost}"] = "employer"
    data["housing_provided"] = "on"
    return data


def _es(client):
    client.cookies["django_language"] = "es"


def test_the_filer_sees_the_refusal_explained_in_spanish_and_fixes_it(client, world, farm):
    login(client, world.users["employer_staff"])
    _es(client)
    response = client.post(reverse("jobs:order_new"), _post_data(farm, wage_amount="15.00"))
    order = JobOrder.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("jobs:order_detail", args=[order.pk])).content.decode()
    assert "No cumple la regla" in page and "Employment Standards Act" in page
    assert "17,60" in page and "17.60" not in page
    submitted = client.post(
        reverse("jobs:order_move", args=[order.pk]), {"to": "submitted", "expected_state": "draft"}
    )
    assert submitted.status_code == 409
    assert "no cumple todavía" in submitted.content.decode()
    edit = client.get(reverse("jobs:order_edit", args=[order.pk]))
    assert edit.status_code == 200 and 'value="15.00"' in edit.content.decode()
    data = _post_data(farm, wage_amount="18.00")
    data["version"] = order.version
    assert client.post(reverse("jobs:order_edit", args=[order.pk]), data).status_code == 302
    done = client.post(
        reverse("jobs:order_move", args=[order.pk]), {"to": "submitted", "expected_state": "draft"}
    )
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.state == S.SUBMITTED


def test_a_form_error_shows_next_to_its_field(client, world, farm):
    login(client, world.users["employer_staff"])
    _es(client)
    data = _post_data(farm, end_date=farm.terms["start_date"].replace(day=1, month=1))
    response = client.post(reverse("jobs:order_new"), data)
    assert response.status_code == 400
    assert "La fecha final es anterior a la fecha inicial" in response.content.decode()
    assert not JobOrder.objects.exists()


def _published(world, farm):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    services.order_move(actor=world.users["official"], order_id=order.pk, to=S.APPROVED)
    return services.order_move(actor=world.users["official"], order_id=order.pk, to=S.PUBLISHED)


def test_the_official_approves_from_the_page(client, world, farm):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    login(client, world.users["official"])
    page = client.get(reverse("jobs:order_detail", args=[order.pk])).content.decode()
    assert "Approve" in page or "Aprobar" in page
    response = client.post(
        reverse("jobs:order_move", args=[order.pk]),
        {"to": "approved", "expected_state": "submitted"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == S.APPROVED and order.verification_code


def test_a_return_without_reason_is_refused_on_the_page(client, world, farm):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    login(client, world.users["official"])
    response = client.post(
        reverse("jobs:order_move", args=[order.pk]),
        {"to": "returned", "expected_state": "submitted"},
    )
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == S.SUBMITTED


def test_the_board_shows_published_vacancies_with_json_ld(client, world, farm):
    order = _published(world, farm)
    board = client.get(reverse("jobs:board"), {"country": "CA", "occupation": "61"})
    assert order.title in board.content.decode()
    assert (
        order.title not in client.get(reverse("jobs:board"), {"occupation": "7"}).content.decode()
    )
    page = client.get(reverse("jobs:vacancy", args=[order.pk])).content.decode()
    ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert ld["@type"] == "JobPosting" and ld["title"] == "Apple pickers"
    assert ld["baseSalary"]["value"]["value"] == 18.0 and ld["baseSalary"]["currency"] == "CAD"
    assert ld["jobLocation"]["address"]["addressRegion"] == "CA-ON"
    assert ld["identifier"]["value"] == order.verification_code
    assert ld["totalJobOpenings"] == 12 and ld["occupationalCategory"] == "6111"


def test_a_draft_is_not_on_the_board(client, world, farm):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    assert client.get(reverse("jobs:vacancy", args=[order.pk])).status_code == 404


def test_anyone_checks_an_offer_by_its_code(client, world, farm):
    order = _published(world, farm)
    _es(client)
    found = client.get(reverse("jobs:verify"), {"code": order.verification_code.lower()})
    assert "Esta oferta es real" in found.content.decode() and "18,00 CAD" in found.content.decode()
    missing = client.get(reverse("jobs:verify"), {"code": "JO-0000-0000"})
    assert "Ninguna oferta aprobada tiene este código" in missing.content.decode()


def test_the_public_check_is_rate_limited(client, world, farm, settings, monkeypatch):
    from vinculo.web import ratelimit

    monkeypatch.setattr(ratelimit, "PUBLIC_PAGE_RATE", "2/m")
    for _ in range(2):
        assert client.get(reverse("jobs:verify"), {"code": "JO-0000-0000"}).status_code == 200
    assert client.get(reverse("jobs:verify"), {"code": "JO-0000-0000"}).status_code == 429


@pytest.mark.parametrize("name", ["jobs:order_detail", "jobs:order_edit"])
def test_another_jurisdiction_gets_404(client, world, farm, name):
    order = services.order_create(
        actor=world.users["employer_staff"], employer_id=farm.employer.pk, values=farm.terms
    )
    login(client, world.outsider)
    assert client.get(reverse(name, args=[order.pk])).status_code == 404
    assert (
        client.post(reverse("jobs:order_move", args=[order.pk]), {"to": "closed"}).status_code
        == 404
    )
    assert order.title not in client.get(reverse("jobs:order_list")).content.decode()


def test_workers_have_no_job_order_pages(client, world):
    login(client, world.users["worker"])
    assert client.get(reverse("jobs:order_list")).status_code == 404
    assert client.get(reverse("jobs:order_new")).status_code == 404


def test_a_real_and_a_fake_offer_look_different_and_say_so_to_screen_readers(client, world, farm):
    order = _published(world, farm)
    _es(client)
    real = client.get(reverse("jobs:verify"), {"code": order.verification_code}).content.decode()
    fake = client.get(reverse("jobs:verify"), {"code": "JO-0000-0000"}).content.decode()
    assert 'class="verdict real"' in real and 'aria-label="Oferta real"' in real and "✓" in real
    assert 'class="verdict fake"' in fake and 'aria-label="Oferta no real"' in fake and "✗" in fake
    assert 'role="alert"' in fake and "verdict real" not in fake and "verdict fake" not in real


def test_a_region_outside_the_chosen_country_is_a_field_error_and_no_vacancies(client, world, farm):
    order = _published(world, farm)
    assert order.title in client.get(reverse("jobs:board"), {"country": "CA"}).content.decode()
    response = client.get(
        reverse("jobs:board"), {"country": "CA", "region": "ES-AN"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert response.context["form"].errors["region"] == [
        "ES-AN is not a region of the chosen country."
    ]
    assert "ES-AN is not a region of the chosen country." in page
    assert order.title not in page and response.context["page"].paginator.count == 0
