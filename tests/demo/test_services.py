from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from vinculo.core.models import Jurisdiction, Organisation, User
from vinculo.demo import catalogue
from vinculo.demo.permits import PEOPLE
from vinculo.demo.services import demo_load
from vinculo.linkage.services import linkage_run_request
from vinculo.placements.selectors import deadlines_overdue
from vinculo.reference.services import reference_load
from vinculo.registry.identity import Person
from vinculo.registry.models import AgencyLicence, IdentityDocument, Worker, WorkerLanguage
from vinculo.registry.selectors import likely_matches

pytestmark = pytest.mark.django_db


def test_the_small_demo_has_every_role_and_thousands_of_workers(
    django_capture_on_commit_callbacks,
):
    reference_load()
    summary = demo_load(size="small")
    # The generated registry, the foreign nationals of the work-permit applications, and Karla
    # (`trabajadora.cr`), who registered herself to apply for her own.
    assert summary.workers == Worker.objects.count() == catalogue.SIZES["small"] + len(PEOPLE) + 1
    assert Worker.objects.get(user__username="trabajadora.cr").permit_applications.get().state == (
        "submitted"
    )
    # Last spring's strawberry picker (GECCO) is not shown home within the pack's month.
    [late] = deadlines_overdue(
        actor=User.objects.get(username="gestor.hn"), today=timezone.localdate()
    )
    assert (late.deadline.step, late.late.days) == ("returned", 15)
    assert IdentityDocument.objects.count() > summary.workers
    roles = {role for _, role, *_ in catalogue.USERS}
    assert {m.role for u in User.objects.all() for m in u.memberships.all()} == roles
    own = Worker.objects.get(user__username="trabajador")
    assert own.full_name == "María José Hernández López"
    # Every demo worker can be found by the check at registration.
    assert not Worker.objects.filter(key_given="").exists()
    assert own.key_pair_lo == "ernandes" and own.key_pair_hi == "lopes"
    # The README's try-it: her record is proposed to Honduras's official at the desk.
    again = Person("Maria Jose", "Lopez", "Hernandez", date(1994, 12, 5), "", sex="F")
    official = User.objects.get(username="oficial.hn")
    assert [m.worker for m in likely_matches(actor=official, person=again)][:1] == [own]
    assert set(AgencyLicence.objects.values_list("state", flat=True)) == {
        "applied",
        "valid",
        "suspended",
    }
    suspended = AgencyLicence.objects.get(state="suspended")
    assert suspended.events.filter(to_state="suspended").exclude(reason="").exists()
    assert suspended.created_at < min(e.at for e in suspended.events.all())  # applied first
    for employer in Organisation.objects.exclude(verification_state="pending").filter(
        kind="employer"
    ):  # every decided employer has its decision on its timeline, after its registration
        decision = employer.verification_events.get()
        assert decision.to_state == employer.verification_state
        assert employer.created_at < decision.at
    assert set(Organisation.objects.exclude(verification_note="").values_list("name", flat=True))
    assert Worker.objects.filter(consents__purpose="matching").exists()
    assert WorkerLanguage.objects.filter(level="native").exists()
    venezuelans = Worker.objects.filter(nationality="VE")
    assert venezuelans.exists() and {w.jurisdiction.code for w in venezuelans} == {"MX-STPS"}
    assert Jurisdiction.objects.filter(code="CR-DGME").exists()

    # A few are second registrations of someone else, written with desk errors and without a
    # document: the duplicate check of Honduras proposes them for review.
    assert Worker.objects.filter(documents__isnull=True).count() >= 0.015 * summary.workers
    with django_capture_on_commit_callbacks(execute=True):
        run = linkage_run_request(actor=official, jurisdiction=own.jurisdiction_id)
    run.refresh_from_db()
    assert run.status == "done" and run.pairs_new >= 5

    # The tour's job orders: one on the board per employer's programme, one waiting for the
    # Honduran official, one draft that pays under Ontario's minimum wage.
    from vinculo.jobs.models import JobOrder

    states = dict(JobOrder.objects.values_list("title", "state"))
    assert states == {
        "Greenhouse vegetable harvesters": "published",
        "Field crop workers": "submitted",
        "Greenhouse packers": "draft",
        "Recolectoras y recolectores de fresa": "published",
        "Greenhouse tomato harvesters (winter season)": "published",
        "Greenhouse tomato harvesters (last season)": "closed",
        "Recolectoras y recolectores de fresa (campaña anterior)": "closed",
    }
    draft = JobOrder.objects.get(state="draft")
    assert [f["code"] for f in draft.failed_findings] == ["minimum_wage"]
    assert all(o.verification_code for o in JobOrder.objects.filter(state="published"))

    # A season in progress: placements at every step, a substituted contract caught, a fee paid
    # to the agency, a worrying check-in, and last season's worker re-hired by name.
    from vinculo.placements.domain import JOURNEY
    from vinculo.placements.models import FeeRecord, FollowUp, Placement, TermsCheck

    states = set(Placement.objects.values_list("state", flat=True))
    assert set(JOURNEY) <= states and "withdrawn" in states
    assert TermsCheck.objects.get().state == "flagged"
    assert FeeRecord.objects.filter(state="violation", payee="agency").exists()
    assert FollowUp.objects.get().reasons == ["documents_retained", "wants_contact"]
    rehired = Placement.objects.exclude(carried_from=None).get()
    assert rehired.carried_steps == ["oriented"] and rehired.carried_from.state == "evaluated"
    assert not Placement.objects.filter(worker=own).exists()  # María José still applies

    # A fair offering Honduras' published vacancies, for the kiosk in the tour.
    from vinculo.jobs.models import JobFair

    fair = JobFair.objects.get()
    assert sorted(o.title for o in fair.orders.all()) == [
        "Greenhouse vegetable harvesters",
        "Recolectoras y recolectores de fresa",
    ]

    # The tour's steps have something to show: the caseworker's ranking of the greenhouse order
    # has a full page of eligible workers, María José's vacancies are both published ones, and
    # the Honduran official has a Honduran employer waiting to be verified.
    from vinculo.matching.selectors import ranking_for, recommended_for

    caseworker = User.objects.get(username="gestor.hn")
    greenhouse = JobOrder.objects.get(title="Greenhouse vegetable harvesters")
    _, ranked = ranking_for(actor=caseworker, order_id=greenhouse.pk)
    assert ranked.scored >= 50 and len(ranked.matches) == 50
    assert {r.order.title for r in recommended_for(worker=own)} == {
        "Greenhouse vegetable harvesters",
        "Recolectoras y recolectores de fresa",
    }
    waiting = Organisation.objects.filter(
        verification_state="pending", jurisdiction__code="HN-STSS"
    )
    assert waiting.filter(name="Agroexportadora del Valle de Sula S.A.").exists()
