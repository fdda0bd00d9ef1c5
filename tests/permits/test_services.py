"""Applications decided on the pack's rules, by the agencies the pack names, each in its own
jurisdiction; the permit they issue, its public check, and who may see what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from tests.permits.conftest import cr_terms, hn_terms, pdf, person, submitted
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent, Notification
from vinculo.permits import selectors, services
from vinculo.permits.domain import ApplicationState, StepState, permit_status
from vinculo.permits.models import Application, InfoRequest
from vinculo.registry.models import RegistrationChannel


def test_a_draft_registers_the_foreign_national_once_by_passport(permits):
    first = services.application_create(
        actor=permits.hn_staff, employer=permits.hn_employer, person=person(), data=hn_terms()
    )
    again = services.application_create(
        actor=permits.hn_staff, employer=permits.hn_employer, person=person(), data=hn_terms()
    )
    assert first.state == ApplicationState.DRAFT
    assert first.worker == again.worker
    assert first.worker.channel == RegistrationChannel.PERMIT
    assert first.worker.jurisdiction == permits.hn_employer.jurisdiction


def test_only_the_employers_own_staff_apply_for_it(permits):
    with pytest.raises(NotAllowed):
        services.application_create(
            actor=permits.other_staff,
            employer=permits.hn_employer,
            person=person(),
            data=hn_terms(),
        )


def test_a_national_is_not_given_a_work_permit(permits):
    with pytest.raises(ValidationFailed) as refused:
        services.application_create(
            actor=permits.hn_staff,
            employer=permits.hn_employer,
            person=person(nationality="HN"),
            data=hn_terms(),
        )
    assert refused.value.field == "nationality"


def test_a_stay_the_category_does_not_allow_is_refused_on_the_field(permits):
    with pytest.raises(ValidationFailed) as refused:
        services.application_create(
            actor=permits.hn_staff,
            employer=permits.hn_employer,
            person=person(),
            data=hn_terms(months=7),
        )
    assert refused.value.field == "months"


def test_an_incomplete_application_names_everything_missing(permits):
    application = services.application_create(
        actor=permits.hn_staff,
        employer=permits.hn_employer,
        person=person(),
        data=hn_terms(national_workers=None),
    )
    services.document_add(
        actor=permits.hn_staff, application_id=application.pk, kind="passport", upload=pdf()
    )
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(actor=permits.hn_staff, application_id=application.pk)
    fields = {name for name, _code, _message in refused.value.errors}
    assert fields == {"document_contract", "document_ihss_roster", "national_workers"}
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_a_document_is_sniffed_not_trusted_by_its_name(permits):
    application = services.application_create(
        actor=permits.hn_staff, employer=permits.hn_employer, person=person(), data=hn_terms()
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("passport.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        services.document_add(
            actor=permits.hn_staff, application_id=application.pk, kind="passport", upload=fake
        )
    assert refused.value.field == "file"
    assert not application.documents.exists()


def test_honduras_refuses_a_hire_below_ninety_per_cent_nationals_quoting_article_11(permits):
    application = submitted(
        permits.hn_staff,
        permits.hn_employer,
        hn_terms(national_workers=8, foreign_workers=0, national_payroll=Decimal("120000")),
    )
    step = application.steps.get()
    share = next(r for r in step.trace if r["code"] == "national_share")
    assert share["passed"] is False
    assert share["reason"] == "below_national_workers"
    assert "art. 11" in share["source"]
    assert share["evidence"]["workers_with_hire"] == 9
    assert share["evidence"]["national_workers_pct"] == "88.9"
    assert "88,9" in share["explanation"]["es"] and "90" in share["explanation"]["es"]
    # The rules decide: the official cannot approve against them, and refuses with reasons.
    with pytest.raises(ValidationFailed) as refused:
        services.step_decide(actor=permits.hn_official, step_id=step.pk, outcome="approve")
    assert refused.value.code == "rules_failed"
    services.step_decide(
        actor=permits.hn_official,
        step_id=step.pk,
        outcome="refuse",
        reason="Art. 11: 88,9 % de hondureños con esta contratación.",
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.REFUSED
    assert not hasattr(application, "permit") or application.permit is None
    notice = Notification.objects.get(kind="permit.decision", address="rrhh.hn@example.org")
    assert "88,9" in notice.body


def test_a_company_waiver_lowers_the_thresholds_while_it_runs(permits, settings, tmp_path):
    # Agroexportadora del Valle de Sula holds the pack's illustrative waiver (85 % and 80 %).
    permits.hn_employer.tax_id = "05019016004321"
    permits.hn_employer.save()
    application = submitted(
        permits.hn_staff,
        permits.hn_employer,
        hn_terms(national_workers=80, foreign_workers=11, national_payroll=Decimal("2000000")),
    )
    share = next(r for r in application.steps.get().trace if r["code"] == "national_share")
    assert share["evidence"]["national_workers_pct"] == "87.0"
    assert share["passed"] is True
    assert share["evidence"]["waiver"].startswith("STSS-ACU-2025-017")
    assert "puntos porcentuales" in share["explanation"]["es"]


def test_costa_rica_is_decided_by_both_agencies_each_on_its_own_step(permits):
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    labour, migration = application.steps.order_by("position")
    assert (labour.state, migration.state) == (StepState.OPEN, StepState.WAITING)
    assert labour.jurisdiction.code == "CR-MTSS" and migration.jurisdiction.code == "CR-DGME"
    # Both agencies see the shared case; an official of another country does not.
    for official in (permits.mtss, permits.dgme):
        assert selectors.application_get(actor=official, application_id=application.pk)
    with pytest.raises(Http404):
        selectors.application_get(actor=permits.gt_official, application_id=application.pk)
    # The DGME cannot decide the MTSS's step, nor its own before the MTSS has.
    with pytest.raises(NotAllowed):
        services.step_decide(actor=permits.dgme, step_id=labour.pk, outcome="approve")
    with pytest.raises(Conflict):
        services.step_decide(actor=permits.dgme, step_id=migration.pk, outcome="approve")
    services.step_decide(actor=permits.mtss, step_id=labour.pk, outcome="approve")
    migration.refresh_from_db()
    assert migration.state == StepState.OPEN
    with pytest.raises(NotAllowed):
        services.step_decide(actor=permits.mtss, step_id=migration.pk, outcome="approve")
    services.step_decide(actor=permits.dgme, step_id=migration.pk, outcome="approve")
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    permit = application.permit
    assert permit.number.startswith("CR-PT-2027-")
    assert permit.valid_to == date(2027, 7, 10)
    assert len(permit.token) >= 20 and permit.number not in permit.token
    assert selectors.permit_public(token=permit.token) == permit
    assert selectors.permit_public(number=permit.number.lower()) == permit


def test_a_request_for_information_pauses_the_clock(permits):
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    labour = application.steps.get(code="labour")
    services.step_decide(
        actor=permits.mtss,
        step_id=labour.pk,
        outcome="request_info",
        reason="Envíe la constancia de la CCSS vigente.",
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.INFO_REQUESTED
    # Ten days waiting on the applicant, then answered: they do not count.
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - timedelta(days=14)
    )
    InfoRequest.objects.filter(application=application).update(
        asked_at=timezone.now() - timedelta(days=12)
    )
    with pytest.raises(Http404):
        services.info_answer(actor=permits.other_staff, application_id=application.pk, answer="x")
    services.info_answer(
        actor=permits.cr_staff, application_id=application.pk, answer="Adjunta, vigente."
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.steps.get(code="labour").state == StepState.OPEN
    InfoRequest.objects.filter(application=application).update(
        answered_at=timezone.now() - timedelta(days=2)
    )
    assert selectors.application_days(application) == 4


def test_the_queue_puts_the_least_time_left_first(permits):
    older = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    newer = submitted(
        permits.cr_staff, permits.cr_employer, cr_terms(), who=person(passport_number="C7654321")
    )
    Application.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=40))
    rows = selectors.queue(actor=permits.mtss)
    assert [r.application.pk for r in rows] == [older.pk, newer.pk]
    assert rows[0].overdue and rows[0].late == 10
    assert selectors.queue(actor=permits.dgme) == []  # its steps wait for the MTSS
    assert selectors.queue(actor=permits.gt_official) == []


def test_processing_days_by_category_take_the_pauses_out(permits):
    for days, passport in ((3, "A1"), (5, "A2"), (20, "A3")):
        application = submitted(
            permits.hn_staff,
            permits.hn_employer,
            hn_terms(),
            who=person(passport_number=f"C0000{passport}"),
        )
        services.step_decide(
            actor=permits.hn_official, step_id=application.steps.get().pk, outcome="approve"
        )
        Application.objects.filter(pk=application.pk).update(
            submitted_at=application.decided_at - timedelta(days=days)
            if application.decided_at
            else timezone.now() - timedelta(days=days)
        )
    clocks = selectors.clock_by_category(actor=permits.hn_official)
    assert len(clocks) == 1
    figures = clocks[0].figures
    assert (figures.count, figures.median, figures.target) == (3, Decimal(5), 20)
    assert figures.p90 == Decimal("17.0")
    assert selectors.clock_by_category(actor=permits.gt_official) == []


def test_a_revoked_permit_reads_revoked_at_once_and_only_its_authority_may(permits):
    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms())
    services.step_decide(
        actor=permits.hn_official, step_id=application.steps.get().pk, outcome="approve"
    )
    permit = Application.objects.get(pk=application.pk).permit
    with pytest.raises(Http404):
        services.permit_move(
            actor=permits.gt_official, permit_id=permit.pk, to="revoked", reason="x"
        )
    with pytest.raises(NotAllowed):
        services.permit_move(actor=permits.hn_staff, permit_id=permit.pk, to="revoked", reason="x")
    with pytest.raises(ValidationFailed):
        services.permit_move(actor=permits.hn_official, permit_id=permit.pk, to="revoked")
    services.permit_move(
        actor=permits.hn_official,
        permit_id=permit.pk,
        to="revoked",
        reason="Contrato rescindido.",
    )
    permit.refresh_from_db()
    assert permit_status(permit.state, permit.valid_to, timezone.localdate()) == "revoked"
    assert AuditEvent.objects.filter(verb="permit.revoked", object_id=str(permit.pk)).exists()


def test_applicants_see_their_own_cases_only(permits):
    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms())
    assert selectors.application_get(actor=permits.hn_staff, application_id=application.pk)
    for stranger in (permits.other_staff, permits.cr_staff, permits.mtss, permits.gt_official):
        with pytest.raises(Http404):
            selectors.application_get(actor=stranger, application_id=application.pk)


def test_drafts_stay_with_their_applicant(permits):
    draft = services.application_create(
        actor=permits.hn_staff, employer=permits.hn_employer, person=person(), data=hn_terms()
    )
    with pytest.raises(Http404):
        selectors.application_get(actor=permits.hn_official, application_id=draft.pk)


def test_an_agency_files_for_an_employer_its_licence_covers(permits):
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
    from vinculo.registry.models import AgencyLicence

    hn = permits.hn_employer.jurisdiction
    agency = OrganisationFactory(kind="recruitment_agency", jurisdiction=hn, name="Agencia S.A.")
    staff = UserFactory(username="agencia")
    MembershipFactory(user=staff, role="agency_staff", organisation=agency, jurisdiction=None)
    licence = AgencyLicence.objects.create(
        agency=agency,
        jurisdiction=hn,
        number="HN-AG-1",
        state="valid",
        destination_countries=["HN"],
        sectors=["agriculture"],
    )
    # The licence does not cover the maquila sector: refused.
    assert permits.hn_employer not in selectors.employers_for(staff)
    with pytest.raises(NotAllowed):
        services.application_create(
            actor=staff, employer=permits.hn_employer, person=person(), data=hn_terms()
        )
    licence.sectors = ["agriculture", "maquila"]
    licence.save()
    assert permits.hn_employer in selectors.employers_for(staff)
    application = services.application_create(
        actor=staff, employer=permits.hn_employer, person=person(), data=hn_terms()
    )
    assert application.agency == agency
    assert selectors.application_get(actor=staff, application_id=application.pk)
    # Its employer sees it too; a suspended licence stops the agency filing again.
    assert selectors.application_get(actor=permits.hn_staff, application_id=application.pk)
    licence.state = "suspended"
    licence.save()
    assert selectors.employers_for(staff) == []
