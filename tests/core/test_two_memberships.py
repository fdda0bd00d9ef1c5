"""One person, two memberships: an official of Costa Rica who is also a caseworker in Honduras.

Every permission is checked in the jurisdiction of the object the act is on. A caseworker may
see Honduras' workers and employers but not correct, merge, flag or verify them, so each of these
services refuses on Honduras' objects and serves on Costa Rica's, whatever the official
membership would allow elsewhere.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, WorkerFactory
from tests.registry.organisations.factories import EmployerFactory
from vinculo.core.access import user_can, user_can_in
from vinculo.core.errors import NotAllowed
from vinculo.core.models import OrganisationKind, VerificationState
from vinculo.core.permissions import Perm, Role
from vinculo.linkage import services as linkage
from vinculo.linkage.models import CandidatePair, FraudFlag, PairOrigin, PairStatus
from vinculo.registry import services as registry
from vinculo.registry.organisations import services as organisations

pytestmark = pytest.mark.django_db


@pytest.fixture
def dual(world):
    user = UserFactory(username="dual")
    MembershipFactory(user=user, role=Role.OFFICIAL, jurisdiction=world.cr)
    MembershipFactory(
        user=user,
        role=Role.CASEWORKER,
        jurisdiction=world.hn,
        organisation=OrganisationFactory(
            kind=OrganisationKind.PROGRAMME_OPERATOR, jurisdiction=world.hn
        ),
    )
    return user


def test_the_permission_follows_the_object_not_any_membership(world, dual):
    assert user_can(dual, Perm.EDIT_WORKERS)  # somewhere: the menu may offer it
    assert user_can_in(dual, Perm.EDIT_WORKERS, world.cr.pk)
    assert not user_can_in(dual, Perm.EDIT_WORKERS, world.hn.pk)
    assert user_can_in(dual, Perm.VIEW_WORKERS, world.hn.pk)
    assert not user_can_in(dual, Perm.EDIT_WORKERS, None)  # fails closed


def test_a_worker_is_corrected_only_where_the_actor_may_edit(world, dual):
    honduran, costa_rican = (
        WorkerFactory(jurisdiction=world.hn),
        WorkerFactory(jurisdiction=world.cr),
    )
    with pytest.raises(NotAllowed):
        registry.worker_update(
            worker=honduran, version=honduran.version, changes={"given_names": "X"}, actor=dual
        )
    honduran.refresh_from_db()
    assert honduran.given_names != "X" and honduran.version == 1
    registry.worker_update(
        worker=costa_rican, version=costa_rican.version, changes={"given_names": "Ana"}, actor=dual
    )
    costa_rican.refresh_from_db()
    assert costa_rican.given_names == "Ana"


def test_records_are_flagged_and_pairs_decided_only_where_the_actor_reviews(world, dual):
    honduran, costa_rican = (
        WorkerFactory(jurisdiction=world.hn),
        WorkerFactory(jurisdiction=world.cr),
    )
    with pytest.raises(NotAllowed):
        linkage.fraud_flag_raise(worker=honduran, reason="documento alterado", actor=dual)
    linkage.fraud_flag_raise(worker=costa_rican, reason="documento alterado", actor=dual)
    assert list(FraudFlag.objects.values_list("worker_id", flat=True)) == [costa_rican.pk]

    pairs = {}
    for jurisdiction in (world.hn, world.cr):
        a = WorkerFactory(jurisdiction=jurisdiction)
        b = WorkerFactory(jurisdiction=jurisdiction)
        linkage.pairs_propose(
            jurisdiction_id=jurisdiction.pk, found=[(a.pk, b.pk, 0.93)], origin=PairOrigin.BATCH
        )
        pairs[jurisdiction.code] = CandidatePair.objects.get(jurisdiction=jurisdiction)
    with pytest.raises(NotAllowed):
        linkage.pair_distinct(pair=pairs["HN-STSS"], reason="hermanos", actor=dual)
    with pytest.raises(NotAllowed):
        linkage.pair_merge(pair=pairs["HN-STSS"], keep_id=pairs["HN-STSS"].worker_a_id, actor=dual)
    linkage.pair_distinct(pair=pairs["CR-MTSS"], reason="hermanos", actor=dual)
    assert CandidatePair.objects.get(pk=pairs["HN-STSS"].pk).status == PairStatus.OPEN
    assert CandidatePair.objects.get(pk=pairs["CR-MTSS"].pk).status == PairStatus.DISTINCT


def test_an_employer_is_verified_only_where_the_actor_verifies(world, dual):
    honduran, costa_rican = (
        EmployerFactory(jurisdiction=world.hn),
        EmployerFactory(jurisdiction=world.cr),
    )
    with pytest.raises(NotAllowed):
        organisations.employer_verification_decide(
            organisation_id=honduran.pk, to=VerificationState.VERIFIED, actor=dual
        )
    organisations.employer_verification_decide(
        organisation_id=costa_rican.pk, to=VerificationState.VERIFIED, actor=dual
    )
    honduran.refresh_from_db()
    costa_rican.refresh_from_db()
    assert honduran.verification_state == VerificationState.PENDING
    assert costa_rican.verification_state == VerificationState.VERIFIED


def test_the_pages_offer_a_correction_only_where_it_is_allowed(client, world, dual):
    honduran, costa_rican = (
        WorkerFactory(jurisdiction=world.hn),
        WorkerFactory(jurisdiction=world.cr),
    )
    login(client, dual)
    edit_hn = reverse("registry:worker_edit", args=[honduran.pk])
    edit_cr = reverse("registry:worker_edit", args=[costa_rican.pk])
    page = client.get(reverse("registry:worker_detail", args=[honduran.pk]))
    assert page.status_code == 200 and edit_hn not in page.content.decode()
    assert client.get(edit_hn).status_code == 404
    page = client.get(reverse("registry:worker_detail", args=[costa_rican.pk]))
    assert page.status_code == 200 and edit_cr in page.content.decode()
    assert client.get(edit_cr).status_code == 200
