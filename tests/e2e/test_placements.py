"""A season in the browser, on phones, with the demo: three workers an employer selects (in
English) go from selected to returned, moved by a caseworker (in Spanish) one by one and as a
group, while María José reads and signs her contract with a code on her phone and reports a fee.

On the way: departure is refused to a worker with no medical clearance and the group move lists
that refusal; a contract substituted with a lower wage is caught, shown side by side and blocks
the next step; a fee a worker paid shows as a violation on the agency's public page and moves
the corridor's SDG 10.7.1 figure; and a worker evaluated and asked back is re-hired by name for
next season on the fast path. Screenshots land in test-results/placements/.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from tests.e2e.conftest import PHONE, phone_context, serious_accessibility_violations
from vinculo.core.models import User
from vinculo.core.notify import notifications_deliver
from vinculo.demo import catalogue
from vinculo.demo.services import demo_load
from vinculo.jobs import services as jobs
from vinculo.jobs.models import JobOrder
from vinculo.matching import services as matching
from vinculo.matching.selectors import ranking_for
from vinculo.placements.models import Placement
from vinculo.reference.models import Occupation
from vinculo.reference.services import reference_load
from vinculo.registry.models import Worker

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "placements"
AGENCY_LICENCE = "HN-STSS-AG-2024-0017"


def _context(browser, language: str):
    if language == "es":
        return phone_context(browser)
    return browser.new_context(
        viewport=PHONE,
        locale="en-CA",
        is_mobile=True,
        has_touch=True,
        extra_http_headers={"Accept-Language": "en"},
    )


class Person:
    """One person on their phone: signs in, opens pages, checks each fits and is in their
    language, and leaves a screenshot of it."""

    shots = SHOTS

    def __init__(self, browser, base: str, username: str | None, language: str) -> None:
        self.base, self.language = base, language
        self.context = _context(browser, language)
        self.page = self.context.new_page()
        if username:
            self.page.goto(f"{base}/accounts/login/")
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", catalogue.DEMO_PASSWORD)
            with self.page.expect_navigation():
                self.page.press("#id_password", "Enter")
            assert "/accounts/login/" not in self.page.url, username

    def open(self, path: str, shot: str) -> str:
        self.page.goto(self.base + path)
        return self.look(shot)

    def look(self, shot: str) -> str:
        page = self.page
        page.wait_for_load_state("networkidle")
        self.shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.shots / f"{shot}.png"), full_page=True)
        assert page.get_attribute("html", "lang") == self.language, shot
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], shot
        return page.inner_text("main")

    def click(self, name: str, shot: str) -> str:
        self.page.get_by_role("button", name=name, exact=True).first.click()
        return self.look(shot)


def _receipt(tmp_path: Path) -> str:
    path = tmp_path / "receipt.png"
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def _group_move(caseworker: Person, order: JobOrder, names: list[str], to: str, shot: str) -> str:
    caseworker.open(f"/placements/?order={order.pk}", f"{shot}-list")
    for name in names:
        caseworker.page.get_by_label(f"Marcar a {name}").check()
    caseworker.page.select_option("#id_to", to)
    return caseworker.click("Mover las marcadas", shot)


def _corridor(official: Person, shot: str) -> str:
    official.open("/placements/indicator/", shot)
    return official.page.get_by_role("row", name=re.compile("Honduras → Canadá")).inner_text()


def _published(
    users, filer: str, employer_id: int, title: str, years: int, season=((3, 1), (11, 30))
) -> JobOrder:
    """The tour's greenhouse order's terms, for next year (plus `years`), approved and on the
    board."""
    terms = catalogue.JOB_ORDERS[0][5]
    year = timezone.localdate().year + 1 + years
    order = jobs.order_create(
        actor=users[filer],
        employer_id=employer_id,
        values={
            **{k: v for k, v in terms.items() if k not in ("start", "end")},
            "title": title,
            "start_date": date(year, *season[0]),
            "end_date": date(year, *season[1]),
            "occupation": Occupation.objects.filter(isco_group_id="9211")
            .order_by("label_en")
            .first(),
        },
        jurisdiction="HN-STSS",
    )
    jobs.order_move(actor=users[filer], order_id=order.pk, to="submitted")
    for to in ("approved", "published"):
        jobs.order_move(actor=users["oficial.hn"], order_id=order.pk, to=to)
    return order


class Phones:
    """The SMS gateway's far end: what each phone received (the notices backend of this test;
    the outbox blanks a one-time code once it is sent, as a real gateway would have it)."""

    received: list[tuple[str, str]] = []

    def send(self, notification) -> None:
        Phones.received.append((notification.address, notification.body))


def test_a_season_from_selected_to_returned(live_server, browser, tmp_path, settings):
    settings.NOTIFY_BACKEND = f"{__name__}.Phones"
    Phones.received.clear()
    reference_load()
    demo_load(size="small")
    users = {u.username: u for u in User.objects.all()}
    farm = JobOrder.objects.get(title="Greenhouse vegetable harvesters").employer_id
    # The agency recruits this season's group for the farm; the farm files next season's order.
    order = _published(users, "agencia.hn", farm, "Greenhouse harvesters (group)", 0)
    # (in spring, while María José is still available)
    later = _published(
        users, "empleador.ca", farm, "Greenhouse harvesters (next season)", 1, ((2, 1), (6, 15))
    )
    maria = Worker.objects.get(user__username="trabajador")
    _o, ranking = ranking_for(actor=users["oficial.hn"], order_id=order.pk, k=80)
    placed = set(Placement.objects.values_list("worker_id", flat=True))
    others = [m.worker_id for m in ranking.matches if m.worker_id not in placed | {maria.pk}][:2]
    for worker_id in (maria.pk, *others):
        matching.candidacy_shortlist(
            actor=users["gestor.hn"], order_id=order.pk, worker_id=worker_id
        )
    b_worker, c_worker = (Worker.objects.get(pk=pk) for pk in others)
    base = live_server.url

    # 1. The employer, in English, selects the three shortlisted workers.
    employer = Person(browser, base, "empleador.ca", "en")
    employer.open(f"/job-orders/{order.pk}/", "employer-candidates")
    candidates = employer.page.get_by_role("region", name="Shortlisted candidates")
    for _ in range(3):
        candidates.get_by_role("button", name="Select", exact=True).first.click()
        employer.page.wait_for_load_state("networkidle")
        candidates = employer.page.get_by_role("region", name="Shortlisted candidates")
    group = {
        w.pk: Placement.objects.get(order=order, worker=w) for w in (maria, b_worker, c_worker)
    }
    names = [maria.full_name, b_worker.full_name, c_worker.full_name]

    # 2. The caseworker, in Spanish, offers the three their contracts in one move.
    caseworker = Person(browser, base, "gestor.hn", "es")
    text = _group_move(caseworker, order, names, "contract_offered", "caseworker-offer-group")
    assert "3 colocaciones movidas" in text

    # 3. María José reads her contract on her phone and signs it with the code she receives.
    worker = Person(browser, base, "trabajador", "es")
    text = worker.open("/placements/mine/", "worker-journey")
    assert "Lo que sigue: Contrato firmado" in text and "Lleve:" in text
    worker.page.get_by_role("link", name="Leer el contrato").click()
    text = worker.look("worker-contract")
    assert "Salario" in text and "17.95 CAD por hora" in text
    worker.page.go_back()
    worker.click("Enviarme un código", "worker-code-sent")
    notifications_deliver()  # the task's work, whether or not the queue has run it yet
    (sms,) = [body for to, body in Phones.received if to == maria.phone and "código" in body]
    worker.page.fill("#id_code", re.search(r"\b(\d{6})\b", sms).group(1))
    text = worker.click("Firmar el contrato", "worker-signed")
    assert "Usted firmó el contrato." in text
    # … and reports the fee the agency charged her.
    worker.page.get_by_text("Informar un costo que pagué").click()
    worker.page.select_option("#id_item", "recruitment_fee")
    worker.page.select_option("#id_payee", "agency")
    worker.page.fill("#id_payee_name", "Reclutamiento Ético Hondureño")
    worker.page.fill("#id_amount", "12000")
    worker.page.select_option("#id_currency", "HNL")
    worker.page.fill("#id_paid_on", (timezone.localdate() - timedelta(days=30)).isoformat())
    text = worker.click("Informar el costo", "worker-fee-reported")
    assert "No debió pagar esto" in text
    assert serious_accessibility_violations(worker.page) == []

    # 4. The fee shows on the agency's public page.
    public = Person(browser, base, None, "es")
    text = public.open(f"/verify/agencies/{AGENCY_LICENCE}/", "public-agency-violations")
    assert "3 costos pagados por trabajadores que el empleador debía asumir" in text

    # 5. The caseworker records the other two signatures in person, and catches a contract
    #    with a lower wage presented to one of them at the airport.
    b, c = group[b_worker.pk], group[c_worker.pk]
    for placement in (b, c):
        caseworker.open(f"/placements/{placement.pk}/", f"caseworker-sign-{placement.pk}")
        caseworker.click("Registrar la firma, en persona", f"caseworker-signed-{placement.pk}")
    caseworker.open(f"/placements/{b.pk}/contract/check/", "caseworker-compare")
    caseworker.page.fill("#id_where", "Aeropuerto, el día de la salida")
    caseworker.page.fill("#id_wage_amount", "14.00")
    text = caseworker.click("Comparar con la oferta", "caseworker-substitution-side-by-side")
    assert "Sustitución de contrato" in text and "14.00 CAD por hora" in text and "Peor" in text
    caseworker.open(f"/placements/{b.pk}/", "caseworker-substituted")
    text = caseworker.click("Examen médico aprobado", "caseworker-substitution-blocks")
    assert "no puede seguir hasta que un funcionario lo haya revisado" in text

    # 6. One worker is made ready to travel; departure for the group refuses María José, who has
    #    no medical clearance yet, and says so.
    caseworker.open(f"/placements/{c.pk}/", "caseworker-c")
    for step in (
        "Examen médico aprobado",
        "Visa o permiso solicitado",
        "Visa o permiso otorgado",
        "Orientación previa a la salida recibida",
    ):
        caseworker.click(step, f"caseworker-c-{step[:12]}")
    text = _group_move(
        caseworker, order, [maria.full_name, c_worker.full_name], "departed", "group-departure"
    )
    assert "1 colocación no pudo hacer el movimiento" in text
    refusal = caseworker.page.get_by_role("row", name=re.compile(maria.full_name)).inner_text()
    assert "Examen médico aprobado" in refusal
    assert Placement.objects.get(pk=c.pk).state == "departed"

    # 7. Her fee is refunded, with the proof; she catches up and the group travels, works and
    #    comes home.
    caseworker.open(f"/placements/{group[maria.pk].pk}/", "caseworker-maria")
    caseworker.page.get_by_text("Registrar el reembolso").first.click()
    fee_form = caseworker.page.locator("form[action*='/refund/']")
    fee_form.locator("input[type=date]").fill(timezone.localdate().isoformat())
    fee_form.locator("input[type=file]").set_input_files(_receipt(tmp_path))
    fee_form.get_by_role("button", name="Registrar el reembolso").click()
    assert "Reembolso registrado" in caseworker.look("caseworker-refunded")
    for step in (
        "medical_cleared",
        "permit_requested",
        "permit_granted",
        "oriented",
        "departed",
    ):
        _group_move(caseworker, order, [maria.full_name], step, f"maria-{step}")
    for step in ("arrived", "employed", "contract_ended", "returned"):
        text = _group_move(
            caseworker, order, [maria.full_name, c_worker.full_name], step, f"group-{step}"
        )
        assert "2 colocaciones movidas" in text, step
    assert {p.state for p in Placement.objects.filter(pk__in=[c.pk, group[maria.pk].pk])} == {
        "returned"
    }

    # 8. A fee recorded for a worker at work, whose pay a check-in recorded, moves the corridor's
    #    SDG 10.7.1 figure.
    official = Person(browser, base, "oficial.hn", "es")
    before = _corridor(official, "official-sdg-before")
    at_work = (
        Placement.objects.filter(state="employed", checkins__pay_amount__isnull=False)
        .exclude(fees__isnull=False)
        .first()
    )
    caseworker.open(f"/placements/{at_work.pk}/", "caseworker-at-work")
    caseworker.page.get_by_text("Registrar un costo que pagó el trabajador").click()
    caseworker.page.select_option("#id_item", "recruitment_fee")
    caseworker.page.select_option("#id_payee", "agency")
    caseworker.page.fill("#id_amount", "20000")
    caseworker.page.select_option("#id_currency", "HNL")
    caseworker.page.fill("#id_paid_on", (timezone.localdate() - timedelta(days=150)).isoformat())
    caseworker.click("Registrar el costo", "caseworker-fee-at-work")
    after = _corridor(official, "official-sdg-after")
    assert after != before, (before, after)

    # 9. The season is evaluated on both sides, and the employer asks María José back by name:
    #    next season's placement opens on the fast path.
    maria_placement = group[maria.pk]
    employer.open(f"/placements/hosted/{maria_placement.pk}/", "employer-evaluate")
    employer.page.get_by_label("Yes").check()
    employer.page.get_by_label("5").check()
    employer.click("Record the evaluation", "employer-evaluated")
    caseworker.open(f"/placements/{maria_placement.pk}/", "caseworker-evaluate")
    caseworker.page.get_by_text("Registrar su evaluación").click()
    evaluation = caseworker.page.locator("form[action$='/evaluate/']")
    evaluation.get_by_label("Sí").check()
    evaluation.get_by_label("5").check()
    caseworker.click("Registrar la evaluación", "caseworker-evaluated")
    caseworker.click("Evaluado", "caseworker-season-evaluated")
    assert Placement.objects.get(pk=maria_placement.pk).state == "evaluated"
    employer.open(f"/placements/hosted/{maria_placement.pk}/", "employer-ask-back")
    employer.page.select_option("#id_order", str(later.pk))
    text = employer.click("Ask back for next season", "employer-asked-back")
    assert "on the fast path" in text
    again = Placement.objects.get(order=later, worker=maria)
    assert again.carried_from_id == maria_placement.pk and again.carried_steps == ["oriented"]
    text = worker.open("/placements/mine/", "worker-next-season")
    assert "Mis trayectos anteriores" in text
