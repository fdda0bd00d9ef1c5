"""A selection opens a placement; the placement moves along its own journey only, by the
authority's caseworkers and officials; one journey at a time per worker."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.http import Http404
from django.urls import reverse

from tests.conftest import login
from tests.matching.conftest import make_published, make_worker
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent
from vinculo.matching import services as matching
from vinculo.matching.models import Candidacy
from vinculo.placements import selectors, services
from vinculo.placements.domain import JOURNEY, Exit, Step
from vinculo.placements.models import Placement


def _selected(world, order, worker):
    candidacy = matching.candidacy_shortlist(
        actor=world.users["caseworker"], order_id=order.pk, worker_id=worker.pk
    )
    return matching.candidacy_select(actor=world.users["employer_staff"], candidacy_id=candidacy.pk)


def test_a_selection_opens_the_placement_on_the_journey_abroad(world, published):
    worker = make_worker(world)
    candidacy = _selected(world, published, worker)
    placement = Placement.objects.get(candidacy=candidacy)
    assert (placement.worker, placement.order, placement.state) == (worker, published, "selected")
    assert (
        tuple(placement.steps) == JOURNEY and placement.jurisdiction_id == published.jurisdiction_id
    )
    assert placement.events.get().to_state == Step.SELECTED
    assert AuditEvent.objects.filter(verb=AuditVerb.PLACEMENT_OPENED).count() == 1


def test_the_placement_moves_to_its_next_step_only(world, published):
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    caseworker = world.users["caseworker"]
    with pytest.raises(Conflict) as jumped:  # over the contract: no journey does without one
        services.placement_move(actor=caseworker, placement_id=placement.pk, to=Step.DEPARTED)
    assert jumped.value.code == "placement_steps_missing"
    assert "Contrato ofrecido" in str(jumped.value.message)
    moved = services.placement_move(
        actor=caseworker, placement_id=placement.pk, to=Step.CONTRACT_OFFERED, expected="selected"
    )
    assert moved.state == Step.CONTRACT_OFFERED and moved.events.count() == 2
    with pytest.raises(Conflict) as stale:  # someone else moved it since this page was read
        services.placement_move(
            actor=caseworker,
            placement_id=placement.pk,
            to=Step.CONTRACT_SIGNED,
            expected="selected",
        )
    assert stale.value.code == "placement_state_changed"
    shown = selectors.placement_moves_available(actor=caseworker, placement=moved)
    # The signature is recorded by signing (in person, or by the worker's code), not by a button.
    assert set(shown) == {Exit.WITHDRAWN, Exit.REJECTED, Exit.DECEASED}
    services.contract_sign(actor=caseworker, placement_id=placement.pk)
    with pytest.raises(Conflict) as skipped:  # a step this journey has is not skipped
        services.placement_move(
            actor=caseworker, placement_id=placement.pk, to=Step.PERMIT_REQUESTED
        )
    assert skipped.value.code == "placement_steps_missing"


def test_an_exit_needs_its_reason_and_frees_the_worker(world, published):
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    official = world.users["official"]
    with pytest.raises(ValidationFailed):
        services.placement_move(actor=official, placement_id=placement.pk, to=Exit.WITHDRAWN)
    with pytest.raises(Conflict):  # not away yet: no early return
        services.placement_move(
            actor=official, placement_id=placement.pk, to=Exit.EARLY_RETURN, reason="x"
        )
    ended = services.placement_move(
        actor=official, placement_id=placement.pk, to=Exit.WITHDRAWN, reason="Se quedó en casa"
    )
    assert ended.state == Exit.WITHDRAWN
    assert selectors.placement_moves_available(actor=official, placement=ended) == {}
    assert AuditEvent.objects.get(verb=AuditVerb.PLACEMENT_ENDED).reason == "Se quedó en casa"


def test_a_worker_on_a_journey_is_not_selected_for_another_until_it_ends(world, farm, published):
    worker = make_worker(world)
    _selected(world, published, worker)
    year = published.start_date.year + 1  # a later season: the dates do not overlap
    later = make_published(
        world,
        replace(
            farm,
            terms=farm.terms | {"start_date": date(year, 4, 1), "end_date": date(year, 10, 31)},
        ),
    )
    with pytest.raises(Conflict) as refused:
        _selected(world, later, worker)
    assert refused.value.code == "worker_already_placed"
    # The selection went with it: the worker stays shortlisted on the later order.
    assert Candidacy.objects.get(order=later, worker=worker).status == "shortlisted"
    assert Placement.objects.filter(worker=worker).count() == 1


def test_only_the_authority_follows_the_placement(world, published):
    placement = Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
    with pytest.raises(Http404):
        services.placement_move(
            actor=world.outsider, placement_id=placement.pk, to=Step.CONTRACT_OFFERED
        )
    with pytest.raises(Http404):
        services.placement_move(
            actor=world.users["employer_staff"], placement_id=placement.pk, to=Step.CONTRACT_OFFERED
        )
    assert world.users["auditor"] and not selectors.placement_list(actor=world.users["auditor"])
    with pytest.raises((Http404, NotAllowed)):
        services.placement_move(
            actor=world.users["auditor"], placement_id=placement.pk, to=Step.CONTRACT_OFFERED
        )


def test_the_pages_in_spanish(client, world, published):
    worker = make_worker(world)
    placement = Placement.objects.get(candidacy=_selected(world, published, worker))
    login(client, world.users["caseworker"])
    es = {"HTTP_ACCEPT_LANGUAGE": "es"}
    listing = client.get(reverse("placements:list"), **es).content.decode()
    assert worker.full_name in listing and "Seleccionado" in listing
    assert (
        worker.full_name
        in client.get(reverse("placements:list"), {"step": "selected"}).content.decode()
    )
    assert (
        worker.full_name
        not in client.get(reverse("placements:list"), {"step": "departed"}).content.decode()
    )
    page = client.get(reverse("placements:detail", args=[placement.pk]), **es).content.decode()
    assert "Trayecto" in page and "Contrato ofrecido" in page
    move = reverse("placements:move", args=[placement.pk])
    refused = client.post(move, {"to": "departed", "expected_state": "selected"}, **es)
    assert refused.status_code == 409 and 'role="alert"' in refused.content.decode()
    done = client.post(move, {"to": "contract_offered", "expected_state": "selected"})
    assert done.status_code == 302
    login(client, world.outsider)
    assert client.get(reverse("placements:detail", args=[placement.pk])).status_code == 404
    assert client.post(move, {"to": "contract_signed"}).status_code == 404
