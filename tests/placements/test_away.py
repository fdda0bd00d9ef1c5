"""While the worker is away: check-ins scheduled from the start of work, answered by the worker or
on a call, a worrying answer on the caseworkers' queue; reference rates imported from a CSV, every
bad row reported and nothing half-written; SDG 10.7.1 for a placement and its corridor, worked
by hand in three currencies."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.matching.conftest import make_worker
from tests.placements.test_services import _selected
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.placements import selectors, services
from vinculo.placements.domain import Step, checkin_schedule
from vinculo.placements.models import CheckIn, ExchangeRate, FeeRecord, FollowUp, Placement

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
RATES = (
    "date,base,quote,rate,source\n"
    "2026-01-01,CAD,HNL,18.75,Banco Central de Honduras\n"
    "2026-01-01,USD,CAD,1.25,Bank of Canada\n"
)


def advance(actor, placement, to):
    """Move a placement step by step to `to`, signing its contract on the way."""
    while placement.state != to:
        step = placement.steps[placement.steps.index(placement.state) + 1]
        if step == Step.CONTRACT_SIGNED:
            placement = services.contract_sign(actor=actor, placement_id=placement.pk)
        else:
            placement = services.placement_move(actor=actor, placement_id=placement.pk, to=step)
    return placement


@pytest.fixture
def working(world, published):
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    return advance(world.users["caseworker"], placement, Step.EMPLOYED)


def answers(**given):
    return {
        "paid_on_time": True,
        "pay_amount": None,
        "pay_currency": "",
        "pay_period": "",
        "hours_worked": Decimal(40),
        "housing_ok": True,
        "documents_in_hand": True,
        "safe": True,
        "wants_contact": False,
        **given,
    }


def test_the_schedule_runs_from_the_start_of_work_to_the_contracts_end():
    days = checkin_schedule(date(2027, 4, 1), date(2027, 7, 15))
    assert days == [date(2027, 4, 8), date(2027, 5, 1), date(2027, 5, 31), date(2027, 6, 30)]
    assert checkin_schedule(date(2027, 4, 1), date(2027, 4, 5)) == []


def test_starting_work_schedules_the_checkins(working):
    due = list(working.checkins.values_list("due_on", flat=True))
    today = timezone.localdate()
    assert due[:2] == [today + timedelta(days=7), today + timedelta(days=30)]
    assert due == checkin_schedule(today, working.order.end_date)


def test_a_worrying_answer_goes_on_the_queue_and_is_closed_with_what_was_done(world, working):
    caseworker = world.users["caseworker"]
    first = working.checkins.first()
    calm = services.checkin_answer(actor=caseworker, checkin_id=first.pk, **answers())
    assert calm.answered_at and not FollowUp.objects.exists()
    with pytest.raises(Conflict):
        services.checkin_answer(actor=caseworker, checkin_id=first.pk, **answers())
    second = working.checkins.filter(answered_at=None).first()
    services.checkin_answer(
        actor=caseworker,
        checkin_id=second.pk,
        **answers(documents_in_hand=False, wants_contact=True, note="El patrón tiene mi pasaporte"),
    )
    followup = FollowUp.objects.get()
    assert followup.reasons == ["documents_retained", "wants_contact"]
    assert list(selectors.followups_open(actor=caseworker)) == [followup]
    assert not selectors.followups_open(actor=world.outsider)
    with pytest.raises(ValidationFailed):
        services.followup_close(actor=caseworker, followup_id=followup.pk, outcome=" ")
    services.followup_close(
        actor=caseworker, followup_id=followup.pk, outcome="Llamada; pasaporte devuelto"
    )
    assert not selectors.followups_open(actor=caseworker)


def test_an_unanswered_checkin_goes_on_the_queue_once_due(world, working):
    caseworker = world.users["caseworker"]
    CheckIn.objects.filter(pk=working.checkins.first().pk).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    late = list(selectors.checkins_overdue(actor=caseworker, today=timezone.localdate()))
    assert [c.placement_id for c in late] == [working.pk]
    assert not selectors.checkins_overdue(actor=world.outsider, today=timezone.localdate())


def test_rates_import_reports_every_bad_row_and_writes_nothing(world):
    official = world.users["official"]
    bad = services.rates_import(
        actor=official,
        text=RATES
        + "2026-13-01,CAD,HNL,18.8,BCH\n"
        + "2026-01-02,CAD,CAD,1,BCH\n"
        + "2026-01-02,CAD,HNL,-3,BCH\n"
        + "2026-01-02,CAD,HNL,18.7,\n"
        + "2026-01-01,CAD,HNL,18.9,Otro\n",
    )
    assert [line for line, _ in bad.errors] == [4, 5, 6, 7, 8]
    assert not ExchangeRate.objects.exists()
    good = services.rates_import(actor=official, text=RATES)
    assert (good.added, good.unchanged, good.errors) == (2, 0, [])
    again = services.rates_import(actor=official, text=RATES)
    assert (again.added, again.unchanged) == (0, 2)
    changed = services.rates_import(
        actor=official, text="date,base,quote,rate,source\n2026-01-01,CAD,HNL,19,BCH\n"
    )
    assert changed.errors and ExchangeRate.objects.get(base="CAD").rate == Decimal("18.75")
    with pytest.raises(ValidationFailed):
        services.rates_import(actor=official, text="fecha;de;a\n")
    with pytest.raises(NotAllowed):
        services.rates_import(actor=world.users["caseworker"], text=RATES)


def test_sdg_10_7_1_by_hand_in_three_currencies(world, working):
    """15 000 HNL at 18.75 HNL a CAD is 800 CAD; 200 USD at 1.25 CAD a USD is 250 CAD: 1 050 CAD
    paid. The first pay recorded, 700 CAD a week, is 700 * 52 / 12 = 3 033.33 CAD a month.
    1 050 / 3 033.33 = 0.3462. A refunded cost does not count."""
    caseworker = world.users["caseworker"]
    services.rates_import(actor=world.users["official"], text=RATES)
    for item, amount, currency, day in (
        ("recruitment_fee", "15000", "HNL", date(2026, 1, 10)),
        ("medical", "200", "USD", date(2026, 1, 12)),
        ("visa", "999", "CAD", date(2026, 1, 15)),
    ):
        services.fee_record(
            actor=caseworker,
            placement_id=working.pk,
            item=item,
            payee="agency",
            amount=Decimal(amount),
            currency=currency,
            paid_on=day,
        )
    refunded = FeeRecord.objects.get(item="visa")
    FeeRecord.objects.filter(pk=refunded.pk).update(state="refunded")
    rates = selectors.reference_rates()
    assert selectors.placement_indicator_of(working, rates).missing == "no_pay"
    services.checkin_answer(
        actor=caseworker,
        checkin_id=working.checkins.first().pk,
        **answers(pay_amount=Decimal(700), pay_currency="CAD", pay_period="week"),
    )
    figure = selectors.placement_indicator_of(working, rates).figure
    assert (figure.cost, figure.monthly_income, figure.ratio) == (
        Decimal("1050.00"),
        Decimal("3033.33"),
        Decimal("0.3462"),
    )
    assert [c.rate.source for c in figure.conversions] == [
        "Banco Central de Honduras",
        "Bank of Canada",
    ]
    (row,) = selectors.corridor_figures(actor=caseworker)
    assert (row.destination, row.programme, row.figure.count) == ("CA", "CA-TFWP-AG", 1)
    assert row.figure.median == row.figure.fourth_quintile == Decimal("0.3462")
    assert selectors.corridor_figures(actor=world.outsider) == []


def test_the_pages_in_spanish(client, world, working):
    official = world.users["official"]
    login(client, official)
    rates = reverse("placements:rates")
    bad = client.post(
        rates,
        {"file": SimpleUploadedFile("r.csv", b"date,base,quote,rate,source\nx,CAD,HNL,1,B\n")},
        **ES,
    )
    assert bad.status_code == 400 and "Línea 2" in bad.content.decode()
    ok = client.post(rates, {"file": SimpleUploadedFile("r.csv", RATES.encode())}, **ES)
    assert ok.status_code == 302
    assert "Banco Central de Honduras" in client.get(rates, **ES).content.decode()
    detail = reverse("placements:detail", args=[working.pk])
    page = client.get(detail, **ES).content.decode()
    assert "Registrar las respuestas del control" in page and "¿Se siente seguro?" in page
    answer = reverse("placements:checkin_answer", args=[working.checkins.first().pk])
    refused = client.post(answer, {"pay_amount": "700"}, **ES)
    assert (
        refused.status_code == 400 and "Diga el período de este pago." in refused.content.decode()
    )
    done = client.post(
        answer,
        {"pay_amount": "700", "pay_currency": "CAD", "pay_period": "week", "safe": "no"},
        **ES,
    )
    assert done.status_code == 302
    queue = client.get(reverse("placements:queue"), **ES).content.decode()
    assert working.worker.full_name in queue and "No se siente seguro" in queue
    indicator = client.get(reverse("placements:indicator"), **ES).content.decode()
    assert "Honduras" in indicator and "Canadá" in indicator and "sdg-chart" in indicator
    assert client.get(rates).status_code == 200
    login(client, world.users["caseworker"])
    assert client.get(rates).status_code == 404
    login(client, world.outsider)
    assert working.worker.full_name not in client.get(reverse("placements:queue")).content.decode()
    assert client.post(answer, {"safe": "yes"}).status_code == 404


def test_checkins_rates_and_the_indicator_over_the_api(api, world, working):
    api.force_authenticate(world.users["official"])
    rates = reverse("api:exchange-rates")
    bad = api.post(
        rates,
        {"file": SimpleUploadedFile("r.csv", b"date,base,quote,rate,source\n2026-01-01,X,Y,1,B\n")},
        format="multipart",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["line"] == 2
    good = api.post(
        rates, {"file": SimpleUploadedFile("r.csv", RATES.encode())}, format="multipart"
    )
    assert good.json() == {"added": 2, "unchanged": 0, "errors": []}
    assert api.get(rates).json()["count"] == 2
    listed = api.get(reverse("api:placement-checkins", args=[working.pk])).json()
    assert listed[0]["answered_at"] is None
    answer = reverse("api:checkin-answer", args=[listed[0]["id"]])
    done = api.post(
        answer,
        {"pay_amount": "3000.00", "pay_currency": "CAD", "pay_period": "month", "safe": False},
        format="json",
    )
    assert done.status_code == 200 and done.json()["worries"] == ["unsafe"]
    again = api.post(answer, {"safe": True}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "checkin_already_answered"
    (row,) = api.get(reverse("api:sdg-corridors")).json()
    assert row["count"] == 1 and row["median"] == "0.0000"
    api.force_authenticate(world.users["caseworker"])
    assert api.get(rates).status_code == 403
    api.force_authenticate(world.outsider)
    assert api.get(reverse("api:placement-checkins", args=[working.pk])).status_code == 404
    assert api.post(answer, {"safe": True}, format="json").status_code == 404
    assert api.get(reverse("api:sdg-corridors")).json() == []
