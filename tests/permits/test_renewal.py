"""Renewal and re-entry on the fast path, and a change of employer where the permit allows it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory
from tests.permits.conftest import cr_terms, hn_terms, submitted
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.permits import services
from vinculo.permits.models import Application, Permit
from vinculo.registry.models import IdentityDocument


def _approved(permits, terms=None) -> Permit:
    application = submitted(permits.hn_staff, permits.hn_employer, terms or hn_terms())
    services.step_decide(
        actor=permits.hn_official, step_id=application.steps.get().pk, outcome="approve"
    )
    return Application.objects.get(pk=application.pk).permit


def test_a_renewal_with_nothing_changed_is_submitted_at_once(permits):
    permit = _approved(permits)
    renewal = services.application_renew(actor=permits.hn_staff, permit_id=permit.pk)
    assert renewal.state == "submitted" and renewal.renewal_of == permit
    assert renewal.start_on == permit.valid_to + timedelta(days=1)
    assert sorted(renewal.documents.values_list("kind", flat=True)) == [
        "contract",
        "ihss_roster",
        "passport",
    ]
    assert renewal.steps.get().state == "open"
    with pytest.raises(Conflict):
        services.application_renew(actor=permits.hn_staff, permit_id=permit.pk)


def test_a_passport_that_would_expire_is_asked_again(permits):
    permit = _approved(permits)
    IdentityDocument.objects.filter(worker=permit.holder).update(expires_on=date(2028, 6, 30))
    renewal = services.application_renew(actor=permits.hn_staff, permit_id=permit.pk)
    assert renewal.state == "draft"
    assert "passport" not in renewal.documents.values_list("kind", flat=True)


def test_re_entry_on_an_expired_permit_starts_from_the_day_asked(permits):
    permit = _approved(permits)
    Permit.objects.filter(pk=permit.pk).update(valid_to=timezone.localdate() - timedelta(days=90))
    start = timezone.localdate() + timedelta(days=30)
    renewal = services.application_renew(
        actor=permits.hn_staff, permit_id=permit.pk, start_on=start
    )
    assert renewal.start_on == start and renewal.state == "submitted"


def test_a_revoked_permit_is_not_renewed_and_strangers_cannot_renew(permits):
    permit = _approved(permits)
    with pytest.raises(NotAllowed):
        services.application_renew(actor=permits.hn_official, permit_id=permit.pk)
    services.permit_move(
        actor=permits.hn_official, permit_id=permit.pk, to="revoked", reason="Fraude."
    )
    with pytest.raises(Conflict):
        services.application_renew(actor=permits.hn_staff, permit_id=permit.pk)


def test_a_restricted_permit_keeps_its_employer_and_says_why(permits):
    permit = _approved(permits)
    other = OrganisationFactory(
        jurisdiction=permits.hn_employer.jurisdiction, verification_state="verified"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.permit_change_employer(
            actor=permits.hn_official, permit_id=permit.pk, employer_id=other.pk, reason="x"
        )
    assert refused.value.code == "employer_change_not_allowed"
    assert "Código del Trabajo" in str(refused.value.message)


def test_a_sitlam_worker_may_change_employer_within_the_scheme(permits):
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms(category="sitlam"))
    services.step_decide(
        actor=permits.mtss, step_id=application.steps.get(code="labour").pk, outcome="approve"
    )
    services.step_decide(
        actor=permits.dgme, step_id=application.steps.get(code="migration").pk, outcome="approve"
    )
    permit = Application.objects.get(pk=application.pk).permit
    farm = OrganisationFactory(
        jurisdiction=permits.cr_employer.jurisdiction, verification_state="verified"
    )
    with pytest.raises(NotAllowed):
        services.permit_change_employer(
            actor=permits.cr_staff, permit_id=permit.pk, employer_id=farm.pk, reason="x"
        )
    services.permit_change_employer(
        actor=permits.mtss, permit_id=permit.pk, employer_id=farm.pk, reason="Cosecha terminada."
    )
    permit.refresh_from_db()
    assert permit.employer == farm
    assert "Cosecha terminada." in permit.events.first().reason


def test_the_employer_logs_entries_and_exits_within_the_permits_validity(permits):
    from vinculo.permits.models import PermitAttendance

    permit = _approved(permits)
    Permit.objects.filter(pk=permit.pk).update(valid_from=timezone.localdate() - timedelta(days=30))
    permit.refresh_from_db()
    yesterday = timezone.localdate() - timedelta(days=1)
    services.attendance_log(actor=permits.hn_staff, permit_id=permit.pk, kind="entry", on=yesterday)
    with pytest.raises(ValidationFailed):
        services.attendance_log(
            actor=permits.hn_staff,
            permit_id=permit.pk,
            kind="exit",
            on=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(NotAllowed):
        services.attendance_log(
            actor=permits.hn_official, permit_id=permit.pk, kind="exit", on=yesterday
        )
    assert list(PermitAttendance.objects.values_list("kind", flat=True)) == ["entry"]
