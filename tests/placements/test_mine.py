"""The worker's own journey, on their phone and in Spanish: where it is and what to bring, the
contract read and signed with a one-time code, the costs they paid, their check-ins. Notices of
each step go to their phone through the outbox, and a failed send is retried, never lost."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.matching.conftest import make_worker
from tests.placements.test_away import advance
from tests.placements.test_services import _selected
from vinculo.core.errors import ValidationFailed
from vinculo.core.models import Notification
from vinculo.core.notify import MAX_ATTEMPTS, notifications_deliver
from vinculo.placements import services
from vinculo.placements.domain import Step
from vinculo.placements.models import Contract, FeeRecord, FollowUp, Placement
from vinculo.registry.models import Worker

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
PHONE = "+50499887766"


@pytest.fixture
def mine(world, published):
    """A placement of the demo worker's own, with the contract offered."""
    user = world.users["worker"]
    Worker.objects.filter(user=user).update(user=None)
    worker = make_worker(world, phone=PHONE)
    Worker.objects.filter(pk=worker.pk).update(user=user)
    placement = Placement.objects.get(candidacy=_selected(world, published, worker))
    return services.placement_move(
        actor=world.users["caseworker"], placement_id=placement.pk, to=Step.CONTRACT_OFFERED
    )


def _sent_code():
    notice = Notification.objects.filter(kind="contract.code").latest("created_at")
    return re.search(r"\b(\d{6})\b", notice.body).group(1), notice


def test_the_worker_reads_and_signs_with_a_code_on_their_phone(client, world, mine):
    user = world.users["worker"]
    login(client, user)
    page = client.get(reverse("placements:mine"), **ES).content.decode()
    assert "Mi trayecto" in page and "Lo que sigue:" in page and "Enviarme un código" in page
    contract = client.get(reverse("placements:mine_contract", args=[mine.pk]), **ES)
    assert "18.00 CAD por hora" in contract.content.decode()
    assert client.post(reverse("placements:mine_code", args=[mine.pk])).status_code == 302
    code, notice = _sent_code()
    assert (notice.channel, notice.address, notice.state) == ("sms", PHONE, "pending")
    assert "Nadie de la autoridad" in notice.body  # in the worker's language
    notifications_deliver()
    notice.refresh_from_db()
    assert notice.state == "sent" and code not in notice.body  # the outbox forgets the code
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(reverse("placements:mine_sign", args=[mine.pk]), {"code": wrong}, **ES)
    assert refused.status_code == 400 and "No es el código" in refused.content.decode()
    assert Contract.objects.get(placement=mine).code_attempts == 1
    signed = client.post(reverse("placements:mine_sign", args=[mine.pk]), {"code": code})
    assert signed.status_code == 302
    contract = Contract.objects.get(placement=mine)
    assert (contract.signed_how, contract.signed_with) == ("phone_code", user)
    mine.refresh_from_db()
    assert mine.state == Step.CONTRACT_SIGNED
    assert mine.events.get(to_state=Step.CONTRACT_SIGNED).actor == user


def test_a_code_expires_and_is_not_guessed(world, mine):
    user = world.users["worker"]
    services.contract_code_send(actor=user, placement_id=mine.pk)
    code, _notice = _sent_code()
    Contract.objects.filter(placement=mine).update(
        code_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ValidationFailed) as expired:
        services.contract_sign_by_code(actor=user, placement_id=mine.pk, code=code)
    assert expired.value.code == "signing_code_expired"
    services.contract_code_send(actor=user, placement_id=mine.pk)
    code, _notice = _sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.CODE_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            services.contract_sign_by_code(actor=user, placement_id=mine.pk, code=wrong)
    with pytest.raises(ValidationFailed) as spent:
        services.contract_sign_by_code(actor=user, placement_id=mine.pk, code=code)
    assert spent.value.code == "signing_code_expired"
    other = world.users["caseworker"]
    with pytest.raises(Http404):  # a caseworker does not sign for the worker with a code
        services.contract_code_send(actor=other, placement_id=mine.pk)


def test_each_step_is_told_to_the_worker_in_their_language(world, mine):
    notice = Notification.objects.get(kind="placement.contract_offered")
    assert notice.address == PHONE and notice.language == "es"
    assert "Contrato ofrecido" in notice.body and "documento de identidad" in notice.body


def test_a_failed_send_is_retried_then_kept_never_lost(world, mine):
    class Down:
        def send(self, notification):
            raise ConnectionError("gateway down")

    now = timezone.now()
    assert notifications_deliver(now=now, sender=Down()) == {"sent": 0, "retry": 1, "failed": 0}
    notice = Notification.objects.get()
    assert notice.state == "pending" and "gateway down" in notice.last_error
    assert notice.next_try_at > now
    for attempt in range(2, MAX_ATTEMPTS + 1):
        notifications_deliver(now=now + timedelta(days=attempt), sender=Down())
    notice.refresh_from_db()
    assert notice.state == "failed" and notice.attempts == MAX_ATTEMPTS
    Notification.objects.update(state="pending", attempts=0, next_try_at=now)
    assert notifications_deliver(now=now)["sent"] == 1  # the console backend by default
    assert Notification.objects.get().state == "sent"


def test_the_worker_reports_costs_and_answers_checkins(client, world, mine):
    user, caseworker = world.users["worker"], world.users["caseworker"]
    services.contract_code_send(actor=user, placement_id=mine.pk)
    services.contract_sign_by_code(actor=user, placement_id=mine.pk, code=_sent_code()[0])
    mine.refresh_from_db()
    placement = advance(caseworker, mine, Step.EMPLOYED)
    login(client, user)
    cost = client.post(
        reverse("placements:mine_fee", args=[placement.pk]),
        {
            "item": "recruitment_fee",
            "payee": "intermediary",
            "payee_name": "Don Chepe",
            "amount": "8000",
            "currency": "HNL",
            "paid_on": (timezone.localdate() - timedelta(days=40)).isoformat(),
        },
        **ES,
    )
    assert cost.status_code == 302
    assert FeeRecord.objects.get(placement=placement).recorded_by == user
    page = client.get(reverse("placements:mine"), **ES).content.decode()
    assert "No debió pagar esto" in page and "No hay preguntas para usted ahora" in page
    placement.checkins.filter(pk=placement.checkins.first().pk).update(due_on=timezone.localdate())
    page = client.get(reverse("placements:mine"), **ES).content.decode()
    assert "¿Le pagaron a tiempo?" in page
    checkin = placement.checkins.first()
    answered = client.post(
        reverse("placements:mine_checkin", args=[checkin.pk]),
        {"paid_on_time": "no", "pay_amount": "2800", "pay_currency": "CAD", "pay_period": "month"},
        **ES,
    )
    assert answered.status_code == 302
    assert FollowUp.objects.get().reasons == ["not_paid"]
    checkin.refresh_from_db()
    assert checkin.pay_amount == Decimal("2800.00") and checkin.answered_by == user


def test_nobody_else_sees_a_workers_journey(client, world, mine):
    for other in (world.outsider, world.users["caseworker"], world.users["employer_staff"]):
        login(client, other)
        for name in ("mine_detail", "mine_contract", "mine_contract_pdf"):
            assert client.get(reverse(f"placements:{name}", args=[mine.pk])).status_code == 404
        assert client.post(reverse("placements:mine_code", args=[mine.pk])).status_code == 404


def test_a_worker_with_no_journey_yet(client, world):
    login(client, world.users["worker"])
    page = client.get(reverse("placements:mine"), **ES).content.decode()
    assert "Todavía no tiene un trayecto" in page
