"""On a phone, with the keyboard: an employer registers itself, an official suspends a licence,
and anyone checks the agency on the public page. No serious accessibility violation, and nothing
wider than the screen."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.e2e.conftest import PHONE, serious_accessibility_violations
from tests.registry.organisations.factories import AgencyFactory, LicenceFactory
from vinculo.core.models import Organisation
from vinculo.registry.models import LicenceState

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The public pages count requests per IP in the cache, which outlives a test."""
    cache.clear()


@pytest.fixture
def phone_en(browser):
    context = browser.new_context(
        viewport=PHONE,
        locale="en-US",
        is_mobile=True,
        has_touch=True,
        extra_http_headers={"Accept-Language": "en"},
    )
    page = context.new_page()
    yield page
    context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def check(page) -> None:
    assert serious_accessibility_violations(page) == []
    assert fits_the_screen(page)


def test_an_employer_registers_itself_on_a_phone(live_server, world, phone_en):
    page = phone_en
    page.goto(f"{live_server.url}/employers/register/")
    check(page)
    page.get_by_label("Legal name of the employer").fill("Melonera del Sur S.A.")
    page.get_by_label("Country where it is registered").select_option("HN")
    page.get_by_label("Tax ID").fill("06019000444555")
    page.get_by_label("Sector").select_option("agriculture")
    page.get_by_label("City of the head office").fill("Choluteca")
    page.get_by_label("Name of the establishment").fill("Finca Las Lomas")
    # The departments follow the country chosen above.
    page.get_by_label("Department, province or state").select_option("HN-CH")
    page.get_by_label("Municipality or city").fill("Marcovia")
    page.get_by_label("Your given names").fill("Iris")
    page.get_by_label("Your surnames").fill("Ordóñez")
    page.get_by_label("Your e-mail address").fill("iris@example.org")
    page.get_by_label("User name to sign in").fill("iris.melonera")
    page.get_by_label(re.compile(r"^Password:?$")).fill("Melones-dulces-2026")
    page.get_by_label("Password again").fill("Melones-dulces-2026")
    page.get_by_label("Password again").press("Enter")
    page.wait_for_url("**/organisation/")
    assert page.get_by_text("Waiting for verification").is_visible()
    check(page)
    employer = Organisation.objects.get(tax_id="06019000444555")
    assert employer.jurisdiction == world.hn
    assert employer.establishments.get().subdivision == "HN-CH"


def test_an_official_suspends_a_licence_and_the_public_sees_it(live_server, world, phone_en):
    licence = LicenceFactory(
        agency=AgencyFactory(jurisdiction=world.hn, name="Colocaciones Rápidas del Norte"),
        number="HN-STSS-AG-2022-0009",
    )
    page = phone_en
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill("official.hn")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/agencies/{licence.agency_id}/")
    check(page)
    page.get_by_label("Reason for the decision").fill("Fees charged to workers (file 2025-113)")
    page.get_by_role("button", name="Suspend").click()
    page.wait_for_load_state()
    assert page.get_by_text("Licence updated.").is_visible()
    licence.refresh_from_db()
    assert licence.state == LicenceState.SUSPENDED

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify/agencies/")
    check(page)
    page.get_by_label("Licence number or agency name").fill("colocaciones rapidas")
    page.get_by_label("Licence number or agency name").press("Enter")
    page.get_by_role("link", name="Colocaciones Rápidas del Norte").click()
    page.wait_for_url("**/verify/agencies/HN-STSS-AG-2022-0009/")
    assert page.get_by_text("Licence suspended").is_visible()
    assert page.get_by_text("Fees charged to workers (file 2025-113)").is_visible()
    assert page.get_by_text("Checked on").is_visible()
    check(page)
