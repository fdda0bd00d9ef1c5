"""The daily task: permits about to expire are reminded to their employer and holder (60 and 14
days before, once each), overdue steps are escalated to their agency's officials once, and the
tick enqueues each daily task once a day however many processes tick."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.permits.conftest import cr_terms, hn_terms, submitted
from vinculo.core.models import DailyRun, Notification
from vinculo.core.schedule import daily_tick
from vinculo.permits import services
from vinculo.permits.models import Application, Permit


def _permit(permits) -> Permit:
    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms())
    services.step_decide(
        actor=permits.hn_official, step_id=application.steps.get().pk, outcome="approve"
    )
    return Application.objects.get(pk=application.pk).permit


def test_an_expiring_permit_is_reminded_at_sixty_and_fourteen_days_once_each(permits):
    permit = _permit(permits)
    Notification.objects.all().delete()
    today = timezone.localdate()
    Permit.objects.filter(pk=permit.pk).update(valid_to=today + timedelta(days=61))
    assert services.permits_remind(today) == 0
    Permit.objects.filter(pk=permit.pk).update(valid_to=today + timedelta(days=50))
    assert services.permits_remind(today) == 1
    staff = Notification.objects.get(kind="permit.expiry", address="rrhh.hn@example.org")
    assert "50" in staff.body and permit.number in staff.subject
    assert Notification.objects.filter(kind="permit.expiry", channel="sms").exists()  # holder
    assert services.permits_remind(today) == 0
    assert services.permits_remind(today + timedelta(days=20)) == 0  # 30 days left
    assert services.permits_remind(today + timedelta(days=37)) == 1  # 13 days left
    assert services.permits_remind(today + timedelta(days=38)) == 0
    # A revoked permit is not reminded.
    Permit.objects.filter(pk=permit.pk).update(state="revoked", reminded_on=None)
    assert services.permits_remind(today + timedelta(days=40)) == 0


def test_an_overdue_step_is_escalated_once_to_its_own_agency(permits):
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    Notification.objects.all().delete()
    assert services.steps_escalate() == 0
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - timedelta(days=31)
    )
    permits.mtss.email, permits.dgme.email = "mtss@example.org", "dgme@example.org"
    permits.mtss.save()
    permits.dgme.save()
    assert services.steps_escalate() == 1
    notice = Notification.objects.get(kind="permit.overdue")
    assert notice.address == "mtss@example.org" and application.reference in notice.subject
    assert services.steps_escalate() == 0


def test_the_tick_enqueues_each_daily_task_once_a_day(permits, django_capture_on_commit_callbacks):
    _permit(permits)
    Permit.objects.update(valid_to=timezone.localdate() + timedelta(days=30))
    every = ["vinculo.permits.tasks.permits_daily", "vinculo.placements.tasks.placements_daily"]
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_tick() == every
    assert Notification.objects.filter(kind="permit.expiry").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_tick() == []
    tomorrow = timezone.localdate() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_tick(tomorrow) == every
    assert DailyRun.objects.count() == 4
