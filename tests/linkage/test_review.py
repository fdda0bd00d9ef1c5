"""The batch check of the registry and the review queue: pairs proposed, merged and undone,
marked as different people (and never proposed again), fraud flags; each scoped to the official's
jurisdiction and audited."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from tests.factories import (
    IdentityDocumentFactory,
    MembershipFactory,
    UserFactory,
    WorkerFactory,
)
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent
from vinculo.demo import synthetic
from vinculo.linkage import selectors, services
from vinculo.linkage.models import (
    CandidatePair,
    FraudFlag,
    LinkageRun,
    PairOrigin,
    PairStatus,
    RunStatus,
)
from vinculo.registry import selectors as registry_selectors
from vinculo.registry import services as registry
from vinculo.registry.identity import Person
from vinculo.registry.models import NotTheSame, Worker, WorkerLanguage, WorkerOccupation
from vinculo.registry.selectors import worker_list, worker_own

pytestmark = pytest.mark.django_db(transaction=True)


def _check(world, actor=None):
    run = services.linkage_run_request(
        actor=actor or world.users["official"], jurisdiction=world.hn.pk
    )
    run.refresh_from_db()
    return run


def test_the_batch_check_proposes_the_planted_duplicates_of_a_registry(world):
    truth = synthetic.registry_load(world.hn, 600, seed=5)
    run = _check(world)
    assert run.status == RunStatus.DONE and run.percent == 100
    assert run.records == Worker.objects.filter(jurisdiction=world.hn).count()
    pairs = set(CandidatePair.objects.values_list("worker_a_id", "worker_b_id"))
    assert run.pairs_new == len(pairs) > 0
    people = defaultdict(list)
    for worker_id, person in truth.items():
        people[person].append(worker_id)
    true_pairs = {p for ids in people.values() for p in itertools.combinations(sorted(ids), 2)}
    found = pairs & true_pairs
    assert len(found) / len(pairs) >= 0.9  # precision
    assert len(found) / len(true_pairs) >= 0.8  # recall, on a small registry the model barely knows
    assert AuditEvent.objects.filter(verb=AuditVerb.LINKAGE_FINISHED).count() == 1

    # A second check proposes nothing new, and a pair marked as different people stays so.
    pair = CandidatePair.objects.first()
    services.pair_distinct(pair=pair, reason="Hermanas gemelas", actor=world.users["official"])
    again = _check(world)
    assert again.pairs_new == 0 and again.pairs_found == run.pairs_found
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISTINCT and pair.reason == "Hermanas gemelas"
    assert pair not in selectors.pair_list(actor=world.users["official"])


def test_a_check_of_a_jurisdiction_is_not_started_twice_nor_elsewhere(world):
    stuck = LinkageRun.objects.create(jurisdiction=world.hn, requested_by=world.users["official"])
    with pytest.raises(Conflict):
        _check(world)
    # A check whose worker died long ago does not block the registry for ever.
    LinkageRun.objects.filter(pk=stuck.pk).update(
        status=RunStatus.RUNNING, created_at=timezone.now() - timedelta(days=1)
    )
    assert _check(world).status == RunStatus.DONE
    with pytest.raises(ValidationFailed):  # not theirs: not named, refused
        _check(world, world.outsider)
    assert selectors.run_list(actor=world.outsider).count() == 0


@pytest.fixture
def twins(world):
    """One person registered twice: at a desk with a document, then by herself with a passport,
    another occupation, a language and a sign-in."""
    first = WorkerFactory(jurisdiction=world.hn, phone="", municipality="")
    IdentityDocumentFactory(worker=first, number="0501-1994-11111")
    second = WorkerFactory(
        jurisdiction=world.hn,
        given_names="Maria Jose",
        second_surname="",
        user=MembershipFactory(
            user=UserFactory(username="maria.again"), role="worker", jurisdiction=None
        ).user,
    )
    IdentityDocumentFactory(worker=second, kind="passport", number="F1234567")
    WorkerLanguage.objects.create(worker=second, language="en", level="A2")
    services.pairs_propose(
        jurisdiction_id=world.hn.pk,
        found=[(second.pk, first.pk, 0.97)],
        origin=PairOrigin.BATCH,
    )
    return first, second, CandidatePair.objects.get()


def test_a_merge_moves_what_the_kept_record_lacks_and_its_undo_puts_it_back(world, twins):
    first, second, pair = twins
    official = world.users["official"]
    assert (pair.worker_a_id, pair.worker_b_id) == (first.pk, second.pk)  # lower id first

    merge = services.pair_merge(pair=pair, keep_id=first.pk, actor=official)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.merged_into == first
    assert sorted(d.number for d in first.documents.all()) == ["0501-1994-11111", "F1234567"]
    assert list(first.languages.values_list("language", flat=True)) == ["en"]
    assert first.user.username == "maria.again" and second.user is None
    assert first.phone == "+50494561234" and first.municipality == "Choloma"  # blanks filled
    assert first.second_surname == "López"  # identity is never copied
    assert second not in worker_list(actor=official)  # one record per person
    assert worker_own(actor=first.user) == first
    with pytest.raises(Conflict):  # corrections go to the record kept
        registry.worker_update(
            worker=second, version=second.version, changes={"phone": "+50499998888"}, actor=official
        )
    event = AuditEvent.objects.get(verb=AuditVerb.WORKERS_MERGED)
    assert event.after["merged_into"] == first.registration_number
    assert event.object_id == str(second.pk)
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED and pair.decided_by == official

    with pytest.raises(Conflict):  # a second official, a moment later
        services.pair_merge(pair=pair, keep_id=second.pk, actor=official)

    services.merge_undo(merge=merge, actor=official)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.merged_into is None
    assert [d.number for d in first.documents.all()] == ["0501-1994-11111"]
    assert [d.number for d in second.documents.all()] == ["F1234567"]
    assert not first.languages.exists() and second.languages.count() == 1
    assert first.user is None and second.user.username == "maria.again"
    assert first.phone == "" and first.municipality == ""
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN  # back in the queue
    assert pair in selectors.pair_list(actor=official)
    assert AuditEvent.objects.filter(verb=AuditVerb.WORKERS_MERGE_UNDONE).count() == 1
    with pytest.raises(Conflict):
        services.merge_undo(merge=merge, actor=official)


def test_undo_keeps_what_was_corrected_since_and_waits_for_a_later_merge(world, twins):
    first, _second, pair = twins
    official = world.users["official"]
    merge = services.pair_merge(pair=pair, keep_id=first.pk, actor=official)
    Worker.objects.filter(pk=first.pk).update(phone="+50433334444")  # corrected after the merge
    third = WorkerFactory(jurisdiction=world.hn)
    services.pairs_propose(
        jurisdiction_id=world.hn.pk, found=[(first.pk, third.pk, 0.9)], origin=PairOrigin.BATCH
    )
    later = services.pair_merge(
        pair=CandidatePair.objects.get(worker_b=third), keep_id=third.pk, actor=official
    )
    with pytest.raises(Conflict):
        services.merge_undo(merge=merge, actor=official)
    services.merge_undo(merge=later, actor=official)
    services.merge_undo(merge=merge, actor=official)
    first.refresh_from_db()
    assert first.phone == "+50433334444" and first.municipality == ""


def test_a_merge_keeps_one_occupation_per_kind(world, twins):
    first, second, pair = twins
    occupation = WorkerOccupation.objects.create(
        worker=second, occupation_id=_any_occupation(), isco_group_id="9211", years_experience=4
    )
    WorkerOccupation.objects.create(
        worker=first,
        occupation_id=occupation.occupation_id,
        isco_group_id="9211",
        years_experience=2,
    )
    services.pair_merge(pair=pair, keep_id=first.pk, actor=world.users["official"])
    assert first.occupations.get().years_experience == 2
    assert second.occupations.get() == occupation  # stays with its record


def test_a_merge_moves_a_bare_unit_group_the_kept_record_lacks(world, twins):
    """A unit group named without an ESCO occupation moves over unless the kept record has the
    same bare group; the kept record's ESCO occupations (whose column the bare group leaves
    empty) do not stop it."""
    first, second, pair = twins
    esco = _any_occupation()
    WorkerOccupation.objects.create(
        worker=first, occupation_id=esco, isco_group_id="9211", years_experience=2
    )
    WorkerOccupation.objects.create(worker=first, isco_group_id="7112", years_experience=1)
    bare = WorkerOccupation.objects.create(worker=second, isco_group_id="9211", years_experience=6)
    same = WorkerOccupation.objects.create(worker=second, isco_group_id="7112", years_experience=3)
    services.pair_merge(pair=pair, keep_id=first.pk, actor=world.users["official"])
    assert set(first.occupations.values_list("isco_group_id", "occupation_id")) == {
        ("7112", None),
        ("9211", None),
        ("9211", esco),
    }
    assert bare.pk in first.occupations.values_list("pk", flat=True)
    assert list(second.occupations.all()) == [same]


def _any_occupation():
    from vinculo.reference.models import Occupation
    from vinculo.reference.services import reference_load

    reference_load()
    return Occupation.objects.filter(isco_group_id="9211").values_list("pk", flat=True).first()


def test_decisions_need_the_pair_to_be_open_and_visible(world, twins):
    first, _second, pair = twins
    with pytest.raises(Http404):
        selectors.pair_get(actor=world.outsider, pair_id=pair.pk)
    with pytest.raises(Http404):
        selectors.pair_get(actor=world.users["caseworker"], pair_id=pair.pk)
    with pytest.raises(ValidationFailed):
        services.pair_distinct(pair=pair, reason="  ", actor=world.users["official"])
    with pytest.raises(ValidationFailed):
        services.pair_merge(pair=pair, keep_id=12345678, actor=world.users["official"])
    services.pair_distinct(pair=pair, reason="Otra persona", actor=world.users["official"])
    with pytest.raises(Conflict):
        services.pair_merge(pair=pair, keep_id=first.pk, actor=world.users["official"])


def test_a_record_flagged_for_fraud_is_flagged_once_and_cleared_with_a_reason(world, twins):
    first, _second, _pair = twins
    official = world.users["official"]
    with pytest.raises(NotAllowed):
        services.fraud_flag_raise(worker=first, reason="Documento alterado", actor=world.outsider)
    with pytest.raises(ValidationFailed):
        services.fraud_flag_raise(worker=first, reason="", actor=official)
    services.fraud_flag_raise(worker=first, reason="Documento alterado", actor=official)
    with pytest.raises(Conflict):
        services.fraud_flag_raise(worker=first, reason="Otra vez", actor=official)
    assert selectors.fraud_flag_open(first).reason == "Documento alterado"
    services.fraud_flag_clear(worker=first, reason="Verificado en persona", actor=official)
    assert selectors.fraud_flag_open(first) is None
    assert FraudFlag.objects.get().clear_reason == "Verificado en persona"
    with pytest.raises(Conflict):
        services.fraud_flag_clear(worker=first, reason="Otra vez", actor=official)
    verbs = AuditEvent.objects.filter(object_id=str(first.pk)).values_list("verb", flat=True)
    assert {AuditVerb.FRAUD_FLAGGED, AuditVerb.FRAUD_CLEARED} <= set(verbs)


def test_the_check_leaves_out_merged_records_and_people_said_to_be_others(world, twins):
    first, second, pair = twins
    official = world.users["official"]
    person = Person.of(first)
    found = registry_selectors.likely_matches(
        actor=official, person=person, exclude_worker_id=first.pk
    )
    assert second in [m.worker for m in found]
    services.pair_distinct(pair=pair, reason="Otra persona", actor=official)
    found = registry_selectors.likely_matches(
        actor=official, person=person, exclude_worker_id=first.pk
    )
    assert second not in [m.worker for m in found]
    found = registry_selectors.likely_matches(actor=official, person=person)  # a new registration
    assert {m.worker for m in found} >= {first, second}
    services.pair_merge(
        pair=CandidatePair.objects.create(
            jurisdiction=world.hn,
            worker_a=first,
            worker_b=WorkerFactory(jurisdiction=world.hn),
            probability=0.9,
            origin=PairOrigin.BATCH,
        ),
        keep_id=first.pk,
        actor=official,
    )
    found = registry_selectors.likely_matches(actor=official, person=person)
    assert first in [m.worker for m in found]
    assert Worker.objects.get(merged_into=first) not in [m.worker for m in found]


def test_people_confirmed_as_others_at_the_desk_are_never_proposed(world, twins):
    first, second, _pair = twins
    CandidatePair.objects.all().delete()
    registry.workers_not_the_same(
        pairs=[(second.pk, first.pk)], actor=world.users["official"], reason="En ventanilla"
    )
    kept = NotTheSame.objects.get()
    assert (kept.worker_a_id, kept.worker_b_id) == tuple(sorted((first.pk, second.pk)))
    assert kept.decided_by == world.users["official"]
    found = [(first.pk, second.pk, 0.99)]
    assert services.pairs_propose(jurisdiction_id=world.hn.pk, found=found, origin="batch") == 0
    assert not CandidatePair.objects.exists()
    NotTheSame.objects.all().delete()  # and the same pair, not confirmed, is proposed
    assert services.pairs_propose(jurisdiction_id=world.hn.pk, found=found, origin="batch") == 1


def test_a_pair_decided_distinct_is_remembered_by_the_registry(world, twins):
    first, second, pair = twins
    services.pair_distinct(pair=pair, reason="Otra persona", actor=world.users["official"])
    kept = NotTheSame.objects.get()
    assert {kept.worker_a_id, kept.worker_b_id} == {first.pk, second.pk}
    assert kept.reason == "Otra persona"


def test_a_match_at_self_registration_goes_to_the_officials_queue(world):

    existing = Worker.objects.get(user=world.users["worker"])
    user = registry.worker_account_create(phone="+50431112222", password="una-clave-larga-123")
    registry.registration_step_save(user=user, step="identity", answers={})
    data = registry.WorkerInput(
        given_names="Maria Jose",
        first_surname="Hernandez",
        second_surname="Lopez",
        sex="F",
        birth_date=date(1994, 12, 5),  # day and month swapped
        nationality="HN",
        residence_country="HN",
        document=registry.DocumentInput("national_id", "HN", "0801-1994-99999"),
    )
    worker = registry.registration_complete(user=user, data=data)
    pair = CandidatePair.objects.get()
    assert {pair.worker_a_id, pair.worker_b_id} == {existing.pk, worker.pk}
    assert pair.origin == PairOrigin.REGISTRATION and pair.status == PairStatus.OPEN
    assert pair in selectors.pair_list(actor=world.users["official"])


def test_each_decision_on_a_pair_is_on_its_timeline(world, twins):
    from vinculo.linkage.models import PairEvent

    first, second, pair = twins
    official = world.users["official"]
    merge = services.pair_merge(pair=pair, keep_id=first.pk, actor=official)
    services.merge_undo(merge=merge, actor=official)
    with pytest.raises(ValidationFailed):  # "not the same person" needs a reason
        services.pair_distinct(pair=pair, reason="  ", actor=official)
    services.pair_distinct(pair=pair, reason="Hermanas gemelas", actor=official)
    timeline = [
        (e.from_state, e.to_state, e.reason, e.actor)
        for e in PairEvent.objects.filter(pair=pair).order_by("at", "id")
    ]
    assert timeline == [
        ("open", "merged", "", official),
        ("merged", "open", "", official),
        ("open", "distinct", "Hermanas gemelas", official),
    ]
    # The merge and its undoing stay on the merged worker's history.
    merged_history = AuditEvent.objects.filter(object_id=str(second.pk)).values_list(
        "verb", flat=True
    )
    assert {AuditVerb.WORKERS_MERGED, AuditVerb.WORKERS_MERGE_UNDONE} <= set(merged_history)
    with pytest.raises(Conflict):  # decided: nobody decides it again from a stale page
        services.pair_merge(pair=pair, keep_id=first.pk, actor=official)
