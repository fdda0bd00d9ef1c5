from __future__ import annotations

import pytest

from tests.e2e.conftest import menu_go, serious_accessibility_violations
from tests.factories import WorkerFactory

pytestmark = pytest.mark.e2e


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill("secret-pass-123")
    page.get_by_label("Contraseña").press("Enter")  # the keyboard, not a click


def test_an_official_signs_in_in_spanish_on_a_phone(live_server, world, phone_es):
    page = phone_es
    WorkerFactory(jurisdiction=world.hn, given_names="Keila Suyapa")
    sign_in(page, live_server.url, "official.hn")

    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bienvenida/o")
    assert page.get_by_role("heading", name="Lo que puede hacer aquí").is_visible()
    assert page.get_by_text("Funcionario del ministerio", exact=True).is_visible()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_accessibility_violations(page) == []

    menu_go(page, "Trabajadores")
    page.wait_for_url("**/workers/")
    assert page.get_by_text("Keila Suyapa").is_visible()
    assert serious_accessibility_violations(page) == []


def test_the_occupation_picker_answers_as_you_type(live_server, phone_es):
    page = phone_es
    page.goto(f"{live_server.url}/occupations/")
    field = page.get_by_label("Ocupación", exact=True)
    field.focus()
    page.keyboard.type("albanil", delay=30)
    option = page.get_by_role("radio", name="albañil ISCO 7112")
    option.wait_for()
    page.keyboard.press("Tab")  # into the list of choices, by keyboard
    assert serious_accessibility_violations(page) == []


def test_public_pages_pass_the_accessibility_scan(live_server, phone_es):
    for path in ("/", "/policy/", "/policy/CA-SAWP/", "/accounts/login/"):
        phone_es.goto(f"{live_server.url}{path}")
        assert serious_accessibility_violations(phone_es) == [], path


@pytest.mark.parametrize(
    "role",
    [
        "worker",
        "employer_staff",
        "agency_staff",
        "official",
        "caseworker",
        "auditor",
        "regional_coordinator",
    ],
)
def test_every_role_reaches_its_pages_by_keyboard_without_serious_violations(
    live_server, world, phone_es, role
):
    page = phone_es
    sign_in(page, live_server.url, f"{role}.hn")
    page.wait_for_url(f"{live_server.url}/")
    links = page.locator("ul.capabilities a")
    assert links.count() >= 2
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert serious_accessibility_violations(page) == []
    for target in targets:
        response = page.goto(f"{live_server.url}{target}")
        assert response.status == 200, target
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, target
        assert serious_accessibility_violations(page) == [], target
