"""A season in progress, for the tour: placements at every step of the journey on a winter
greenhouse order, a contract substituted at the airport and caught, a recruitment fee paid to the
agency, a worrying check-in and an arrival the employer never logged, a worker evaluated last
season, asked back and re-hired by name for next season on the fast path, and last spring's
strawberry picker in Spain not shown home within the month the programme's pack allows.

Everything goes through the services (so each step has its history, its audit line and its
notice); only the orders' dates are moved into the past afterwards, as if they had been filed
last year. The reference rates are illustrative, and say so.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone

from vinculo.core.models import Organisation, User
from vinculo.demo import catalogue
from vinculo.jobs import services as jobs
from vinculo.jobs.models import JobOrder
from vinculo.matching import selectors as matching_selectors
from vinculo.matching import services as matching
from vinculo.placements import services as placements
from vinculo.placements.domain import Exit, Step
from vinculo.placements.models import CheckIn, Contract, Placement, PlacementEvent
from vinculo.reference.models import Occupation
from vinculo.registry.models import Worker

RATES_SOURCE = "Demo: illustrative rate, not a published one"

# The winter order's workers, in the order the ranking gives them: where each one's journey
# stands, and what happened on the way.
STAGES: list[tuple[str, dict[str, Any]]] = [
    (Step.SELECTED, {}),
    (Step.CONTRACT_OFFERED, {}),
    (Step.CONTRACT_SIGNED, {"substituted": True}),
    (Step.CONTRACT_SIGNED, {"fee": ("recruitment_fee", "agency", "15000", "HNL", 60)}),
    (Step.MEDICAL_CLEARED, {}),
    (Step.PERMIT_REQUESTED, {}),
    (Step.PERMIT_GRANTED, {}),
    (Step.ORIENTED, {}),
    (Step.DEPARTED, {}),
    (Step.ARRIVED, {}),
    (Step.EMPLOYED, {"checkin": "worrying", "arrival": True}),
    (
        Step.EMPLOYED,
        {
            "checkin": "calm",
            "arrival": True,
            "fee": ("medical", "intermediary", "2500", "HNL", 90),
        },
    ),
    (Step.EMPLOYED, {"checkin": "calm", "arrival": False}),
    (Step.CONTRACT_ENDED, {"arrival": True}),
    (Step.RETURNED, {"arrival": True}),
    (Exit.WITHDRAWN, {"reason": "Decidió quedarse con su familia esta temporada."}),
]

WINTER = {
    "programme": "CA-TFWP-AG",
    "title": "Greenhouse tomato harvesters (winter season)",
    "sector": "agriculture",
    "worksite_country": "CA",
    "worksite_subdivision": "CA-ON",
    "worksite_municipality": "Leamington",
    "wage_amount": "17.95",
    "wage_currency": "CAD",
    "wage_basis": "hour",
    "weekly_hours": "44",
    "guaranteed_hours": 1200,
    "overtime_rule": "Time and a half after 44 hours a week (Ontario ESA s. 22).",
    "housing_provided": True,
    "housing_weekly_cost": "0",
    "costs": {"recruitment_fee": "employer", "travel_in": "employer", "travel_out": "employer"},
    "languages": [],
    "min_experience_years": 0,
    "description": "Harvesting tomatoes in heated greenhouses through the winter.",
}


def _order(users: dict[str, User], employer: Organisation, title: str, positions: int) -> JobOrder:
    """An order of the winter terms filed by the agency for the farm, approved and published
    (for next year: the check wants a future start; the caller moves the dates)."""
    year = timezone.localdate().year + 1
    values = {
        **WINTER,
        "title": title,
        "positions": positions,
        "start_date": date(year, 1, 10),
        "end_date": date(year, 6, 30),
        "occupation": Occupation.objects.filter(isco_group_id="9211").order_by("label_en").first(),
    }
    order = jobs.order_create(
        actor=users["agencia.hn"], employer_id=employer.pk, values=values, jurisdiction="HN-STSS"
    )
    jobs.order_move(actor=users["agencia.hn"], order_id=order.pk, to="submitted")
    for to in ("approved", "published"):
        jobs.order_move(actor=users["oficial.hn"], order_id=order.pk, to=to)
    return order


def _select(
    users: dict[str, User], order: JobOrder, worker_id: int, by: str = "empleador.ca"
) -> Placement:
    candidacy = matching.candidacy_shortlist(
        actor=users["gestor.hn"], order_id=order.pk, worker_id=worker_id
    )
    candidacy = matching.candidacy_select(actor=users[by], candidacy_id=candidacy.pk)
    return Placement.objects.get(candidacy=candidacy)


def _advance(actor: User, placement: Placement, to: str, reason: str = "") -> Placement:
    """Move a placement step by step to `to` (signing in person on the way), or out by `to`."""
    if to in Exit.values:
        return placements.placement_move(
            actor=actor, placement_id=placement.pk, to=to, reason=reason
        )
    while placement.state != to:
        step = placement.steps[placement.steps.index(placement.state) + 1]
        if step == Step.CONTRACT_SIGNED:
            placement = placements.contract_sign(actor=actor, placement_id=placement.pk)
        else:
            placement = placements.placement_move(actor=actor, placement_id=placement.pk, to=step)
    return placement


def _ranked(official: User, order: JobOrder) -> list[int]:
    """The order's ranked workers without a sign-in of their own: the tour's worker, María José,
    keeps her vacancies to apply for."""
    _order, ranking = matching_selectors.ranking_for(actor=official, order_id=order.pk, k=80)
    ids = [m.worker_id for m in ranking.matches]
    with_account = set(
        Worker.objects.filter(pk__in=ids, user__isnull=False).values_list("pk", flat=True)
    )
    return [w for w in ids if w not in with_account]


def _dates(order: JobOrder, start: date, end: date) -> None:
    JobOrder.objects.filter(pk=order.pk).update(start_date=start, end_date=end)
    order.refresh_from_db()


def _answers(worrying: bool) -> dict[str, Any]:
    return {
        "paid_on_time": True,
        "pay_amount": Decimal("3150.00"),
        "pay_currency": "CAD",
        "pay_period": "month",
        "hours_worked": Decimal(44),
        "housing_ok": True,
        "documents_in_hand": not worrying,
        "safe": True,
        "wants_contact": worrying,
        "note": "El encargado guarda los pasaportes de todos." if worrying else "",
    }


def _last_season(
    users: dict[str, User], last: JobOrder, next_year: JobOrder, returner: int
) -> None:
    """Last season's worker: selected, home, evaluated by both sides, asked back, and re-hired
    by name for next year."""
    today = timezone.localdate()
    caseworker, official, staff = users["gestor.hn"], users["oficial.hn"], users["empleador.ca"]
    returning = _select(users, last, returner)
    _dates(last, today - timedelta(days=420), today - timedelta(days=250))
    returning = _advance(caseworker, returning, Step.RETURNED)
    for side, actor, comment in (
        ("employer", staff, "Trabajador cuidadoso; lo queremos de vuelta."),
        ("caseworker", caseworker, "Temporada sin incidentes."),
    ):
        placements.evaluation_record(
            actor=actor,
            placement_id=returning.pk,
            side=side,
            rehire=True,
            rating=5,
            comment=comment,
        )
    placements.placement_move(actor=caseworker, placement_id=returning.pk, to=Step.EVALUATED)
    jobs.order_move(actor=official, order_id=last.pk, to="closed")
    # Its steps happened last year, with the season: the medical clearance, some 430 days old,
    # is past the 12 months the pack keeps it valid, so the fast path asks it again.
    events = PlacementEvent.objects.filter(placement=returning)
    events.exclude(to_state=Step.EVALUATED).update(at=F("at") - timedelta(days=430))
    events.filter(to_state=Step.EVALUATED).update(at=F("at") - timedelta(days=240))
    placements.rehire_by_name(actor=staff, placement_id=returning.pk, order_id=next_year.pk)


def _strawberries_last_spring(
    users: dict[str, User], organisations: dict[str, Organisation]
) -> None:
    """Last spring's strawberry campaign in Spain (GECCO), filed by the agency: a worker whose
    contract ended 45 days ago and who has not been shown home yet. The programme's pack asks
    the return within a month, so the caseworker's queue has her 15 days late."""
    today = timezone.localdate()
    official = users["oficial.hn"]
    terms = next(t for *_, t in catalogue.JOB_ORDERS if t.get("programme") == "ES-GECCO")
    year = today.year + 1  # filed as for next year (the check wants a future start), then moved
    values = {k: v for k, v in terms.items() if k not in ("start", "end")}
    values.update(
        title=f"{terms['title']} (campaña anterior)",
        positions=10,
        start_date=date(year, *terms["start"]),
        end_date=date(year, *terms["end"]),
        occupation=Occupation.objects.filter(isco_group_id="9211").order_by("label_en").first(),
    )
    order = jobs.order_create(
        actor=users["agencia.hn"],
        employer_id=organisations["berries-es"].pk,
        values=values,
        jurisdiction=None,
    )
    jobs.order_move(actor=users["agencia.hn"], order_id=order.pk, to="submitted")
    for to in ("approved", "published"):
        jobs.order_move(actor=official, order_id=order.pk, to=to)
    placed = set(Placement.objects.values_list("worker_id", flat=True))
    worker_id = next(w for w in _ranked(official, order) if w not in placed)
    placement = _select(users, order, worker_id, by="agencia.hn")
    placement = _advance(users["gestor.hn"], placement, Step.CONTRACT_ENDED)
    _dates(order, today - timedelta(days=170), today - timedelta(days=45))
    _days_ago(placement, Step.CONTRACT_ENDED, 45)
    jobs.order_move(actor=official, order_id=order.pk, to="closed", reason="Campaña terminada.")


def _days_ago(placement: Placement, step: str, days: int) -> None:
    PlacementEvent.objects.filter(placement=placement, to_state=step).update(
        at=timezone.now() - timedelta(days=days)
    )


def season_load(users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    today = timezone.localdate()
    caseworker, official, staff = users["gestor.hn"], users["oficial.hn"], users["empleador.ca"]
    farm = organisations["farm-on"]
    placements.rates_import(
        actor=official,
        text="date,base,quote,rate,source\n"
        + "".join(
            f"{(today - timedelta(days=days)).isoformat()},{base},HNL,{rate},{RATES_SOURCE}\n"
            for days in (400, 120)
            for base, rate in (("CAD", "18.90"), ("USD", "24.70"), ("EUR", "27.60"))
        ),
    )

    # Last season: one worker, evaluated, asked back, and re-hired by name for next year's
    # greenhouse order of the tour (so a worker both orders' rankings hold).
    next_year = JobOrder.objects.get(title="Greenhouse vegetable harvesters")
    last = _order(users, farm, "Greenhouse tomato harvesters (last season)", 1)
    both = set(_ranked(official, next_year))
    returner = next((w for w in _ranked(official, last) if w in both), None)
    if returner is not None:
        _last_season(users, last, next_year, returner)
    else:  # a demo too small to have a worker both rankings hold
        jobs.order_move(actor=official, order_id=last.pk, to="closed", reason="Demo")

    # This winter's season, under way.
    winter = _order(users, farm, WINTER["title"], len(STAGES) + 2)
    # As many of the stages as the demo has workers for (all of them from the small demo up).
    workers = [w for w in _ranked(official, winter) if w != returner]
    opened = [_select(users, winter, worker_id) for worker_id in workers[: len(STAGES)]]
    _dates(winter, today - timedelta(days=100), today + timedelta(days=80))
    for placement, (stage, story) in zip(opened, STAGES, strict=False):
        placement = _advance(caseworker, placement, stage, story.get("reason", ""))
        if "fee" in story:
            item, payee, amount, currency, days = story["fee"]
            placements.fee_record(
                actor=caseworker,
                placement_id=placement.pk,
                item=item,
                payee=payee,
                payee_name="Agencia El Atajo" if payee == "agency" else "Clínica San Rafael",
                amount=Decimal(amount),
                currency=currency,
                paid_on=today - timedelta(days=days),
            )
        if story.get("substituted"):
            offer = Contract.objects.get(placement=placement)
            found = {**offer.terms, "wage": {**offer.terms["wage"], "amount": "14.00"}}
            placements.terms_check(
                actor=caseworker,
                placement_id=placement.pk,
                found=found,
                where="Aeropuerto Ramón Villeda Morales, el día de la salida",
            )
        if story.get("arrival"):
            placements.attendance_log(
                actor=staff,
                placement_id=placement.pk,
                kind="arrived",
                on=today - timedelta(days=20),
            )
        if "checkin" in story:
            first = CheckIn.objects.filter(placement=placement).order_by("due_on").first()
            placements.checkin_answer(
                actor=caseworker,
                checkin_id=first.pk,
                **_answers(story["checkin"] == "worrying"),
            )
        if stage == Step.EMPLOYED and not story.get("arrival"):
            # At work for ten days with no arrival in the employer's log: a mismatch to chase.
            _days_ago(placement, Step.EMPLOYED, 10)
    _strawberries_last_spring(users, organisations)
