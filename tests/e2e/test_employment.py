"""The employment connection in the browser, on a phone, in Spanish, with the keyboard where it
matters: a Canadian farm files an order under the minimum wage, reads the refusal explained and
fixes it; a Honduran official approves and publishes it; the public board shows it and its code
verifies; a caseworker shortlists from the explained ranking; the employer selects; the worker
sees the vacancy among their recommendations."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.e2e.conftest import PHONE, menu_go, phone_context, serious_accessibility_violations
from tests.e2e.test_journeys import sign_in
from tests.factories import IdentityDocumentFactory
from vinculo.core.models import VerificationState
from vinculo.jobs.models import JobOrder
from vinculo.matching.models import Candidacy
from vinculo.reference.models import Occupation
from vinculo.reference.services import reference_load
from vinculo.registry.models import Consent, WorkerOccupation

pytestmark = pytest.mark.e2e


def _fits_a_phone_and_is_accessible(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_accessibility_violations(page) == []


def _as(browser, live_server, username: str | None):
    context = phone_context(browser)
    page = context.new_page()
    if username:
        sign_in(page, live_server.url, username)
        page.wait_for_url(f"{live_server.url}/")
    return page


def test_the_whole_employment_flow(live_server, world, browser):
    reference_load()
    farm = world.users["employer_staff"].memberships.get().organisation
    farm.name, farm.country, farm.sector = "Tremblay Orchards", "CA", "agriculture"
    farm.verification_state = VerificationState.VERIFIED
    farm.save()
    # María José, registered in Honduras: a fruit picker with a passport, willing to go abroad.
    maria = world.users["worker"].worker
    maria.work_abroad = True
    maria.save()
    picker = Occupation.objects.filter(isco_group_id="9211").order_by("label_es").first()
    WorkerOccupation.objects.create(
        worker=maria, occupation=picker, isco_group_id=picker.isco_group_id, years_experience=4
    )
    IdentityDocumentFactory(worker=maria, kind="passport", expires_on=date(2032, 1, 1))
    Consent.objects.create(worker=maria, purpose="matching")
    year = timezone.localdate().year + 1

    # 1. The farm files an order that pays under Ontario's minimum wage.
    page = _as(browser, live_server, "employer_staff.hn")
    menu_go(page, "Ofertas de empleo")
    page.get_by_role("button", name="Nueva oferta de empleo").click()
    page.get_by_label("Programa").select_option("CA-TFWP-AG")
    page.get_by_label("Título del puesto").fill("Recolectores de manzana")
    occupation = page.get_by_label("Ocupación:", exact=True)
    occupation.focus()
    page.keyboard.type("recolector de fruta", delay=20)
    option = page.locator(".occupation-picker").first.get_by_role("radio").first
    option.wait_for()
    option.check()
    page.get_by_label("Puestos").fill("2")
    page.get_by_label("Sector").select_option("agriculture")
    page.get_by_label("País del lugar de trabajo").select_option("CA")
    page.locator("#id_worksite_subdivision option[value='CA-ON']").wait_for(state="attached")
    page.get_by_label("Provincia, departamento o estado").select_option("CA-ON")
    page.get_by_label("Municipio o ciudad").fill("Simcoe")
    page.get_by_label("Fecha de inicio").fill(f"{year}-04-01")
    page.get_by_label("Fecha de fin").fill(f"{year}-10-31")
    page.get_by_label("Salario:", exact=True).fill("15.00")
    page.get_by_label("Moneda").select_option("CAD")
    page.get_by_label("Se paga").select_option("hour")
    page.get_by_label("Horas por semana").fill("40")
    page.get_by_label("Horas de trabajo garantizadas en total").fill("960")
    page.get_by_label("El empleador proporciona vivienda").check()
    page.get_by_role("button", name="Guardar y comprobar").click()
    page.wait_for_url("**/job-orders/*/")
    refusal = page.locator(".findings li.failed")
    assert refusal.count() == 1
    assert "17,60" in refusal.inner_text() and "Employment Standards Act" in refusal.inner_text()
    _fits_a_phone_and_is_accessible(page)

    # ...fixes it and submits.
    page.get_by_role("button", name="Cambiar las condiciones").click()
    wage = page.get_by_label("Salario:", exact=True)
    wage.fill("18.00")
    wage.press("Enter")  # the keyboard submits the form
    page.get_by_text("Se cumplen todas las reglas comprobadas.").wait_for()
    page.get_by_role("button", name="Presentar para aprobación").click()
    page.get_by_text("Hecho: la oferta de empleo está ahora «En espera de aprobación».").wait_for()
    order = JobOrder.objects.get()
    order_url = f"{live_server.url}/job-orders/{order.pk}/"

    # 2. The Honduran official approves and publishes it.
    page = _as(browser, live_server, "official.hn")
    page.goto(order_url)
    _fits_a_phone_and_is_accessible(page)
    page.get_by_role("button", name="Aprobar").click()
    page.get_by_role("button", name="Publicar en la bolsa de vacantes").click()
    page.get_by_text("Hecho: la oferta de empleo está ahora «Publicada».").wait_for()
    order.refresh_from_db()
    assert order.state == "published" and order.verification_code

    # 3. Anyone sees it on the board, and its code verifies.
    page = _as(browser, live_server, None)
    page.goto(f"{live_server.url}/vacancies/")
    page.get_by_role("link", name="Recolectores de manzana").click()
    assert page.locator('script[type="application/ld+json"]').count() == 1
    page.goto(f"{live_server.url}/vacancies/verify/")
    code = page.get_by_label("Código de la oferta de empleo")
    code.fill(order.verification_code.lower())
    code.press("Enter")
    page.get_by_text("Esta oferta es real: una autoridad laboral la aprobó").wait_for()
    _fits_a_phone_and_is_accessible(page)

    # 4. A caseworker shortlists from the explained ranking.
    page = _as(browser, live_server, "caseworker.hn")
    page.goto(order_url)
    page.get_by_role("button", name="Clasificar trabajadores para esta oferta").click()
    ranking = page.locator("ol.ranking > li").first
    assert maria.full_name in ranking.inner_text()
    assert "Misma ocupación (grupo primario CIUO-08 9211)" in ranking.inner_text()
    assert "Dispuesto a trabajar en el extranjero" in ranking.inner_text()
    _fits_a_phone_and_is_accessible(page)
    shortlist = ranking.get_by_role("button", name="Preseleccionar")
    shortlist.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Preseleccionado: el empleador ya puede ver a este candidato.").wait_for()

    # 5. The employer selects.
    page = _as(browser, live_server, "employer_staff.hn")
    page.goto(order_url)
    candidates = page.get_by_role("region", name="Candidatos preseleccionados")
    assert maria.full_name in candidates.inner_text() and maria.phone not in candidates.inner_text()
    _fits_a_phone_and_is_accessible(page)
    candidates.get_by_role("button", name="Seleccionar").click()
    page.get_by_text("Seleccionado.").first.wait_for()
    assert Candidacy.objects.get(worker=maria).status == "selected"

    # 6. The worker sees the vacancy among their recommendations.
    page = _as(browser, live_server, "worker.hn")
    menu_go(page, "Mis vacantes")
    vacancy = page.locator("article.vacancy").filter(has_text="Recolectores de manzana")
    assert "Misma ocupación" in vacancy.inner_text() and "Seleccionado" in vacancy.inner_text()
    _fits_a_phone_and_is_accessible(page)
