"""The end of the season: the employer's attendance log (one by one, or a roster where every bad
row is reported and nothing half-written) checked against the journey; the employer's and the
caseworker's evaluations before "evaluated"; a worker asked back re-hired by name for the next
season on the fast path, with the returning points in matching."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.matching.conftest import make_published, make_worker
from tests.placements.test_away import advance
from tests.placements.test_services import _selected
from vinculo.core.errors import Conflict, ValidationFailed
from vinculo.core.permissions import Role
from vinculo.matching.models import Candidacy
from vinculo.matching.ranking import _returning
from vinculo.placements import selectors, services
from vinculo.placements.domain import Step
from vinculo.placements.models import Attendance, Contract, Placement, PlacementEvent

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture
def working(world, published):
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    return advance(world.users["caseworker"], placement, Step.EMPLOYED)


@pytest.fixture
def other_employer(world):
    user = UserFactory(username="staff.other")
    MembershipFactory(
        user=user,
        role=Role.EMPLOYER_STAFF,
        jurisdiction=None,
        organisation=OrganisationFactory(jurisdiction=world.hn, name="Otra Finca"),
    )
    return user


def test_the_employers_log_against_the_journey(world, working, other_employer):
    staff, caseworker = world.users["employer_staff"], world.users["caseworker"]
    today = timezone.localdate()
    PlacementEvent.objects.filter(placement=working, to_state=Step.EMPLOYED).update(
        at=timezone.now() - timedelta(days=5)
    )
    (late,) = selectors.attendance_mismatches(actor=caseworker, today=today)
    assert late == (working, "no_arrival")
    services.attendance_log(actor=staff, placement_id=working.pk, kind="arrived", on=today)
    assert selectors.attendance_mismatches(actor=caseworker, today=today) == []
    services.attendance_log(actor=staff, placement_id=working.pk, kind="left", on=today)
    assert selectors.attendance_mismatches(actor=caseworker, today=today) == [(working, "left")]
    assert selectors.attendance_mismatches(actor=world.outsider, today=today) == []
    with pytest.raises(ValidationFailed):
        services.attendance_log(
            actor=staff, placement_id=working.pk, kind="left", on=today + timedelta(days=1)
        )
    with pytest.raises(Http404):
        services.attendance_log(
            actor=other_employer, placement_id=working.pk, kind="left", on=today
        )


def test_a_roster_is_all_or_nothing(world, working, other_employer):
    staff = world.users["employer_staff"]
    code = Contract.objects.get(placement=working).code
    day = timezone.localdate().isoformat()
    errors = services.attendance_roster(
        actor=staff,
        text=f"contract,event,date\n{code},arrived,{day}\nCT-0000-0000,arrived,{day}\n"
        f"{code},slept,{day}\n{code},left,2026-02-30\n",
    )
    assert [line for line, _ in errors] == [3, 4, 5]
    assert not Attendance.objects.exists()
    assert (
        services.attendance_roster(actor=staff, text=f"contract,event,date\n{code},arrived,{day}\n")
        == []
    )
    assert Attendance.objects.get().from_roster
    foreign = services.attendance_roster(
        actor=other_employer, text=f"contract,event,date\n{code},left,{day}\n"
    )
    assert foreign and Attendance.objects.count() == 1


def _season_over(world, placement):
    return advance(world.users["caseworker"], placement, Step.RETURNED)


def test_both_evaluate_before_the_season_is_evaluated(world, working):
    staff, caseworker = world.users["employer_staff"], world.users["caseworker"]
    with pytest.raises(Conflict) as early:
        services.evaluation_record(
            actor=staff, placement_id=working.pk, side="employer", rehire=True, rating=5
        )
    assert early.value.code == "placement_not_evaluable"
    returned = _season_over(world, working)
    services.evaluation_record(
        actor=staff, placement_id=returned.pk, side="employer", rehire=True, rating=5
    )
    assert Candidacy.objects.get(pk=returned.candidacy_id).rehire is True
    with pytest.raises(Conflict) as twice:
        services.evaluation_record(
            actor=staff, placement_id=returned.pk, side="employer", rehire=False, rating=1
        )
    assert twice.value.code == "already_evaluated"
    with pytest.raises(Conflict) as missing:
        services.placement_move(actor=caseworker, placement_id=returned.pk, to=Step.EVALUATED)
    assert missing.value.code == "evaluations_missing"
    with pytest.raises(Http404):  # the caseworker's side is the authority's
        services.evaluation_record(
            actor=staff, placement_id=returned.pk, side="caseworker", rehire=True, rating=4
        )
    services.evaluation_record(
        actor=caseworker, placement_id=returned.pk, side="caseworker", rehire=True, rating=4
    )
    evaluated = services.placement_move(
        actor=caseworker, placement_id=returned.pk, to=Step.EVALUATED
    )
    assert evaluated.state == Step.EVALUATED


def test_asked_back_by_name_on_the_fast_path(client, world, farm, working):
    staff, caseworker = world.users["employer_staff"], world.users["caseworker"]
    returned = _season_over(world, working)
    for side, actor in (("employer", staff), ("caseworker", caseworker)):
        services.evaluation_record(
            actor=actor, placement_id=returned.pk, side=side, rehire=True, rating=5
        )
    year = returned.order.start_date.year + 1
    later = make_published(
        world,
        replace(
            farm,
            terms=farm.terms
            | {
                "start_date": date(year, 4, 1),
                "end_date": date(year, 10, 31),
                "wage_amount": "19.00",
            },
        ),
    )
    assert returned.worker_id in _returning(later)  # asked back: the returning points
    with pytest.raises(Conflict) as not_yet:
        services.rehire_by_name(actor=staff, placement_id=returned.pk, order_id=later.pk)
    assert not_yet.value.code == "not_asked_back"  # evaluated, not just returned
    services.placement_move(actor=caseworker, placement_id=returned.pk, to=Step.EVALUATED)
    login(client, staff)
    page = client.get(reverse("placements:hosted_detail", args=[returned.pk]), **ES)
    assert "Volver a pedir para la próxima temporada" in page.content.decode()
    done = client.post(reverse("placements:rehire", args=[returned.pk]), {"order": later.pk})
    assert done.status_code == 302
    new = Placement.objects.get(order=later)
    assert new.carried_from == returned and new.carried_steps == ["oriented"]
    assert "oriented" not in new.steps and new.worker_id == returned.worker_id
    assert Candidacy.objects.get(pk=new.candidacy_id).status == "selected"
    services.placement_move(actor=caseworker, placement_id=new.pk, to=Step.CONTRACT_OFFERED)
    login(client, caseworker)
    contract = client.get(reverse("placements:contract", args=[new.pk]), **ES).content.decode()
    assert "Lo que cambió desde la temporada pasada" in contract and "19.00 CAD" in contract
    hosted = reverse("placements:hosted")
    login(client, staff)
    assert returned.worker.full_name in client.get(hosted, **ES).content.decode()
    login(client, world.outsider)
    assert client.get(hosted).status_code == 404
    assert client.get(reverse("placements:hosted_detail", args=[new.pk])).status_code == 404


def test_the_season_over_the_api(api, world, working, other_employer):
    staff, caseworker = world.users["employer_staff"], world.users["caseworker"]
    attendance = reverse("api:placement-attendance", args=[working.pk])
    api.force_authenticate(staff)
    logged = api.post(
        attendance, {"kind": "arrived", "on": timezone.localdate().isoformat()}, format="json"
    )
    assert logged.status_code == 201 and api.get(attendance).json()[0]["kind"] == "arrived"
    evaluations = reverse("api:placement-evaluations", args=[working.pk])
    early = api.post(evaluations, {"side": "employer", "rehire": True, "rating": 5}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "placement_not_evaluable"
    _season_over(world, working)
    done = api.post(evaluations, {"side": "employer", "rehire": True, "rating": 5}, format="json")
    assert done.status_code == 201 and done.json()["rehire"] is True
    for other in (other_employer, world.outsider):
        api.force_authenticate(other)
        assert api.get(attendance).status_code == 404
        refused = api.post(
            evaluations, {"side": "employer", "rehire": False, "rating": 1}, format="json"
        )
        assert refused.status_code == 404
    api.force_authenticate(None)
    code = Contract.objects.get(placement=working).code
    public = api.get(reverse("api:contract-verify", args=[code.lower()]))
    assert public.status_code == 200 and public.json()["signed"] is True
    assert working.worker.full_name not in public.content.decode()
    assert api.get(reverse("api:contract-verify", args=["CT-0000-0000"])).status_code == 404
    api.force_authenticate(caseworker)
    rehire = api.post(reverse("api:placement-rehire", args=[working.pk]), {"order": 1})
    assert rehire.status_code == 404  # a caseworker does not ask back for the employer
