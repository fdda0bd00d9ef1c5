"""Programmes' packs shape the journey: the steps a programme leaves out, the deadlines between
steps, and how long a step of last season stays valid for a named re-hire. A journey past a
deadline shows on the caseworker's queue (the most late first) and over the API, and the daily
task tells its caseworker once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.conftest import login
from tests.matching.conftest import make_published, make_worker
from tests.placements.test_away import advance
from tests.placements.test_services import _selected
from vinculo.core.models import Notification
from vinculo.jobs.models import JobOrder
from vinculo.placements import selectors, services
from vinculo.placements.domain import (
    JOURNEY,
    Step,
    StepsInvalid,
    carried_over,
    deadline_late,
    journey_for,
)
from vinculo.placements.models import DeadlineNotice, Placement, PlacementEvent
from vinculo.policy.loader import SHIPPED_DIR, packs_all

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
RULES = """
[placement]
skipped = ["oriented"]
skipped_source = { instrument = "Guía de prueba del programa", published = 2026-01-01 }

[[placement.deadlines]]
step = "permit_requested"
after = "contract_signed"
days = 10
label = { es = "Visado pedido en 10 días", en = "Visa requested within 10 days" }
source = { instrument = "Guía de prueba del programa", article = "sec. 4", published = 2026-01-01 }

[[placement.deadlines]]
step = "returned"
after = "contract_ended"
days = 30
label = { es = "Regreso en un mes", en = "Home within a month" }
source = { instrument = "Guía de prueba del programa", article = "sec. 9", published = 2026-01-01 }
"""


@pytest.fixture
def rules(settings, tmp_path):
    """The order's programme pack (CA-TFWP-AG) with placement rules added."""
    text = (SHIPPED_DIR / "CA-TFWP-AG.toml").read_text(encoding="utf-8") + RULES
    (tmp_path / "CA-TFWP-AG.toml").write_text(text, encoding="utf-8")
    settings.POLICY_PACK_DIRS = [tmp_path]
    packs_all.cache_clear()
    yield
    packs_all.cache_clear()


def _days_ago(placement: Placement, step: str, days: int) -> None:
    PlacementEvent.objects.filter(placement=placement, to_state=step).update(
        at=timezone.now() - timedelta(days=days)
    )


def _return_late(current, done_on, steps=JOURNEY):
    """The return home due 30 days after the contract's end, as of 31 March 2027."""
    return deadline_late(
        list(steps),
        current,
        step=Step.RETURNED,
        after=Step.CONTRACT_ENDED,
        days=30,
        done_on=done_on,
        today=date(2027, 3, 31),
    )


def test_a_deadline_is_late_only_between_its_two_steps():
    late = _return_late(Step.CONTRACT_ENDED, date(2027, 2, 1))
    assert late is not None and (late.due_on, late.days) == (date(2027, 3, 3), 28)
    for current, done_on in (
        (Step.CONTRACT_ENDED, date(2027, 3, 1)),  # due tomorrow: not late yet
        (Step.RETURNED, date(2027, 2, 1)),  # done
        (Step.EMPLOYED, None),  # the contract has not ended
        ("withdrawn", date(2027, 2, 1)),  # left the journey by an exit
    ):
        assert _return_late(current, done_on) is None, current
    # No return on a journey that crossed no border.
    domestic = journey_for(worksite_country="HN", home_country="HN")
    assert _return_late(Step.CONTRACT_ENDED, date(2027, 1, 1), domestic) is None


def test_a_pack_skips_steps_but_never_a_fixed_or_unknown_one():
    steps = journey_for(worksite_country="CA", home_country="HN", skipped=["oriented"])
    assert Step.ORIENTED not in steps and Step.DEPARTED in steps
    domestic = journey_for(worksite_country="HN", home_country="HN", skipped=["medical_cleared"])
    assert Step.MEDICAL_CLEARED not in domestic and Step.DEPARTED not in domestic
    for wrong in (["employed"], ["boarding"]):
        with pytest.raises(StepsInvalid):
            journey_for(worksite_country="CA", home_country="HN", skipped=wrong)


def test_every_shipped_pack_names_real_steps_in_order():
    for code, loaded in packs_all().items():
        rules = loaded.pack.placement
        if rules is None:
            continue
        journey_for(worksite_country="", home_country="", skipped=rules.skipped)
        for deadline in rules.deadlines:
            assert JOURNEY.index(deadline.after) < JOURNEY.index(deadline.step), code


def test_the_programme_s_journey_leaves_out_its_skipped_step(world, published, rules):
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    assert Step.ORIENTED not in placement.steps and Step.PERMIT_GRANTED in placement.steps


def test_late_journeys_reach_the_queue_the_api_and_the_caseworker_once(
    world, published, rules, client, api
):
    caseworker = world.users["caseworker"]
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    placement = advance(caseworker, placement, Step.CONTRACT_SIGNED)
    today = timezone.localdate()
    assert selectors.deadlines_overdue(actor=caseworker, today=today) == []
    _days_ago(placement, Step.CONTRACT_SIGNED, 14)
    [row] = selectors.deadlines_overdue(actor=caseworker, today=today)
    assert (row.placement, row.deadline.step, row.late.days) == (placement, "permit_requested", 4)

    login(client, caseworker)
    page = client.get("/placements/queue/", **ES).content.decode()
    assert "1 paso con el plazo vencido" in page and "Visado pedido en 10 días" in page
    assert "4 días de atraso" in page and "Guía de prueba del programa, sec. 4" in page
    api.force_authenticate(caseworker)
    [body] = api.get("/api/v1/placements/overdue/").json()
    assert body["step"] == "permit_requested" and body["days_late"] == 4
    assert body["rule"]["en"] == "Visa requested within 10 days"
    # Another country's official sees none of it.
    api.force_authenticate(world.outsider)
    assert api.get("/api/v1/placements/overdue/").json() == []

    assert services.deadlines_tell(today) == 0  # no address to reach her: tried again later
    assert not DeadlineNotice.objects.exists()
    caseworker.email = "gestora@example.org"
    caseworker.save()
    assert services.deadlines_tell(today) == 1
    assert services.deadlines_tell(today) == 0  # once, whatever the number of ticks
    notice = Notification.objects.get(user=caseworker, kind="placement.deadline")
    assert "4 días de atraso" in notice.body and "sec. 4" in notice.body
    assert DeadlineNotice.objects.get().due_on == today - timedelta(days=4)

    # Done, it leaves the queue.
    services.placement_move(actor=caseworker, placement_id=placement.pk, to="medical_cleared")
    services.placement_move(actor=caseworker, placement_id=placement.pk, to="permit_requested")
    assert selectors.deadlines_overdue(actor=caseworker, today=today) == []


def test_the_shipped_gecco_pack_asks_the_return_within_a_month():
    rules = packs_all()["ES-GECCO"].pack.placement
    [deadline] = rules.deadlines
    assert (deadline.step, deadline.after, deadline.days) == ("returned", "contract_ended", 30)
    assert "Real Decreto 1155/2024" in deadline.source.cite()


# --- what the fast path carries while it is valid -------------------------------------------------


def test_a_step_is_carried_while_the_pack_keeps_it_valid():
    steps = list(JOURNEY)
    done = {Step.MEDICAL_CLEARED: date(2026, 3, 10)}
    valid = {Step.MEDICAL_CLEARED: 12}
    assert carried_over(
        steps, steps, done_on=done, valid_months=valid, starts_on=date(2027, 3, 10)
    ) == [Step.MEDICAL_CLEARED, Step.ORIENTED]
    assert carried_over(
        steps, steps, done_on=done, valid_months=valid, starts_on=date(2027, 3, 11)
    ) == [Step.ORIENTED]  # a day too old: asked again
    assert carried_over(steps, steps, done_on=done, starts_on=date(2026, 4, 1)) == [Step.ORIENTED]


def _evaluated_and_asked_back(world, placement):
    staff, caseworker = world.users["employer_staff"], world.users["caseworker"]
    returned = advance(caseworker, placement, Step.RETURNED)
    for side, actor in (("employer", staff), ("caseworker", caseworker)):
        services.evaluation_record(
            actor=actor, placement_id=returned.pk, side=side, rehire=True, rating=5
        )
    return services.placement_move(actor=caseworker, placement_id=returned.pk, to=Step.EVALUATED)


@pytest.mark.parametrize(("medical_days_ago", "carried"), [(30, True), (400, False)])
def test_the_fast_path_carries_last_season_s_medical_while_valid(
    world, farm, published, client, medical_days_ago, carried
):
    last = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    last = _evaluated_and_asked_back(world, last)
    _days_ago(last, Step.MEDICAL_CLEARED, medical_days_ago)
    today = timezone.localdate()  # last season is over; the next starts in two months
    JobOrder.objects.filter(pk=published.pk).update(
        start_date=today - timedelta(days=300), end_date=today - timedelta(days=150)
    )
    starts = today + timedelta(days=60)
    later = make_published(
        world,
        replace(
            farm,
            terms=farm.terms | {"start_date": starts, "end_date": starts + timedelta(days=150)},
        ),
    )
    new = services.rehire_by_name(
        actor=world.users["employer_staff"], placement_id=last.pk, order_id=later.pk
    )
    expected = [Step.MEDICAL_CLEARED, Step.ORIENTED] if carried else [Step.ORIENTED]
    assert new.carried_steps == expected
    assert (Step.MEDICAL_CLEARED in new.steps) is not carried
    login(client, world.users["caseworker"])
    page = client.get(f"/placements/{new.pk}/", **ES).content.decode()
    kept = "se conserva de la temporada pasada: " + (
        "Examen médico aprobado, Orientación previa a la salida recibida."
        if carried
        else "Orientación previa a la salida recibida."
    )
    assert kept in page
