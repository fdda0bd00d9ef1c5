"""The README's tour, step by step, as its readers would take it: `vinculo up` on a fresh data
directory (the real demo, the real server), each demo login signed in through the sign-in page,
on a phone, in Spanish. A step fails when it answers an error, shows an empty list where the
README promises content, scrolls sideways on a phone, or shows something the README does not
describe. Each step leaves a screenshot in test-results/tour/ to look at.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import PHONE, phone_context
from tests.processes import Up, vinculo_env

pytestmark = pytest.mark.e2e

PASSWORD = "vinculo-demo-2026"
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "tour"
ERROR_WORDS = ("Error del servidor", "Página no encontrada", "Traceback", "Server error")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    up = Up(vinculo_env(tmp_path_factory.mktemp("tour-data")))
    try:
        up.wait_until_serving(timeout=600)
        yield up
    finally:
        up.stop()


@pytest.fixture
def visit(browser, demo):
    """A phone in Spanish; `visit(path)` opens a page, checks it is sound and returns it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = phone_context(browser)
    page = context.new_page()

    def go(path: str, name: str, *, expect: int = 200):
        answer = page.goto(demo.base + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert answer is not None and answer.status == expect, (path, answer and answer.status)
        text = page.inner_text("main")
        if expect == 200:
            assert not any(word in page.title() for word in ERROR_WORDS), (path, page.title())
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width}px)"
        assert page.get_attribute("html", "lang") == "es"
        return page, text

    def sign_in(username: str) -> None:
        page.goto(demo.base + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.press("#id_password", "Enter")
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"

    go.sign_in = sign_in
    go.page = page
    yield go
    context.close()


def _count(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    assert found, f"no {pattern!r} in the page"
    return int(found.group(1).replace(".", "").replace(",", "").replace("\u00a0", ""))


def _link(page, text: str) -> str:
    link = page.get_by_role("link", name=re.compile(text)).first
    href = link.get_attribute("href")
    assert href, f"no link {text!r}"
    return href


def _first_card(page) -> str:
    """The link of the first card of a list (a placement, a flag)."""
    href = page.locator("ul.cards li a").first.get_attribute("href")
    assert href, "the list is empty"
    return href


def test_the_public_pages(visit):
    _, text = visit("/", "public-home")
    assert "Inscribirme como trabajador" in text
    _, text = visit("/register/", "public-register")
    assert "Crear mi cuenta" in text
    _, text = visit("/verify/agencies/?q=Colocaciones", "public-agency-check")
    assert "Colocaciones Rápidas del Norte" in text and "suspendida" in text.lower()
    page, text = visit("/vacancies/", "public-board")
    assert _count(text, r"(\d+) vacantes") >= 2
    vacancy = _link(page, "Recolectoras y recolectores de fresa")
    page, text = visit(vacancy, "public-vacancy")
    code = re.search(r"JO-[0-9A-Z]{4}-[0-9A-Z]{4}", text)
    assert code, "a published vacancy shows its public code"
    _, text = visit(f"/vacancies/verify/?code={code.group(0)}", "public-offer-real")
    assert "Oferta real" in text
    _, text = visit("/vacancies/verify/?code=JO-0000-0000", "public-offer-fake")
    assert "Oferta no real" in text
    _, text = visit("/employers/register/", "public-employer-register")
    assert "establecimiento" in text.lower()
    _, text = visit("/occupations/?occupation__q=albanil", "public-occupations")
    assert "albañil" in text.lower()
    _, text = visit("/occupations/?occupation__q=mesero", "public-occupations-regional")
    assert "5131" in text
    _, text = visit("/policy/", "public-policy")
    assert "CA-SAWP" in text or "Canadá" in text
    _, text = visit("/verify/agencies/HN-STSS-AG-2024-0017/", "public-agency-fees")
    assert "costos pagados por trabajadores que el empleador debía asumir" in text
    # The demo's fourth Honduran permit, revoked, started 60 days before the demo was loaded.
    year = (date.today() - timedelta(days=60)).year
    _, text = visit(f"/permits/check/?number=HN-PT-{year}-000004", "public-permit-revoked")
    assert "Revocado" in text
    _, text = visit("/placements/contracts/verify/?code=CT-0000-0000", "public-contract-fake")
    assert "No es un contrato real" in text


def test_the_honduran_official(visit):
    visit.sign_in("oficial.hn")
    page, text = visit("/workers/", "official-workers")
    assert _count(text, r"([\d.,\u00a0]+) trabajador") >= 900
    _, text = visit("/workers/?name=maria+jose+hernandez", "official-worker-search")
    assert "María José Hernández López" in text
    profile = _link(visit.page, "María José Hernández López")
    _, text = visit(profile, "official-worker-profile")
    assert "Número de registro" in text and "Sospecha de fraude" in text
    _, text = visit("/workers/register/", "official-desk")
    assert "Registrar" in text or "Inscribir" in text
    _, text = visit("/duplicates/", "official-duplicates")
    assert "Revisar todo el registro" in text or "registro" in text.lower()
    _, text = visit("/imports/", "official-imports")
    assert "plantilla" in text.lower()
    page, text = visit("/job-orders/", "official-job-orders")
    assert "Field crop workers" in text
    order = _link(page, "Field crop workers")
    _, text = visit(order, "official-job-order-check")
    assert ("Aprobar" in text and "Fuente" in text) or "art." in text
    page, text = visit("/fairs/", "official-fairs")
    assert "San Pedro Sula" in text
    fair = _link(page, "San Pedro Sula")
    page, text = visit(fair, "official-fair")
    kiosk = page.get_by_role("button", name="Abrir el quiosco de inscripción").get_attribute("href")
    _, text = visit(kiosk, "official-fair-kiosk")
    assert "Quiosco de inscripción" in text and "San Pedro Sula" in text
    _, text = visit("/employers/", "official-employers")
    assert "Agroexportadora del Valle de Sula" in text
    _, text = visit("/agencies/", "official-agencies")
    assert "Reclutamiento Ético Hondureño" in text
    page, text = visit("/placements/flags/", "official-substitution-flags")
    assert "Salario" in text and "Aeropuerto" in text
    _, text = visit(_first_card(page), "official-flag-side-by-side")
    assert "Sustitución de contrato" in text and "14.00 CAD por hora" in text
    page, text = visit("/placements/indicator/", "official-sdg-10-7-1")
    assert "Honduras → Canadá" in text and page.locator("canvas[data-chart]").count() == 1
    _, text = visit("/placements/rates/", "official-exchange-rates")
    assert "Demo: illustrative rate" in text
    # Work permits: the case waiting for her (below 85 % of the payroll), the one refused on
    # art. 11, and processing days by category with a chart.
    page, text = visit("/permits/", "official-permits")
    assert "1 paso por decidir" in text and "Francisco López Téllez" in text
    assert page.locator("canvas[data-chart]").count() == 1 and "Percentil 90" in text
    _, text = visit(_link(page, "Francisco López Téllez"), "official-permit-case")
    assert "art. 11" in text and "No cumple la regla" in text and "Registrar la decisión" in text
    page, _ = visit("/permits/", "official-permits-again")
    _, text = visit(_link(page, "Rodrigo Pérez Alfaro"), "official-permit-refused")
    assert "Rechazada" in text and "88,9 %" in text


def test_the_costa_rican_official_sees_nothing_of_honduras(visit):
    visit.sign_in("oficial.hn")
    visit("/workers/?name=maria+jose+hernandez", "official-hn-search")
    profile = _link(visit.page, "María José Hernández López")
    visit.page.context.clear_cookies()
    visit.sign_in("oficial.cr")
    visit(profile, "official-cr-404", expect=404)


def test_costa_rica_shares_permit_cases_between_two_agencies(visit):
    visit.sign_in("migracion.cr")
    page, text = visit("/permits/", "dgme-permits")
    # The case the labour ministry approved waits for the migration directorate.
    assert "1 paso por decidir" in text and "Yolanda Martínez Ruiz" in text
    _, text = visit(_link(page, "Yolanda Martínez Ruiz"), "dgme-case")
    assert "Constancia actualizada adjunta" in text
    assert "Registrar la decisión" in text
    visit.page.context.clear_cookies()
    visit.sign_in("empleador.cr")
    page, text = visit("/permits/", "cr-employer-permits")
    assert "Vigente" in text and "Piñas del Caribe Norte S.A." in text
    permit = _link(page, r"CR-PT-\d{4}-\d{6} · José Ramón Obando Castillo")
    _, text = visit(permit, "cr-employer-sitlam-permit")
    assert "Trabajador agrícola de temporada (SITLAM)" in text
    check = visit.page.locator("a.wrap").get_attribute("href")
    visit.page.context.clear_cookies()
    _, text = visit(urlparse(check).path, "public-permit-check")
    assert "Vigente" in text and "J. R. O. C." in text and "Obando" not in text


def test_a_foreign_national_applies_for_herself(visit):
    visit.sign_in("trabajadora.cr")
    page, text = visit("/permits/", "own-permits")
    assert "Karla Rugama Sequeira" in text and "En decisión" in text
    assert "Solicitar mi propio permiso de trabajo" in text
    _, text = visit(_link(page, "Karla Rugama Sequeira"), "own-case")
    assert "La persona extranjera, por sí misma" in text and "Retirar la solicitud" in text
    _, text = visit("/permits/new/mine/", "own-new-application")
    assert "Residencia temporal con permiso de trabajo" in text
    assert "Trabajador temporal" not in text  # the employer applies in that category
    # The grower it names reads it, and does not act on it; the labour ministry decides it.
    visit.page.context.clear_cookies()
    visit.sign_in("oficial.cr")
    page, text = visit("/permits/", "mtss-permits")
    assert "Karla Rugama Sequeira" in text and "Óscar Danilo Mendoza Rocha" in text


def test_the_caseworker(visit):
    visit.sign_in("gestor.hn")
    page, _ = visit("/job-orders/", "caseworker-job-orders")
    order = _link(page, "Greenhouse vegetable harvesters")
    page, text = visit(order.rstrip("/") + "/ranking/", "caseworker-ranking")
    assert _count(text, r"(\d+) (?:personas trabajadoras|trabajadores) elegibles") >= 20
    assert "Misma ocupación" in text and "puntos" in text
    _, text = visit(order.rstrip("/") + "/ranking/?equity=1", "caseworker-ranking-equity")
    assert "municipio" in text.lower()
    page, text = visit("/matching/", "caseworker-batch-matching")
    assert "Emparejar todas las ofertas abiertas" in text
    page.get_by_role("button", name="Emparejar todas las ofertas abiertas").click()
    page.wait_for_load_state("networkidle")
    page.get_by_text("Terminada").first.wait_for(timeout=120_000)  # the progress it showed ends
    page.screenshot(path=str(SHOTS / "caseworker-batch-matching-done.png"), full_page=True)
    page, text = visit("/placements/", "caseworker-placements")
    assert "Greenhouse tomato harvesters (winter season)" in text and "Trabajando" in text
    _, text = visit("/placements/queue/", "caseworker-queue")
    assert "Otra persona retiene su pasaporte o documentos" in text
    assert "Trabajando, pero el empleador no registró la llegada" in text
    # Last spring's strawberry picker (GECCO) is not shown home within the pack's month.
    assert "1 paso con el plazo vencido" in text and "15 días de atraso" in text
    assert "compromiso de retorno" in text and "Real Decreto 1155/2024" in text
    page, text = visit("/placements/?step=evaluated", "caseworker-evaluated")
    _, text = visit(_first_card(page), "caseworker-last-season")
    assert "pedido de nuevo" in text


def test_the_auditor(visit):
    visit.sign_in("auditor.hn")
    _, text = visit("/audit/", "auditor-log")
    assert "Inició sesión" in text
    assert "registry.worker" not in text


def test_the_regional_coordinator(visit):
    visit.sign_in("coordinador")
    page, text = visit("/stats/regional/", "coordinator-figures")
    assert "Honduras" in text and "Todas las nacionalidades" in text
    assert page.locator("canvas#registered-chart").count() == 1


def test_the_employer(visit):
    visit.sign_in("empleador.ca")
    _, text = visit("/organisation/", "employer-organisation")
    assert "Norfolk Greenhouse Vegetables" in text
    page, text = visit("/job-orders/", "employer-job-orders")
    assert "Greenhouse packers" in text
    draft = _link(page, "Greenhouse packers")
    _, text = visit(draft, "employer-draft-refused")
    assert "15,50" in text and "salario mínimo" in text.lower()
    _, text = visit("/job-orders/new/", "employer-new-order")
    assert "Ocupación" in text
    page, text = visit("/placements/hosted/", "employer-placed-workers")
    assert "Greenhouse tomato harvesters (winter season)" in text


def test_the_agency(visit):
    visit.sign_in("agencia.hn")
    _, text = visit("/organisation/", "agency-organisation")
    assert "HN-STSS-AG-2024-0017" in text
    _, text = visit("/job-orders/", "agency-job-orders")
    assert "Recolectoras y recolectores de fresa" in text


def test_the_worker(visit):
    visit.sign_in("trabajador")
    _, text = visit("/me/vacancies/", "worker-vacancies")
    assert "Greenhouse vegetable harvesters" in text
    assert "Recolectoras y recolectores de fresa" in text
    _, text = visit("/me/", "worker-profile")
    assert "María José" in text and "lengua materna" in text.lower()
    _, text = visit("/placements/mine/", "worker-journey")
    assert "Todavía no tiene un trayecto" in text


def test_the_administrator(visit):
    visit.sign_in("admin")
    _, text = visit("/workers/", "admin-workers")
    assert _count(text, r"([\d.,\u00a0]+) trabajador") >= 2500
