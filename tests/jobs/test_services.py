"""Filing, checking and deciding job orders through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent, VerificationState
from vinculo.jobs import selectors, services
from vinculo.jobs.models import JobOrder, JobOrderState
from vinculo.registry.models import LicenceState

S = JobOrderState


def _file(farm, world, **changes):
    return services.order_create(
        actor=world.users["employer_staff"],
        employer_id=farm.employer.pk,
        values={**farm.terms, **changes},
    )


def _failed(order):
    return {f["code"]: f for f in order.findings if not f["passed"]}


def test_a_good_order_passes_every_finding(world, farm):
    order = _file(farm, world)
    assert order.state == S.DRAFT and order.jurisdiction == world.hn
    assert order.isco_unit == "6111" and order.agency is None
    codes = {f["code"] for f in order.findings}
    assert {
        "minimum_wage",
        "worker_pays_no_fees",
        "hours",
        "duration",
        "employer_verified",
    } <= codes
    assert _failed(order) == {}
    assert all(f["explanation"]["es"] and f["explanation"]["en"] for f in order.findings)


def test_a_wage_under_the_minimum_is_refused_with_its_reason_and_kept(world, farm):
    order = _file(farm, world, wage_amount="15.00")
    finding = _failed(order)["minimum_wage"]
    assert "17,60" in finding["explanation"]["es"] and "15.00" in finding["explanation"]["en"]
    assert "Ontario" in finding["source"]
    with pytest.raises(Conflict) as refused:
        services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    assert refused.value.code == "job_order_check_failed"
    assert [f["code"] for f in refused.value.details["findings"]] == ["minimum_wage"]
    order.refresh_from_db()
    assert order.state == S.DRAFT and str(order.wage_amount) == "15.00"  # nothing lost

    fixed = services.order_update(
        actor=world.users["employer_staff"],
        order_id=order.pk,
        values={**farm.terms, "wage_amount": "18.00"},
        expected_version=order.version,
    )
    assert _failed(fixed) == {}
    submitted = services.order_move(
        actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED
    )
    assert submitted.state == S.SUBMITTED and submitted.submitted_at


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"costs": {"recruitment_fee": "worker"}}, "worker_pays_no_fees"),
        ({"costs": {"travel_in": "worker"}}, "worker_pays_no_fees"),  # not recoverable here
        ({"weekly_hours": "20"}, "hours"),
        ({"programme": "CA-SAWP", "guaranteed_hours": 200}, "hours"),
        ({"programme": "CA-SAWP"}, "duration"),  # April to October is 7 months: fine...
    ],
)
def test_each_rule_of_the_programme_can_refuse(world, farm, changes, code):
    order = _file(farm, world, **changes)
    if changes == {"programme": "CA-SAWP"}:
        assert code not in _failed(order)  # ...and within the season
        order = _file(
            farm,
            world,
            programme="CA-SAWP",
            end_date=farm.terms["end_date"].replace(month=12, day=31),
        )
    assert code in _failed(order), order.findings


def test_housing_may_be_charged_only_within_the_programme_limit(world, farm):
    order = _file(farm, world, housing_weekly_cost="30")
    finding = next(f for f in order.findings if f["evidence"].get("cost") == "housing")
    assert finding["passed"] and "30" in finding["explanation"]["en"]
    sawp = _file(farm, world, programme="CA-SAWP", housing_weekly_cost="30")
    assert "worker_pays_no_fees" in _failed(sawp)


def test_gecco_needs_ten_positions(world, farm):
    spain = {
        **farm.terms,
        "programme": "ES-GECCO",
        "worksite_country": "ES",
        "worksite_subdivision": "ES-AN",
        "worksite_municipality": "Lepe",
        "wage_amount": "60.00",
        "wage_currency": "EUR",
        "wage_basis": "day",
    }
    order = services.order_create(
        actor=world.users["employer_staff"],
        employer_id=farm.employer.pk,
        values={**spain, "positions": 9},
    )
    assert "collective_positions" in _failed(order)


def test_work_where_no_pack_applies_cannot_be_checked(world, farm):
    order = _file(farm, world, programme="", worksite_country="US", worksite_subdivision="US-WA")
    assert _failed(order)["policy_pack"]["reason"] == "no_pack"


def test_an_unverified_employer_cannot_submit(world, farm):
    farm.employer.verification_state = VerificationState.PENDING
    farm.employer.save()
    order = _file(farm, world)
    assert "has not been verified" in _failed(order)["employer_verified"]["explanation"]["en"]
    with pytest.raises(Conflict):
        services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)


def test_an_agency_files_for_an_employer_and_must_be_licensed(world, farm):
    agent = world.users["agency_staff"]
    order = services.order_create(actor=agent, employer_id=farm.employer.pk, values=farm.terms)
    assert order.agency == farm.agency and _failed(order) == {}
    licence = farm.agency.licences.get()
    licence.state = LicenceState.SUSPENDED
    licence.save()
    with pytest.raises(Conflict) as refused:
        services.order_move(actor=agent, order_id=order.pk, to=S.SUBMITTED)
    assert [f["code"] for f in refused.value.details["findings"]] == ["agency_licensed"]


def test_field_errors_name_the_field(world, farm):
    cases = [
        ({"end_date": farm.terms["start_date"] - timedelta(days=1)}, "end_date"),
        ({"worksite_subdivision": "CA-XX"}, "worksite_subdivision"),
        ({"programme": "ES-GECCO"}, "programme"),  # a Spanish programme for work in Canada
        ({"occupation": "not-an-id"}, "occupation"),
        ({"wage_currency": "ABC"}, "wage_currency"),
        ({"positions": 0}, "positions"),
        ({"costs": {"visa": "nobody"}}, "costs"),
        ({"languages": [["es", "Z9"]]}, "languages"),
    ]
    for changes, field in cases:
        with pytest.raises(ValidationFailed) as error:
            _file(farm, world, **changes)
        assert error.value.field == field, changes
    assert not JobOrder.objects.exists()


def test_who_files_and_with_which_authority(world, farm):
    other = type(farm.employer).objects.create(
        kind="employer", name="Other", country="CR", jurisdiction=world.cr
    )
    staff, agent = world.users["employer_staff"], world.users["agency_staff"]
    with pytest.raises(ValidationFailed):  # not their employer
        services.order_create(actor=staff, employer_id=other.pk, values=farm.terms)
    with pytest.raises(ValidationFailed):  # officials do not file
        services.order_create(
            actor=world.users["official"], employer_id=farm.employer.pk, values=farm.terms
        )
    # An agency files for an employer anywhere, with the authority that licensed it.
    by_agency = services.order_create(actor=agent, employer_id=other.pk, values=farm.terms)
    assert by_agency.jurisdiction == world.hn and by_agency.agency == farm.agency
    # An employer files with the authority of the country it recruits from.
    with_cr = services.order_create(
        actor=staff, employer_id=farm.employer.pk, values=farm.terms, jurisdiction="CR-MTSS"
    )
    assert with_cr.jurisdiction == world.cr
    assert selectors.order_get(actor=world.outsider, order_id=with_cr.pk) == with_cr
    with pytest.raises(Http404):
        selectors.order_get(actor=world.users["official"], order_id=with_cr.pk)
    with pytest.raises(ValidationFailed) as error:
        services.order_create(
            actor=staff, employer_id=farm.employer.pk, values=farm.terms, jurisdiction="XX-NONE"
        )
    assert error.value.field == "jurisdiction"


def _submitted(world, farm):
    order = _file(farm, world)
    return services.order_move(
        actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED
    )


def test_the_official_approves_and_publishes_with_a_public_code(world, farm):
    order = _submitted(world, farm)
    official = world.users["official"]
    approved = services.order_move(actor=official, order_id=order.pk, to=S.APPROVED)
    assert approved.verification_code.startswith("JO-") and len(approved.verification_code) == 12
    assert selectors.board_list().count() == 0  # approved is not yet published
    published = services.order_move(actor=official, order_id=order.pk, to=S.PUBLISHED)
    assert list(selectors.board_list()) == [published]
    found = selectors.order_by_code(code=approved.verification_code.lower().replace("-", " "))
    assert found == published
    verbs = list(AuditEvent.objects.filter(object_id=str(order.pk)).values_list("verb", flat=True))
    assert {
        "job_order.created",
        "job_order.submitted",
        "job_order.approved",
        "job_order.published",
    } <= set(verbs)


def test_a_return_needs_its_reason_and_the_filer_can_resubmit(world, farm):
    order = _submitted(world, farm)
    official = world.users["official"]
    with pytest.raises(ValidationFailed):
        services.order_move(actor=official, order_id=order.pk, to=S.RETURNED)
    returned = services.order_move(
        actor=official, order_id=order.pk, to=S.RETURNED, reason="Say where the housing is."
    )
    assert returned.events.first().reason == "Say where the housing is."
    assert selectors.order_by_code(code="") is None
    services.order_update(
        actor=world.users["employer_staff"],
        order_id=order.pk,
        values={**farm.terms, "description": "Housing on the farm, 2 km from the orchard."},
        expected_version=returned.version,
    )
    again = services.order_move(
        actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED
    )
    assert again.state == S.SUBMITTED


def test_the_filer_cannot_approve_and_the_official_cannot_submit(world, farm):
    order = _file(farm, world)
    with pytest.raises(NotAllowed):
        services.order_move(actor=world.users["official"], order_id=order.pk, to=S.SUBMITTED)
    services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    with pytest.raises(NotAllowed):
        services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.APPROVED)


def test_a_submitted_order_is_not_editable(world, farm):
    order = _submitted(world, farm)
    with pytest.raises(Conflict) as error:
        services.order_update(
            actor=world.users["employer_staff"],
            order_id=order.pk,
            values=farm.terms,
            expected_version=order.version,
        )
    assert error.value.code == "job_order_not_editable"


def test_two_edits_from_the_same_version_conflict(world, farm):
    order = _file(farm, world)
    staff = world.users["employer_staff"]
    services.order_update(
        actor=staff,
        order_id=order.pk,
        values={**farm.terms, "positions": 14},
        expected_version=order.version,
    )
    with pytest.raises(Conflict) as error:
        services.order_update(
            actor=staff,
            order_id=order.pk,
            values={**farm.terms, "positions": 20},
            expected_version=order.version,
        )
    assert error.value.code == "job_order_changed"
    order.refresh_from_db()
    assert order.positions == 14


def test_two_officials_deciding_at_once(world, farm):
    order = _submitted(world, farm)
    official = world.users["official"]
    services.order_move(
        actor=official, order_id=order.pk, to=S.APPROVED, expected_state=S.SUBMITTED
    )
    with pytest.raises(Conflict) as error:
        services.order_move(
            actor=official, order_id=order.pk, to=S.RETURNED, reason="x", expected_state=S.SUBMITTED
        )
    assert error.value.code == "job_order_state_changed"


def test_the_start_must_not_have_passed_at_submission(world, farm):
    yesterday = timezone.localdate() - timedelta(days=1)
    order = _file(farm, world, start_date=yesterday)
    with pytest.raises(ValidationFailed) as error:
        services.order_move(actor=world.users["employer_staff"], order_id=order.pk, to=S.SUBMITTED)
    assert error.value.field == "start_date"


def test_another_jurisdiction_sees_nothing(world, farm):
    order = _submitted(world, farm)
    with pytest.raises(Http404):
        selectors.order_get(actor=world.outsider, order_id=order.pk)
    with pytest.raises(Http404):
        services.order_move(actor=world.outsider, order_id=order.pk, to=S.APPROVED)
    assert not selectors.order_list(actor=world.outsider).exists()
    assert selectors.order_list(actor=world.users["caseworker"]).get() == order
    assert not selectors.order_list(actor=world.users["worker"]).exists()


def test_publication_rechecks_the_facts(world, farm):
    order = _submitted(world, farm)
    official = world.users["official"]
    services.order_move(actor=official, order_id=order.pk, to=S.APPROVED)
    farm.employer.verification_state = VerificationState.REJECTED
    farm.employer.save()
    with pytest.raises(Conflict):
        services.order_move(actor=official, order_id=order.pk, to=S.PUBLISHED)
    order.refresh_from_db()
    assert order.state == S.APPROVED
