"""A placement: one worker's journey on one job order, opened by the employer's selection."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.models import Jurisdiction, StateEvent, TimeStamped
from vinculo.placements.domain import ACTIVE, STATES, CostItem, Payee


class Placement(TimeStamped):
    candidacy = models.OneToOneField(
        "matching.Candidacy", on_delete=models.PROTECT, related_name="placement"
    )
    worker = models.ForeignKey(
        "registry.Worker", on_delete=models.PROTECT, related_name="placements"
    )
    order = models.ForeignKey("jobs.JobOrder", on_delete=models.PROTECT, related_name="placements")
    # The authority that approved the order: its officials and caseworkers follow the placement.
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("step"), max_length=20, choices=STATES, default="selected")
    # The journey's steps as the programme's pack had them when the placement opened: a later
    # change of the pack does not reshape a journey under way.
    steps = models.JSONField(_("steps"), default=list)
    # A named re-hire on the fast path: the evaluated placement of the last season it follows,
    # and the steps carried over from it rather than done again.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_steps = models.JSONField(_("carried over"), default=list, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            # One journey at a time: two selections of one worker at once cannot both open one.
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(state__in=sorted(ACTIVE)),
                name="one_active_placement_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.order_id} ({self.state})"

    @property
    def carried_names(self) -> str:
        """The steps carried over from last season, named in the reader's language."""
        names = dict(STATES)
        return ", ".join(str(names[step]) for step in self.carried_steps)


class PlacementEvent(StateEvent):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=STATES, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=STATES)

    class Meta(StateEvent.Meta):
        verbose_name = _("placement step")
        verbose_name_plural = _("placement steps")


class SignedHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person, with a caseworker")
    PHONE_CODE = "phone_code", _("On the worker's phone, with a one-time code")


class Contract(TimeStamped):
    """The contract offered on a placement: its terms frozen from the job order at offer, with a
    version, a digest of the terms and a public code the printed QR code opens."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="contracts")
    version = models.PositiveIntegerField(_("version"), default=1)
    terms = models.JSONField(_("terms"))
    digest = models.CharField(_("fingerprint"), max_length=64, unique=True)
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    languages = models.JSONField(_("languages"), default=list)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_how = models.CharField(
        _("signed how"), max_length=12, choices=SignedHow.choices, blank=True
    )
    signed_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The one-time code sent to the worker's phone to sign: only its hash is kept.
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["placement", "version"], name="contract_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class TermsCheckState(models.TextChoices):
    PASSED = "passed", _("No term is worse: recorded")
    FLAGGED = "flagged", _("A term is worse: the placement is blocked")
    CLEARED = "cleared", _("Reviewed and cleared by an official")


class TermsCheck(TimeStamped):
    """A later contract document, or a change of terms, compared field by field with the frozen
    offer. A worse term flags the placement until an official has reviewed it."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checks")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="checks")
    terms = models.JSONField(_("terms found"))
    where = models.CharField(_("where the document was presented"), max_length=200)
    changes = models.JSONField(_("comparison"), default=list)
    state = models.CharField(_("outcome"), max_length=8, choices=TermsCheckState.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_reason = models.TextField(_("why it was cleared"), blank=True)

    class Meta:
        verbose_name = _("substitution check")
        verbose_name_plural = _("substitution checks")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["placement", "state"])]


class FeeState(models.TextChoices):
    RECORDED = "recorded", _("Recorded: a cost the worker may pay")
    VIOLATION = "violation", _("Violation: the employer must refund it")
    REFUNDED = "refunded", _("Refunded")


class FeeRecord(TimeStamped):
    """A cost the worker paid to find, qualify for, secure or reach the job, as they or a
    caseworker recorded it; a violation when the pack says the employer bears it."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="fees")
    item = models.CharField(_("what for"), max_length=20, choices=CostItem.choices)
    payee = models.CharField(_("paid to"), max_length=14, choices=Payee.choices)
    payee_name = models.CharField(_("name of whom was paid"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    paid_on = models.DateField(_("paid on"))
    evidence = models.CharField(_("receipt"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=FeeState.choices)
    # The finding of the pack (or the ILO baseline) when it was recorded: reason, explanation in
    # both languages, source.
    finding = models.JSONField(default=dict)
    refunded_on = models.DateField(_("refunded on"), null=True, blank=True)
    refund_evidence = models.CharField(_("proof of the refund"), max_length=60, blank=True)
    refund_note = models.TextField(_("note on the refund"), blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cost paid by the worker")
        verbose_name_plural = _("costs paid by the worker")
        ordering = ["paid_on", "pk"]
        indexes = [models.Index(fields=["placement", "state"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fee_amount_positive")
        ]


class ExchangeRate(TimeStamped):
    """A reference rate an official recorded: 1 `base` = `rate` `quote` on `on`, with its source
    (a central bank's published rate). Conversions name the rate they used; nothing is fetched."""

    on = models.DateField(_("date"))
    base = models.CharField(_("from"), max_length=3)
    quote = models.CharField(_("to"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8)
    source = models.CharField(_("source"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-on", "base", "quote"]
        constraints = [
            models.UniqueConstraint(fields=["on", "base", "quote"], name="rate_one_a_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.on} 1 {self.base} = {self.rate} {self.quote}"


class PayPeriod(models.TextChoices):
    WEEK = "week", _("a week")
    FORTNIGHT = "fortnight", _("every two weeks")
    MONTH = "month", _("a month")


class CheckIn(TimeStamped):
    """A scheduled check on a worker away: due on a day, answered by the worker on their phone or
    by a caseworker on a call. A worrying answer opens a follow-up."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField(_("due on"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_on_time = models.BooleanField(_("paid on time"), null=True)
    pay_amount = models.DecimalField(
        _("pay received"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    pay_currency = models.CharField(_("currency"), max_length=3, blank=True)
    pay_period = models.CharField(_("for"), max_length=9, choices=PayPeriod.choices, blank=True)
    recovering_deductions = models.DecimalField(
        _("deducted from pay to recover recruitment costs"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    hours_worked = models.DecimalField(
        _("hours worked last week"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    housing_ok = models.BooleanField(_("housing is decent"), null=True)
    documents_in_hand = models.BooleanField(_("has their passport and documents"), null=True)
    safe = models.BooleanField(_("feels safe"), null=True)
    wants_contact = models.BooleanField(_("wants to talk to someone"), null=True)
    note = models.TextField(_("anything else"), blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["answered_at", "due_on"])]


class FollowUp(TimeStamped):
    """A worrying check-in answer on a caseworker's queue, with the answers that caused it."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="followups")
    checkin = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="followup")
    reasons = models.JSONField(_("why"), default=list)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["created_at"]


class DeadlineNotice(models.Model):
    """A deadline of the programme's pack a placement passed, told to its caseworker once (the
    daily task reads these so it never tells twice)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=20)
    after = models.CharField(max_length=20)
    due_on = models.DateField()
    told_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "step", "after"], name="deadline_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.step} due {self.due_on}"


class EvaluationSide(models.TextChoices):
    EMPLOYER = "employer", _("The employer")
    CASEWORKER = "caseworker", _("The caseworker")


class Evaluation(TimeStamped):
    """The end-of-season word on a placement, one from the employer and one from the caseworker:
    whether the worker is asked back, how the season went, and why."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="evaluations")
    side = models.CharField(_("by"), max_length=10, choices=EvaluationSide.choices)
    rehire = models.BooleanField(_("eligible for re-hire"))
    rating = models.PositiveSmallIntegerField(
        _("how the season went"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["placement", "side"], name="one_evaluation_a_side")
        ]


class AttendanceKind(models.TextChoices):
    ARRIVED = "arrived", _("Arrived at the worksite")
    LEFT = "left", _("Left the worksite")


class Attendance(TimeStamped):
    """The employer's log of a worker's arrival at and departure from the worksite."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="attendance")
    kind = models.CharField(_("what"), max_length=7, choices=AttendanceKind.choices)
    on = models.DateField(_("day"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    from_roster = models.BooleanField(_("from a roster upload"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "kind", "on"], name="attendance_once_a_day"
            )
        ]
