"""The public vacancy board as the page workers share: its queries do not grow with the number
of vacancies, its filters are drawn from choices kept per language, the drawn page is cached but
a vacancy published, withdrawn or changed is on the next page at once, and an anonymous visitor
gets no cookie."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from vinculo.jobs import services
from vinculo.jobs.models import JobOrder, JobOrderState
from vinculo.reference.countries import country_list, subdivision_list
from vinculo.web.widgets import PlainSelect

S = JobOrderState


def _published(world, farm, **changes):
    order = services.order_create(
        actor=world.users["employer_staff"],
        employer_id=farm.employer.pk,
        values={**farm.terms, **changes},
    )
    services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    services.order_move(actor=world.users["official"], order_id=order.pk, to=S.APPROVED)
    return services.order_move(actor=world.users["official"], order_id=order.pk, to=S.PUBLISHED)


def _copies(order: JobOrder, count: int) -> None:
    """More published vacancies like `order`, each with its own employer: a per-row query for
    the employer would show in the count."""
    from tests.factories import OrganisationFactory

    copies = []
    for i in range(count):
        copy = JobOrder(
            **{
                f.attname: getattr(order, f.attname)
                for f in JobOrder._meta.concrete_fields
                if not f.primary_key
            }
        )
        copy.employer = OrganisationFactory(name=f"Farm {i}", kind=order.employer.kind)
        copy.title = f"Pickers {i}"
        copy.verification_code = f"JO-{i:04d}-TEST"
        copies.append(copy)
    JobOrder.objects.bulk_create(copies)


def _queries(client: Client, url: str, **params) -> int:
    caches["pages"].clear()  # count the drawing of the page, not a cached copy
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_the_board_reads_as_many_queries_for_one_vacancy_as_for_thirty(client, world, farm):
    order = _published(world, farm)
    board = reverse("jobs:board")
    one = _queries(client, board)
    one_filtered = _queries(client, board, country="CA", q="Pickers")
    _copies(order, 30)
    assert JobOrder.objects.filter(state=S.PUBLISHED).count() == 31
    assert _queries(client, board) == one
    assert _queries(client, board, country="CA", q="Pickers") == one_filtered
    assert "Farm 29" in client.get(board).content.decode()


def test_a_vacancy_page_reads_a_fixed_number_of_queries(client, world, farm):
    order = _published(world, farm)
    page = reverse("jobs:vacancy", args=[order.pk])
    before = _queries(client, page)
    _copies(order, 10)
    assert _queries(client, page) == before


def test_a_second_visit_is_served_from_the_cache_with_one_query(client, world, farm):
    order = _published(world, farm)
    board = reverse("jobs:board")
    first = client.get(board)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(board)
    assert second.content == first.content and order.title in second.content.decode()
    # Only the board's version is read.
    assert len(captured.captured_queries) == 1
    assert "jobs_joborder" in captured.captured_queries[0]["sql"]


def test_a_browser_that_asks_again_gets_304_until_a_vacancy_changes(client, world, farm):
    order = _published(world, farm)
    board = reverse("jobs:board")
    etag = client.get(board)["ETag"]
    assert client.get(board, headers={"if-none-match": etag}).status_code == 304
    services.order_move(
        actor=world.users["official"], order_id=order.pk, to=S.CLOSED, reason="All hired"
    )
    changed = client.get(board, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_publication_and_withdrawal_are_on_the_cached_board_at_once(client, world, farm):
    board = reverse("jobs:board")
    first = _published(world, farm, title="Apple pickers")
    assert "Apple pickers" in client.get(board).content.decode()  # drawn and cached

    _published(world, farm, title="Cherry packers")
    page = client.get(board).content.decode()
    assert "Cherry packers" in page and "Apple pickers" in page

    services.order_move(
        actor=world.users["official"], order_id=first.pk, to=S.CLOSED, reason="Season cancelled"
    )
    page = client.get(board).content.decode()
    assert "Apple pickers" not in page and "Cherry packers" in page
    assert client.get(reverse("jobs:vacancy", args=[first.pk])).status_code == 404


def test_changed_terms_are_on_the_cached_pages_at_once(client, world, farm):
    order = _published(world, farm)
    board, page = reverse("jobs:board"), reverse("jobs:vacancy", args=[order.pk])
    client.cookies["django_language"] = "en"
    assert "18.00" in client.get(board).content.decode()
    assert "18.00" in client.get(page).content.decode()
    order.wage_amount = Decimal("19.25")
    order.save()  # any save of an order, whoever makes it
    assert "19.25" in client.get(board).content.decode()
    assert "19.25" in client.get(page).content.decode()


def test_each_language_and_each_filter_has_its_own_page(client, world, farm):
    _published(world, farm)
    board = reverse("jobs:board")
    client.cookies["django_language"] = "en"
    english = client.get(board, {"country": "CA"}).content.decode()
    client.cookies["django_language"] = "es"
    spanish = client.get(board, {"country": "CA"}).content.decode()
    assert '<option value="CA" selected>Canada</option>' in english
    assert '<option value="CA" selected>Canadá</option>' in spanish
    other = client.get(board, {"country": "ES"}).content.decode()
    assert '<option value="ES" selected>España</option>' in other
    assert "Apple pickers" not in other


def test_the_filters_are_drawn_from_choices_kept_per_language(client, world, farm):
    _published(world, farm)
    # The lists are built once per language and then kept: the same objects come back.
    assert country_list(language="es")[0] is country_list(language="es")[0]
    assert country_list(language="es")[0] is not country_list(language="en")[0]
    assert subdivision_list("CA", language="en")[0] is subdivision_list("CA", language="en")[0]
    client.cookies["django_language"] = "en"
    page = client.get(reverse("jobs:board"), {"country": "CA", "region": "CA-QC"}).content
    page = page.decode()
    assert '<option value="CA-QC" selected>Quebec</option>' in page
    assert '<option value="CA-ON">Ontario</option>' in page
    assert '<option value="agriculture">' in page


@pytest.mark.parametrize("value", [None, "", "CA", "C&A"])
def test_a_plain_select_writes_what_django_s_select_writes(value):
    choices = [("", "Any"), ("CA", "Canada"), ("C&A", 'Tom & "Jerry" <b>')]
    attrs = {"id": "id_country", "hx-get": "/x/?a=1&b=2", "required": True, "disabled": False}
    ours = PlainSelect(choices=choices).render("country", value, attrs=attrs)
    django = forms.Select(choices=choices).render("country", value, attrs=attrs)
    # The same element, attributes and options (parse_html ignores attribute order and blanks
    # between elements, as assertHTMLEqual does).
    assert parse_html(ours) == parse_html(django)
    assert ours.count(" selected") == django.count(" selected")


@pytest.mark.parametrize(
    "name,params",
    [
        ("jobs:board", {}),
        ("jobs:board", {"country": "CA"}),
        ("jobs:verify", {"code": "JO-0000-0000"}),
        ("registry_orgs:agency_verify", {"q": "HN"}),
        ("reference:occupations", {"occupation__q": "fruta"}),
        ("home", {}),
    ],
)
def test_an_anonymous_public_page_sets_no_cookie(client, world, farm, name, params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    assert not response.cookies  # no session, no CSRF token: nothing kept about the visitor


def test_an_anonymous_vacancy_page_sets_no_cookie(client, world, farm):
    order = _published(world, farm)
    response = client.get(reverse("jobs:vacancy", args=[order.pk]))
    assert response.status_code == 200 and not response.cookies


def test_the_language_switch_needs_no_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/vacancies/"})
    assert response.status_code == 302 and response["Location"] == "/vacancies/"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/vacancies/").content.decode()
    assert 'lang="en"' in page


def test_a_signed_in_visitor_is_never_served_the_anonymous_copy(client, world, farm):
    _published(world, farm)
    board = reverse("jobs:board")
    anonymous = client.get(board).content.decode()
    assert "Sign out" not in anonymous and "Cerrar sesión" not in anonymous
    login(client, world.users["employer_staff"])
    signed_in = client.get(board)
    assert "ETag" not in signed_in
    page = signed_in.content.decode()
    assert "Sign out" in page or "Cerrar sesión" in page


def test_the_public_check_rate_comes_from_the_settings(client, world, farm, settings):
    settings.PUBLIC_PAGE_RATE = "1/m"
    assert client.get(reverse("jobs:verify"), {"code": "JO-0000-0000"}).status_code == 200
    assert client.get(reverse("jobs:verify"), {"code": "JO-0000-0000"}).status_code == 429


def test_up_compresses_static_files_with_gzip_only():
    from vinculo.web.storage import CompressedStaticStorage

    assert CompressedStaticStorage().create_compressor().use_brotli is False


def test_a_vacancy_page_cached_for_one_host_name_is_not_served_for_another(world, farm, settings):
    settings.ALLOWED_HOSTS = ["vinculo.example", "empleo.example"]
    order = _published(world, farm)
    page = reverse("jobs:vacancy", args=[order.pk])
    first = Client(HTTP_HOST="vinculo.example").get(page).content.decode()
    second = Client(HTTP_HOST="empleo.example").get(page).content.decode()
    assert "http://vinculo.example/vacancies/" in first
    assert "http://empleo.example/vacancies/" in second


def test_a_browser_that_takes_gzip_gets_the_page_compressed_once(client, world, farm):
    import gzip

    _published(world, farm)
    board = reverse("jobs:board")
    plain = client.get(board)
    packed = client.get(board, headers={"accept-encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert "Content-Encoding" not in plain and packed["ETag"] != plain["ETag"]
    assert (
        client.get(
            board, headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]}
        ).status_code
        == 304
    )
