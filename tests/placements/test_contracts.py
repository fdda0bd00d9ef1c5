"""The contract: frozen from the job order at offer, signed before the journey goes on, printed
in Spanish and the worksite's language with a QR code to its public page, and every later
document compared with it: a worse term blocks the placement until an official clears it."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from tests.conftest import login
from tests.matching.conftest import make_worker
from tests.placements.test_services import _selected
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent
from vinculo.jobs.models import JobOrder
from vinculo.matching import services as matching
from vinculo.placements import services
from vinculo.placements.domain import Exit, Step
from vinculo.placements.models import Contract, Placement

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture
def offered(world, published):
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    return services.placement_move(
        actor=world.users["caseworker"], placement_id=placement.pk, to=Step.CONTRACT_OFFERED
    )


def _lower_wage(contract):
    found = copy.deepcopy(contract.terms)
    found["wage"]["amount"] = "14.00"
    return found


def test_the_offer_freezes_the_orders_terms(world, offered):
    contract = Contract.objects.get(placement=offered)
    order = offered.order
    assert contract.version == 1 and contract.code.startswith("CT-") and len(contract.digest) == 64
    assert contract.terms["wage"] == {"amount": "18.00", "currency": "CAD", "basis": "hour"}
    assert contract.terms["employer"] == "Tremblay Orchards" and contract.languages == ["es", "en"]
    JobOrder.objects.filter(pk=order.pk).update(wage_amount=Decimal("12.00"))  # later edits...
    contract.refresh_from_db()
    assert contract.terms["wage"]["amount"] == "18.00"  # ...do not reach the contract offered
    opened = AuditEvent.objects.filter(verb=AuditVerb.PLACEMENT_ADVANCED).get()
    assert opened.after["contract"] == contract.code


def test_the_contract_is_signed_before_the_placement_says_so(world, offered):
    caseworker = world.users["caseworker"]
    with pytest.raises(Conflict) as unsigned:
        services.placement_move(actor=caseworker, placement_id=offered.pk, to=Step.CONTRACT_SIGNED)
    assert unsigned.value.code == "contract_not_signed"
    signed = services.contract_sign(actor=caseworker, placement_id=offered.pk)
    contract = Contract.objects.get(placement=offered)
    assert signed.state == Step.CONTRACT_SIGNED
    assert (contract.signed_how, contract.signed_with) == ("in_person", caseworker)
    with pytest.raises(Conflict) as again:
        services.contract_sign(actor=caseworker, placement_id=offered.pk)
    assert again.value.code == "contract_already_signed"
    with pytest.raises(Http404):
        services.contract_sign(actor=world.outsider, placement_id=offered.pk)


def test_a_refused_step_names_what_is_not_done(world, offered):
    caseworker = world.users["caseworker"]
    services.contract_sign(actor=caseworker, placement_id=offered.pk)
    with translation.override("en"), pytest.raises(Conflict) as refused:  # no medical, no visa
        services.placement_move(actor=caseworker, placement_id=offered.pk, to=Step.DEPARTED)
    assert refused.value.code == "placement_steps_missing"
    for missing in ("Medical clearance", "Visa or permit granted", "orientation"):
        assert missing in str(refused.value.message)


def test_a_substituted_contract_blocks_the_journey_until_an_official_clears_it(world, offered):
    caseworker, official = world.users["caseworker"], world.users["official"]
    services.contract_sign(actor=caseworker, placement_id=offered.pk)
    contract = Contract.objects.get(placement=offered)
    check = services.terms_check(
        actor=caseworker, placement_id=offered.pk, found=_lower_wage(contract), where="Airport"
    )
    assert check.state == "flagged"
    assert [c["field"] for c in check.changes if c["verdict"] != "same"] == ["wage"]
    with pytest.raises(Conflict) as blocked:
        services.placement_move(actor=caseworker, placement_id=offered.pk, to=Step.MEDICAL_CLEARED)
    assert blocked.value.code == "placement_contract_substituted"
    with pytest.raises(NotAllowed):  # a caseworker does not clear a flag
        services.terms_check_clear(actor=caseworker, check_id=check.pk, reason="fine")
    with pytest.raises(Http404):
        services.terms_check_clear(actor=world.outsider, check_id=check.pk, reason="fine")
    with pytest.raises(ValidationFailed):
        services.terms_check_clear(actor=official, check_id=check.pk, reason=" ")
    cleared = services.terms_check_clear(
        actor=official, check_id=check.pk, reason="Employer restored the offered wage in writing"
    )
    assert cleared.state == "cleared"
    with pytest.raises(Conflict) as twice:
        services.terms_check_clear(actor=official, check_id=check.pk, reason="again")
    assert twice.value.code == "terms_check_not_flagged"
    moved = services.placement_move(
        actor=caseworker, placement_id=offered.pk, to=Step.MEDICAL_CLEARED
    )
    assert moved.state == Step.MEDICAL_CLEARED
    assert AuditEvent.objects.filter(verb=AuditVerb.TERMS_CHECKED).count() == 1
    assert AuditEvent.objects.get(verb=AuditVerb.TERMS_CLEARED).reason.startswith("Employer")


def test_a_flag_does_not_hold_a_worker_who_wants_out(world, offered):
    caseworker = world.users["caseworker"]
    services.contract_sign(actor=caseworker, placement_id=offered.pk)
    contract = Contract.objects.get(placement=offered)
    services.terms_check(
        actor=caseworker, placement_id=offered.pk, found=_lower_wage(contract), where="Airport"
    )
    ended = services.placement_move(
        actor=caseworker, placement_id=offered.pk, to=Exit.WITHDRAWN, reason="Refused the wage"
    )
    assert ended.state == Exit.WITHDRAWN


def test_a_better_term_passes_and_is_recorded(world, offered):
    caseworker = world.users["caseworker"]
    services.contract_sign(actor=caseworker, placement_id=offered.pk)
    found = copy.deepcopy(Contract.objects.get(placement=offered).terms)
    found["wage"]["amount"] = "19.00"
    check = services.terms_check(
        actor=caseworker, placement_id=offered.pk, found=found, where="Worksite"
    )
    assert check.state == "passed"
    services.placement_move(actor=caseworker, placement_id=offered.pk, to=Step.MEDICAL_CLEARED)


def test_no_minor_is_placed(world, published):
    """Matching shortlists and selects adults only; the placement holds the rule itself, for
    whatever else may open one."""
    worker = make_worker(world)
    candidacy = matching.candidacy_shortlist(
        actor=world.users["caseworker"], order_id=published.pk, worker_id=worker.pk
    )
    start = published.start_date
    type(worker).objects.filter(pk=worker.pk).update(
        birth_date=date(start.year - 17, start.month, start.day)
    )
    candidacy.refresh_from_db()
    with pytest.raises(Conflict) as minor:
        services.placement_open(candidacy=candidacy, actor=world.users["caseworker"])
    assert minor.value.code == "worker_minor"
    assert not Placement.objects.filter(worker=worker).exists()


def test_the_contract_pages_in_spanish(client, world, offered):
    caseworker = world.users["caseworker"]
    login(client, caseworker)
    detail = reverse("placements:detail", args=[offered.pk])
    page = client.get(detail, **ES).content.decode()
    assert "Registrar la firma, en persona" in page
    assert client.post(reverse("placements:contract_sign", args=[offered.pk])).status_code == 302
    contract = Contract.objects.get(placement=offered)
    html = client.get(reverse("placements:contract", args=[offered.pk]), **ES).content.decode()
    assert "Salario" in html and "Wage" in html and "18.00 CAD por hora" in html
    assert contract.digest in html
    pdf = client.get(reverse("placements:contract_pdf", args=[offered.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"/Count 2" in pdf.content  # a page in Spanish, a page in English
    check_url = reverse("placements:terms_check", args=[offered.pk])
    form = client.get(check_url, **ES).content.decode()
    assert 'value="18.00"' in form and "Dónde y cuándo" in form
    bad = client.post(check_url, {"where": ""}, **ES)
    assert bad.status_code == 400 and "Este campo es requerido" in bad.content.decode()
    data = {
        "where": "Aeropuerto",
        "employer": "Tremblay Orchards",
        "worksite": contract.terms["worksite"],
        "wage_amount": "14.00",
        "wage_currency": "cad",
        "wage_basis": "hour",
        "guaranteed_hours": "960",
        "weekly_hours": "40",
        "overtime": contract.terms["overtime"],
        "start": contract.terms["period"]["start"],
        "end": contract.terms["period"]["end"],
        "housing_provided": "on",
        "housing_weekly_cost": "0",
        "deductions": "",
    }
    done = client.post(check_url, data, **ES)
    assert done.status_code == 302
    side = client.get(done["Location"], **ES).content.decode()
    assert "Sustitución de contrato" in side and "14.00 CAD por hora" in side and "Peor" in side
    assert "Sustitución de contrato" in client.get(detail, **ES).content.decode()
    login(client, world.outsider)
    for name in ("contract", "contract_pdf", "terms_check"):
        assert client.get(reverse(f"placements:{name}", args=[offered.pk])).status_code == 404


def test_the_public_check_of_a_contract(client, world, offered):
    contract = Contract.objects.get(placement=offered)
    url = reverse("placements:contract_verify")
    real = client.get(url, {"code": contract.code.lower()}, **ES).content.decode()
    assert "Contrato real" in real and "18.00 CAD por hora" in real
    assert offered.worker.full_name not in real  # no personal data on a public page
    fake = client.get(url, {"code": "CT-0000-0000"}, **ES).content.decode()
    assert "No es un contrato real" in fake
    services.terms_check(
        actor=world.users["caseworker"],
        placement_id=offered.pk,
        found=_lower_wage(contract),
        where="Airport",
    )
    caught = client.get(url, {"code": contract.code}, **ES).content.decode()
    assert "se detectó un sustituto" in caught


def test_an_official_reviews_the_flags_of_the_jurisdiction(client, world, offered):
    contract = Contract.objects.get(placement=offered)
    check = services.terms_check(
        actor=world.users["caseworker"],
        placement_id=offered.pk,
        found=_lower_wage(contract),
        where="Aeropuerto",
    )
    login(client, world.users["official"])
    flags = reverse("placements:flags")
    page = client.get(flags, **ES).content.decode()
    assert offered.worker.full_name in page and "Salario" in page and "Aeropuerto" in page
    cleared = client.get(flags, {"state": "cleared"}, **ES).content.decode()
    assert offered.worker.full_name not in cleared
    clear = reverse("placements:check_clear", args=[check.pk])
    assert client.post(clear, {"reason": "Salario restituido por escrito"}).status_code == 302
    assert offered.worker.full_name not in client.get(flags).content.decode()
    assert offered.worker.full_name in client.get(flags, {"state": "cleared"}).content.decode()
    login(client, world.users["caseworker"])  # follows placements, does not clear flags
    assert client.get(flags).status_code == 404
    login(client, world.outsider)
    assert offered.worker.full_name not in client.get(flags).content.decode()
    assert client.post(clear, {"reason": "x"}).status_code == 404
