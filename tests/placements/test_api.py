"""Placements over /api/v1/: scoped like the pages (another jurisdiction gets 404 or an empty
list), moves one at a time and in bulk with each refusal's reason, the contract and its
signature, later documents compared with the offer, and an official's clearance."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.matching.conftest import make_worker
from tests.placements.test_services import _selected
from vinculo.placements import services
from vinculo.placements.domain import Step
from vinculo.placements.models import Placement

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture
def three(world, published):
    return [
        Placement.objects.get(candidacy=_selected(world, published, make_worker(world)))
        for _ in range(3)
    ]


def _as(api, user):
    api.force_authenticate(user)
    return api


def test_the_list_and_one_placement_are_scoped(api, world, three):
    mine = _as(api, world.users["caseworker"]).get(reverse("api:placements")).json()
    assert mine["count"] == 3 and {p["state"] for p in mine["results"]} == {"selected"}
    one = api.get(reverse("api:placement", args=[three[0].pk])).json()
    assert one["steps"][0] == "selected" and "contract_offered" in one["moves"]
    assert one["contract"] is None and one["events"][0]["to_state"] == "selected"
    filtered = api.get(reverse("api:placements"), {"step": "departed"}).json()
    assert filtered["count"] == 0
    for other in (world.outsider, world.users["employer_staff"], world.users["worker"]):
        _as(api, other)
        assert api.get(reverse("api:placements")).json()["count"] == 0
        answer = api.get(reverse("api:placement", args=[three[0].pk]))
        assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"
        moved = api.post(
            reverse("api:placement-moves", args=[three[0].pk]),
            {"to": "contract_offered"},
            format="json",
        )
        assert moved.status_code == 404


def test_moves_one_at_a_time_and_in_bulk(api, world, three):
    _as(api, world.users["caseworker"])
    first, second, third = three
    refused = api.post(
        reverse("api:placement-moves", args=[first.pk]), {"to": "departed"}, format="json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "placement_steps_missing"
    done = api.post(
        reverse("api:placement-moves", args=[first.pk]),
        {"to": "contract_offered", "expected_state": "selected"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["contract"]["code"].startswith("CT-")
    bulk = api.post(
        reverse("api:placement-bulk-moves"),
        {"placements": [first.pk, second.pk, third.pk, 999999], "to": "contract_offered"},
        format="json",
    )
    assert bulk.status_code == 200
    outcomes = {o["placement"]: o for o in bulk.json()}
    assert outcomes[second.pk]["moved"] and outcomes[third.pk]["state"] == "contract_offered"
    assert not outcomes[first.pk]["moved"] and outcomes[first.pk]["message"]
    assert outcomes[999999]["code"] == "not_found"
    _as(api, world.outsider)
    foreign = api.post(
        reverse("api:placement-bulk-moves"),
        {"placements": [first.pk], "to": "withdrawn", "reason": "x"},
        format="json",
    ).json()
    assert foreign == [
        {
            "placement": first.pk,
            "moved": False,
            "state": "",
            "code": "not_found",
            "message": foreign[0]["message"],
        }
    ]
    assert Placement.objects.get(pk=first.pk).state == "contract_offered"


def test_contract_signature_and_substitution_over_the_api(api, world, three):
    placement = three[0]
    _as(api, world.users["caseworker"])
    contract_url = reverse("api:placement-contract", args=[placement.pk])
    assert api.get(contract_url).status_code == 404  # none offered yet
    services.placement_move(
        actor=world.users["caseworker"], placement_id=placement.pk, to=Step.CONTRACT_OFFERED
    )
    terms = api.get(contract_url).json()["terms"]
    signed = api.post(
        reverse("api:placement-contract-signature", args=[placement.pk]),
        {"how": "in_person"},
        format="json",
    )
    assert signed.status_code == 200 and signed.json()["state"] == "contract_signed"
    found = copy.deepcopy(terms)
    found["wage"]["amount"] = "14.00"
    checks = reverse("api:placement-terms-checks", args=[placement.pk])
    flagged = api.post(checks, {"where": "Airport", "terms": found}, format="json")
    assert flagged.status_code == 201 and flagged.json()["state"] == "flagged"
    wage = next(c for c in flagged.json()["changes"] if c["field"] == "wage")
    assert wage["verdict"] == "worse" and wage["offered"]["amount"] == "18.00"
    reversed_period = copy.deepcopy(terms)
    reversed_period["period"] = {"start": "2027-10-31", "end": "2027-04-01"}
    bad = api.post(checks, {"where": "x", "terms": reversed_period}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "terms_period_reversed"
    unknown = copy.deepcopy(terms)
    unknown["costs"] = {"bribe": "worker"}
    bad = api.post(checks, {"where": "x", "terms": unknown}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "terms_cost_unknown"
    blocked = api.post(
        reverse("api:placement-moves", args=[placement.pk]),
        {"to": "medical_cleared"},
        format="json",
    )
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "placement_contract_substituted"
    assert len(api.get(checks).json()) == 1
    clearance = reverse("api:terms-check-clearance", args=[flagged.json()["id"]])
    assert api.post(clearance, {"reason": "ok"}, format="json").status_code == 403
    _as(api, world.outsider)
    assert api.post(clearance, {"reason": "ok"}, format="json").status_code == 404
    assert api.get(checks).status_code == 404
    assert api.get(contract_url).status_code == 404
    _as(api, world.users["official"])
    cleared = api.post(clearance, {"reason": "Wage restored in writing"}, format="json")
    assert cleared.status_code == 200 and cleared.json()["state"] == "cleared"


def test_the_bulk_page_lists_each_refusal_in_spanish(client, world, three):
    first, second, _third = three
    caseworker = world.users["caseworker"]
    services.placement_move(actor=caseworker, placement_id=first.pk, to=Step.CONTRACT_OFFERED)
    services.contract_sign(actor=caseworker, placement_id=first.pk)
    services.placement_move(actor=caseworker, placement_id=first.pk, to=Step.MEDICAL_CLEARED)
    login(client, caseworker)
    listing = client.get(reverse("placements:list"), {"order": first.order_id}, **ES)
    assert (
        listing.status_code == 200 and "Mover las colocaciones marcadas" in listing.content.decode()
    )
    page = client.post(
        reverse("placements:bulk"),
        {"placement": [first.pk, second.pk], "to": "contract_offered"},
        **ES,
    ).content.decode()
    assert "1 colocación no pudo hacer el movimiento" in page and second.worker.full_name in page
    page = client.post(
        reverse("placements:bulk"), {"placement": [second.pk], "to": "departed"}, **ES
    ).content.decode()
    assert "Examen médico aprobado" in page  # what is not done yet, named
    assert client.post(reverse("placements:bulk"), {"to": "departed"}).status_code == 302
    huge = "9" * 30  # not an id the database can hold: no 500, just nothing ticked or filtered
    assert (
        client.post(reverse("placements:bulk"), {"placement": huge, "to": "departed"}).status_code
        == 302
    )
    assert client.get(reverse("placements:list"), {"order": huge}).status_code == 200
    login(client, world.outsider)
    page = client.post(
        reverse("placements:bulk"), {"placement": [second.pk], "to": "withdrawn", "reason": "x"}
    ).content.decode()
    assert second.worker.full_name not in page
    assert Placement.objects.get(pk=second.pk).state == "contract_offered"
