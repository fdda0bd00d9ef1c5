"""A worker registers on a phone, in Spanish, with the keyboard, and gets a number, a QR card and
a public status page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import serious_accessibility_violations
from vinculo.reference.services import reference_load
from vinculo.registry.models import Worker

pytestmark = pytest.mark.e2e


def fill_step(page, fields: dict[str, str]) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


def save(page) -> None:
    page.get_by_role("button", name="Guardar y continuar").click()
    page.wait_for_load_state()


def test_a_worker_registers_on_a_phone_in_spanish(live_server, world, phone_es):
    reference_load()
    page = phone_es
    base = live_server.url
    page.goto(f"{base}/")
    page.get_by_role("button", name="Inscribirme como trabajador").click()
    page.wait_for_url("**/register/")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Número de celular").fill("9456 7788")
    page.get_by_label("Elija una contraseña").fill("Clave-segura-2026")
    page.get_by_label("Repita la contraseña").fill("Clave-segura-2026")
    page.get_by_label("Repita la contraseña").press("Enter")

    page.wait_for_url("**/register/identity/")
    assert page.get_by_text("Paso 1 de 6").is_visible()
    fill_step(
        page, {"Nombres": "Keila Suyapa", "Primer apellido": "Ramírez", "Segundo apellido": "Núñez"}
    )
    page.get_by_label("Mujer").check()
    page.get_by_label("Fecha de nacimiento").fill("1996-03-08")
    page.get_by_label("Nacionalidad").select_option("HN")
    assert serious_accessibility_violations(page) == []
    save(page)

    page.wait_for_url("**/register/document/")
    page.get_by_label("Documento", exact=True).select_option("national_id")
    page.get_by_label("Emitido por").select_option("HN")
    page.get_by_label("Número de documento").fill("0801 1996 04567")
    save(page)

    page.wait_for_url("**/register/residence/")
    page.get_by_label("Departamento o estado").select_option("HN-CR")
    page.get_by_label("Municipio").fill("Choloma")
    save(page)

    page.wait_for_url("**/register/work/")
    occupation = page.get_by_label("Su ocupación principal")
    occupation.focus()
    page.keyboard.type("recolector de fruta", delay=20)
    option = page.get_by_role("radio").first
    option.wait_for()
    option.check()
    page.get_by_label("Años de experiencia", exact=True).fill("4")
    page.get_by_label("Idioma que mejor habla").select_option("es")
    page.get_by_label("Nivel educativo más alto completado").select_option("2")
    page.get_by_label("Disponible desde").fill("2027-01-10")
    page.get_by_label("Trabajaría en el extranjero").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save(page)

    page.wait_for_url("**/register/consents/")
    page.get_by_role("checkbox").first.check()
    save(page)

    page.wait_for_url("**/register/review/")
    assert page.get_by_text("Keila Suyapa Ramírez Núñez").is_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Inscribirme").click()

    page.wait_for_url("**/me/card/")
    worker = Worker.objects.get(given_names="Keila Suyapa")
    assert page.get_by_text(worker.registration_number).first.is_visible()
    assert page.locator(".qr svg").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_accessibility_violations(page) == []

    page.goto(f"{base}/v/{worker.registration_number}/")
    assert page.get_by_text("Inscripción vigente").is_visible()
    assert page.get_by_text("K. R. N.").is_visible()
    assert serious_accessibility_violations(page) == []
