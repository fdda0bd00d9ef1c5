"""Work-permit applications, the agencies' decisions on them, and the permits they issue."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.models import Jurisdiction, Organisation, StateEvent, TimeStamped, User
from vinculo.permits.domain import ApplicationState, PermitState, StepState
from vinculo.registry.models import Establishment, Worker


def new_token() -> str:
    """The unguessable part of a permit's QR code (never its sequence number)."""
    return secrets.token_urlsafe(18)


class Application(TimeStamped):
    """A request to authorise a foreign national to work: kept as a draft on the server until it
    is complete, then decided step by step by the agencies the pack names."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("filed with"),
        on_delete=models.PROTECT,
        related_name="permit_applications",
    )
    pack = models.CharField(_("policy pack"), max_length=30)
    category = models.CharField(_("category"), max_length=40)
    worker = models.ForeignKey(
        Worker,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        related_name="permit_applications",
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="permit_applications",
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("workplace"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name=_("filed by the agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_by = models.ForeignKey(
        User, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    occupation = models.CharField(_("occupation (ISCO-08)"), max_length=4)
    start_on = models.DateField(_("starts on"))
    months = models.PositiveSmallIntegerField(_("months"))
    salary = models.DecimalField(_("monthly salary"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    weekly_hours = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)
    # The employer's declared staff and monthly payroll by nationality, before this hire (where the
    # pack holds a national-share rule).
    national_workers = models.PositiveIntegerField(_("national workers"), null=True, blank=True)
    foreign_workers = models.PositiveIntegerField(_("foreign workers"), null=True, blank=True)
    national_payroll = models.DecimalField(
        _("monthly payroll of national workers"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )
    foreign_payroll = models.DecimalField(
        _("monthly payroll of foreign workers"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    # The clock: from the day it was complete to the day it was decided, less the pauses.
    submitted_at = models.DateTimeField(_("complete on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    pack_version = models.CharField(_("pack version"), max_length=80, blank=True)
    # Raised by every change of a draft's terms: an edit made on an older copy is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    # Registered by an official on a border post's kiosk (SITLAM), on the employer's behalf.
    border_post = models.CharField(_("border post"), max_length=80, blank=True)
    # A renewal (or a re-entry after expiry) of an earlier permit, on the fast path.
    renewal_of = models.ForeignKey(
        "Permit",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("work-permit application")
        verbose_name_plural = _("work-permit applications")

    def __str__(self) -> str:
        return f"{self.reference} · {self.worker}"

    @property
    def reference(self) -> str:
        return f"SOL-{self.pk:06d}" if self.pk else ""


class ApplicationEvent(StateEvent):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=ApplicationState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ApplicationState.choices)

    class Meta(StateEvent.Meta):
        verbose_name = _("application change")
        verbose_name_plural = _("application changes")


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=40)
    file = models.CharField(max_length=80, editable=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.application_id}"


class Step(models.Model):
    """One agency's step of a case: decided only in its own jurisdiction, seen by every agency of
    the case. Its trace is the pack's rules as they answered when it was decided."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(max_length=30)
    position = models.PositiveSmallIntegerField()
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="permit_steps"
    )
    after = models.JSONField(default=list, blank=True)
    rules = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=20, choices=StepState.choices, default=StepState.WAITING)
    trace = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The day the daily task told the agency's officials the step was overdue.
    escalated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="permit_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.code}"


class InfoRequest(models.Model):
    """An agency's request for more from the applicant: the clock pauses until it is answered."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="requests")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="requests")
    question = models.TextField(_("what is needed"))
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.asked_at:%Y-%m-%d}"


class PermitSerial(models.Model):
    """The database sequence permit numbers are drawn from (one row per number issued)."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return str(self.pk)


class Permit(TimeStamped):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="permit")
    number = models.CharField(_("number"), max_length=30, unique=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="permits")
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="permits")
    category = models.CharField(_("category"), max_length=40)
    pack = models.CharField(max_length=30)
    condition = models.CharField(_("condition"), max_length=10)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    state = models.CharField(
        _("state"), max_length=10, choices=PermitState.choices, default=PermitState.VALID
    )
    state_reason = models.TextField(_("reason"), blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(state="expired"), name="permit_expiry_is_computed")
        ]

    def __str__(self) -> str:
        return self.number


class PermitEvent(StateEvent):
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=PermitState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=PermitState.choices)

    class Meta(StateEvent.Meta):
        verbose_name = _("permit change")
        verbose_name_plural = _("permit changes")


class PermitAttendance(models.Model):
    """The employer's log of a holder's entry to and exit from the worksite (SITLAM's seasonal
    workers come and go across the border during the season)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("Entry to the worksite")
        EXIT = "exit", _("Exit from the worksite")

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="attendance")
    kind = models.CharField(_("movement"), max_length=5, choices=Kind.choices)
    on = models.DateField(_("on"))
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-logged_at"]

    def __str__(self) -> str:
        return f"{self.permit_id} {self.kind} {self.on}"
