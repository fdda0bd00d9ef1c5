"""Ranking, shortlisting, selecting, applying, the fairness audit and the batch matching, on the
database, with the index built, kept current and shared through files."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404
from django.utils import timezone

from tests.matching.conftest import make_worker
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.jobs.models import JobOrderState
from vinculo.matching import index, selectors, services
from vinculo.matching.models import CandidacyStatus, MatchRun, Recommendation
from vinculo.registry.services import consent_withdraw


def _ids(ranking):
    return [m.worker_id for m in ranking.matches]


def test_the_ranking_orders_the_eligible_and_explains_each_score(world, published):
    best = make_worker(world, unit="6111", years=5)
    related = make_worker(world, unit="6112", years=5)
    novice = make_worker(world, unit="6111", years=0)
    make_worker(world, unit="6111", consent=False)  # no consent: never ranked
    make_worker(world, unit="6111", passport_to=published.end_date)  # valid to the last day: ok
    expired = make_worker(world, unit="6111", passport_to=date(published.end_date.year, 1, 1))
    make_worker(world, unit="7212")  # another trade altogether
    index.index_build()
    _order, ranking = selectors.ranking_for(actor=world.users["caseworker"], order_id=published.pk)
    ids = _ids(ranking)
    assert ids[0] == best.pk and related.pk in ids and novice.pk in ids
    assert ids.index(best.pk) < ids.index(related.pk) and expired.pk not in ids
    assert len(ids) == 4
    top = ranking.matches[0]
    codes = [r["code"] for r in top.reasons]
    assert codes[:2] == ["occupation_4", "experience"] and "place_abroad" in codes
    assert sum(r["points"] for r in top.reasons) == pytest.approx(top.score)


def test_the_index_is_kept_current_without_a_rebuild(world, published):
    first = make_worker(world)
    index.index_build()
    late = make_worker(world, years=9)  # registered after the build
    consent_withdraw(worker=first, purpose="matching", actor=world.users["official"])
    _order, ranking = selectors.ranking_for(actor=world.users["official"], order_id=published.pk)
    assert _ids(ranking) == [late.pk]
    assert ranking.delta >= 2


def test_a_withdrawn_consent_stops_the_ranking_at_once(world, published):
    """Withdrawing the matching consent (the worker's own page and API call this service) takes
    the worker out of every ranking straight away, not at the next build of the index."""
    worker, other = make_worker(world), make_worker(world)
    index.index_build()
    consent_withdraw(worker=worker, purpose="matching", actor=world.users["worker"])
    _order, ranking = selectors.ranking_for(actor=world.users["official"], order_id=published.pk)
    assert _ids(ranking) == [other.pk]


def test_a_large_delta_asks_for_a_new_build_once_in_a_while(
    world, published, monkeypatch, django_capture_on_commit_callbacks
):
    """Workers changed since the build are read at every ranking; when they are many, a ranking
    asks for a build (the immediate task backend runs it at once here), and a second ranking in
    the same ten minutes does not ask again."""
    monkeypatch.setattr(index, "DELTA_REBUILD_AT", 2)
    make_worker(world)
    first = index.index_build()
    late = [make_worker(world), make_worker(world)]
    with django_capture_on_commit_callbacks(execute=True) as asked:
        _order, ranking = selectors.ranking_for(
            actor=world.users["official"], order_id=published.pk
        )
    assert len(asked) == 1
    assert ranking.generation == first and ranking.delta == 2  # read from the database...
    rebuilt = index.index_current()
    assert rebuilt.generation != first and rebuilt.max_worker_id == late[-1].pk  # ...and built
    for _ in range(2):
        make_worker(world)
    with django_capture_on_commit_callbacks(execute=True) as asked:
        _order, ranking = selectors.ranking_for(
            actor=world.users["official"], order_id=published.pk
        )
    assert ranking.delta == 2 and not asked
    assert index.index_current().generation == rebuilt.generation


def test_no_index_yet_ranks_from_the_database(world, published):
    worker = make_worker(world)
    _order, ranking = selectors.ranking_for(actor=world.users["official"], order_id=published.pk)
    assert _ids(ranking) == [worker.pk] and ranking.generation == ""


def test_the_equity_option_spreads_municipalities_and_says_why(world, published):
    choloma = [make_worker(world, years=6, municipality="Choloma") for _ in range(3)]
    other = make_worker(world, years=4, municipality="Olanchito")
    index.index_build()
    _o, plain = selectors.ranking_for(actor=world.users["official"], order_id=published.pk)
    assert _ids(plain)[-1] == other.pk
    _o, spread = selectors.ranking_for(
        actor=world.users["official"], order_id=published.pk, equity=True
    )
    assert _ids(spread)[:2] == [choloma[0].pk, other.pk]
    moved = spread.matches[2]
    assert moved.reasons[-1]["code"] == "equity" and moved.reasons[-1]["points"] < 0


def test_shortlist_select_and_fill(world, published):
    workers = [make_worker(world, years=3 + i) for i in range(2)]
    official = world.users["official"]
    published.positions = 1
    published.save()
    candidacy = services.candidacy_shortlist(
        actor=official, order_id=published.pk, worker_id=workers[0].pk
    )
    assert candidacy.status == CandidacyStatus.SHORTLISTED and candidacy.reasons
    employer = world.users["employer_staff"]
    _order, seen = selectors.shortlisted_for(actor=employer, order_id=published.pk)
    assert [c.worker_id for c in seen] == [workers[0].pk]
    services.candidacy_select(actor=employer, candidacy_id=candidacy.pk)
    published.refresh_from_db()
    assert published.state == JobOrderState.FILLED
    with pytest.raises(Conflict):  # no longer on the board
        services.candidacy_shortlist(actor=official, order_id=published.pk, worker_id=workers[1].pk)
    # Placed in this job: it stays among the worker's vacancies, marked selected...
    mine = selectors.recommended_for(worker=workers[0])
    assert [(r.order, r.candidacy.status) for r in mine] == [(published, "selected")]
    # ...and a filled order is nobody else's recommendation.
    assert selectors.recommended_for(worker=workers[1]) == []


def test_an_ineligible_worker_cannot_be_shortlisted_and_the_reason_is_named(world, published):
    worker = make_worker(world, consent=False)
    with pytest.raises(ValidationFailed) as error:
        services.candidacy_shortlist(
            actor=world.users["official"], order_id=published.pk, worker_id=worker.pk
        )
    assert error.value.details["failed"] == ["consent"]


def test_who_may_rank_shortlist_and_select(world, published):
    worker = make_worker(world)
    with pytest.raises(Http404):
        selectors.ranking_for(actor=world.outsider, order_id=published.pk)
    with pytest.raises(Http404):
        services.candidacy_shortlist(
            actor=world.outsider, order_id=published.pk, worker_id=worker.pk
        )
    with pytest.raises(NotAllowed):  # the employer sees the order but never the ranking
        selectors.ranking_for(actor=world.users["employer_staff"], order_id=published.pk)
    candidacy = services.candidacy_shortlist(
        actor=world.users["caseworker"], order_id=published.pk, worker_id=worker.pk
    )
    with pytest.raises(Http404):  # only the filer's side selects
        services.candidacy_select(actor=world.users["official"], candidacy_id=candidacy.pk)


def test_a_worker_sees_recommendations_explained_and_applies(world, published):
    worker = make_worker(world, years=4)
    recommended = selectors.recommended_for(worker=worker)
    assert [r.order for r in recommended] == [published]
    assert recommended[0].reasons[0]["code"] == "occupation_4"
    candidacy = services.candidacy_apply(worker=worker, order_id=published.pk)
    assert candidacy.status == CandidacyStatus.APPLIED
    unwilling = make_worker(world, work_abroad=False)
    assert selectors.recommended_for(worker=unwilling) == []
    with pytest.raises(ValidationFailed):
        services.candidacy_apply(worker=unwilling, order_id=published.pk)


def test_the_fairness_audit_compares_selection_with_the_pool(world, published):
    women = [make_worker(world, sex="F") for _ in range(4)]
    men = [make_worker(world, sex="M") for _ in range(2)]
    index.index_build()
    official, employer = world.users["official"], world.users["employer_staff"]
    for worker in (men[0], men[1], women[0]):
        c = services.candidacy_shortlist(actor=official, order_id=published.pk, worker_id=worker.pk)
        services.candidacy_select(actor=employer, candidacy_id=c.pk)
    rows = {r.sex: r for r in selectors.fairness_audit(published)}
    assert (rows[1].pool, rows[1].selected, rows[2].pool, rows[2].selected) == (4, 1, 2, 2)
    assert rows[2].ratio == 1.0 and rows[1].ratio == pytest.approx(0.25)
    assert rows[1].flagged and not rows[2].flagged


def test_the_batch_matching_keeps_each_orders_top(
    world, published, django_capture_on_commit_callbacks
):
    workers = [make_worker(world, years=i) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_request(actor=world.users["official"])
    run = MatchRun.objects.get(pk=run.pk)
    assert (run.status, run.total, run.done, run.recommendations) == ("done", 1, 1, 3)
    ranked = list(
        Recommendation.objects.filter(order=published).values_list("worker_id", flat=True)
    )
    assert ranked == [w.pk for w in reversed(workers)]
    with pytest.raises(ValidationFailed):
        services.match_run_request(actor=world.outsider, jurisdiction=world.hn.pk)


def test_returning_workers_requested_by_name_rank_first_and_say_why(world, farm):
    from tests.matching.conftest import S
    from vinculo.jobs import services as jobs

    novice = make_worker(world, years=0)
    expert = make_worker(world, years=9)
    staff, official = world.users["employer_staff"], world.users["official"]
    with pytest.raises(ValidationFailed) as error:
        jobs.order_create(
            actor=staff,
            employer_id=farm.employer.pk,
            values={**farm.terms, "named_workers": ["VN-00000-00000"]},
        )
    assert error.value.field == "named_workers"
    order = jobs.order_create(
        actor=staff,
        employer_id=farm.employer.pk,
        values={**farm.terms, "named_workers": [novice.registration_number.lower()]},
    )
    assert order.named_request and list(order.named_workers.all()) == [novice]
    for to in (S.SUBMITTED, S.APPROVED, S.PUBLISHED):
        jobs.order_move(actor=staff if to == S.SUBMITTED else official, order_id=order.pk, to=to)
    _order, ranking = selectors.ranking_for(actor=official, order_id=order.pk)
    assert _ids(ranking) == [novice.pk, expert.pk]
    assert ranking.matches[0].reasons[-1] == {"code": "named", "points": 30.0, "params": {}}


def test_an_action_that_changes_nothing_writes_nothing(world, published):
    """Posting apply three times (a double click, a reloaded page) leaves one candidacy and one
    "applied" event; shortlisting, selecting and not selecting again write nothing either."""
    from vinculo.core.audit import AuditVerb
    from vinculo.core.models import AuditEvent

    worker = make_worker(world, years=4)
    first = services.candidacy_apply(worker=worker, order_id=published.pk)
    for _ in range(2):
        again = services.candidacy_apply(worker=worker, order_id=published.pk)
        assert again.pk == first.pk and again.applied_at == first.applied_at
    assert AuditEvent.objects.filter(verb=AuditVerb.CANDIDATE_APPLIED).count() == 1

    official, employer = world.users["official"], world.users["employer_staff"]
    listed = services.candidacy_shortlist(
        actor=official, order_id=published.pk, worker_id=worker.pk
    )
    relisted = services.candidacy_shortlist(
        actor=official, order_id=published.pk, worker_id=worker.pk
    )
    assert relisted.shortlisted_at == listed.shortlisted_at
    assert AuditEvent.objects.filter(verb=AuditVerb.CANDIDATE_SHORTLISTED).count() == 1

    other = make_worker(world, years=5)
    pick = services.candidacy_shortlist(actor=official, order_id=published.pk, worker_id=other.pk)
    decided = services.candidacy_not_select(
        actor=employer, candidacy_id=pick.pk, reason="No licence"
    )
    again = services.candidacy_not_select(actor=employer, candidacy_id=pick.pk, reason="No licence")
    assert again.decided_at == decided.decided_at
    assert AuditEvent.objects.filter(verb=AuditVerb.CANDIDATE_NOT_SELECTED).count() == 1

    published.positions = 2
    published.save()
    services.candidacy_select(actor=employer, candidacy_id=listed.pk)
    services.candidacy_select(actor=employer, candidacy_id=listed.pk)
    assert AuditEvent.objects.filter(verb=AuditVerb.CANDIDATE_SELECTED).count() == 1
    published.refresh_from_db()
    assert published.state == JobOrderState.PUBLISHED  # one of two positions taken


def test_the_workers_data_download_holds_their_applications(world, published):
    from tests.factories import MembershipFactory, UserFactory
    from vinculo.core.permissions import Role
    from vinculo.registry.services import worker_own_data

    user = UserFactory(username="applicant")
    MembershipFactory(user=user, role=Role.WORKER, jurisdiction=None)
    worker = make_worker(world, years=4, user=user)
    services.candidacy_apply(worker=worker, order_id=published.pk)
    data = worker_own_data(actor=user)
    [application] = data["applications"]
    assert application["order"] == published.pk and application["title"] == published.title
    assert application["status"] == "applied" and application["applied_at"]
    assert application["decided_at"] is None
    assert data["job_fairs"] == []


@pytest.mark.parametrize("built", [True, False], ids=["index", "database"])
def test_a_bare_unit_group_ranks_like_an_esco_occupation_of_it(world, published, built):
    """A worker whose occupation is the ISCO-08 unit group alone (an import of "6111:5") scores
    exactly as one with an ESCO occupation of that group, from the index and without it."""
    bare = make_worker(world, unit="6111", years=5, bare_unit=True)
    esco = make_worker(world, unit="6111", years=5)
    neighbour = make_worker(world, unit="6112", years=5, bare_unit=True)
    if built:
        index.index_build()
    _order, ranking = selectors.ranking_for(actor=world.users["official"], order_id=published.pk)
    scores = {m.worker_id: m for m in ranking.matches}
    assert scores[bare.pk].score == pytest.approx(scores[esco.pk].score)
    assert [r["code"] for r in scores[bare.pk].reasons][:1] == ["occupation_4"]
    assert scores[neighbour.pk].score < scores[bare.pk].score


def test_an_imported_unit_group_is_stored_as_such_and_ranks_for_its_order(
    world, published, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Importing "6111:6" stores unit group 6111 with no ESCO occupation and 6 years, and the
    worker ranks for an order of that unit group with the full occupation points."""
    from tests.imports.conftest import csv_bytes, upload
    from vinculo.imports import services as imports
    from vinculo.imports.domain import column_names
    from vinculo.registry.models import Worker

    settings.IMPORTS_DIR = tmp_path / "imports"
    cells = {
        "given_names": "Wilmer",
        "first_surname": "Castro",
        "sex": "M",
        "birth_date": "1990-03-04",
        "nationality": "HN",
        "document_kind": "passport",
        "document_number": "F1234567",
        "document_expiry": f"{timezone.localdate().year + 5}-01-01",
        "occupations": "6111:6",
        "languages": "es:native",
        "work_abroad": "yes",
        "consent_matching": "yes",
    }
    header = column_names("workers")
    content = csv_bytes(header, [[cells.get(name, "") for name in header]])
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_request(
            kind="workers", upload=upload(content), actor=world.users["official"]
        )
    worker = Worker.objects.get(given_names="Wilmer")
    assert list(
        worker.occupations.values_list("isco_group_id", "occupation_id", "years_experience")
    ) == [("6111", None, 6)]
    index.index_build()
    _order, ranking = selectors.ranking_for(actor=world.users["official"], order_id=published.pk)
    [match] = [m for m in ranking.matches if m.worker_id == worker.pk]
    assert match.reasons[0]["code"] == "occupation_4"


def test_a_candidacy_keeps_its_timeline(world, published):
    from vinculo.core.audit import AuditVerb
    from vinculo.core.models import AuditEvent
    from vinculo.matching.models import CandidacyEvent

    worker = make_worker(world)
    official, employer = world.users["official"], world.users["employer_staff"]
    candidacy = services.candidacy_shortlist(
        actor=official, order_id=published.pk, worker_id=worker.pk
    )
    with pytest.raises(ValidationFailed) as no_reason:
        services.candidacy_not_select(actor=employer, candidacy_id=candidacy.pk, reason=" ")
    assert no_reason.value.code == "reason_required"
    services.candidacy_not_select(actor=employer, candidacy_id=candidacy.pk, reason="Sin visa")
    timeline = [
        (e.from_state, e.to_state, e.reason, e.actor)
        for e in CandidacyEvent.objects.filter(candidacy=candidacy).order_by("at", "id")
    ]
    assert timeline == [
        ("", "shortlisted", "", official),
        ("shortlisted", "not_selected", "Sin visa", employer),
    ]
    decided = AuditEvent.objects.get(verb=AuditVerb.CANDIDATE_NOT_SELECTED)
    assert decided.jurisdiction_id == published.jurisdiction_id and decided.reason == "Sin visa"
    assert decided.after == {"status": "not_selected", "order": published.pk, "worker": worker.pk}
    # The authority may shortlist again someone the employer did not select.
    services.candidacy_shortlist(actor=official, order_id=published.pk, worker_id=worker.pk)
    assert CandidacyEvent.objects.filter(candidacy=candidacy).count() == 3
