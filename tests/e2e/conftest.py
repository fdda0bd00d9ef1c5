"""Headless Chromium (Debian's binary; Playwright's own browser download is never used) driven by
Playwright against pytest-django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.services import chromium_path

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def phone_context(browser):
    """A phone-sized, touch browser context whose person reads Spanish."""
    return browser.new_context(
        viewport=PHONE,
        locale="es-HN",
        is_mobile=True,
        has_touch=True,
        extra_http_headers={"Accept-Language": "es"},
    )


@pytest.fixture
def phone_es(browser):
    context = phone_context(browser)
    page = context.new_page()
    yield page
    context.close()


def serious_accessibility_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:3],
        }
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def menu_go(page, name: str) -> None:
    """Follow a link of the main menu as a person would: on a phone the menu is folded behind
    its button, which is opened first (by keyboard: focus and Enter)."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
    page.locator("#site-menu").get_by_role("link", name=name, exact=True).click()
