"""Job orders: an employer's request for workers in one occupation, with the terms that become
the contract, through the authority's approval to the public vacancy board."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.models import Jurisdiction, Organisation, StateEvent, TimeStamped

# Crockford's base32 without I, L, O, U: read aloud and typed from paper without confusion.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_verification_code(prefix: str = "JO") -> str:
    """A job order's public code, e.g. "JO-7K3M-9Q2X": 40 random bits, so codes cannot be
    guessed or enumerated (the public check is rate-limited as well)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{prefix}-{raw[:4]}-{raw[4:]}"


class JobOrderState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class WageBasis(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    MONTH = "month", _("per month")


class Payer(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    WORKER = "worker", _("Worker")


# The costs a job order says who pays, in the order the form asks them (policy Cost codes).
ORDER_COSTS = ("recruitment_fee", "travel_in", "travel_out", "visa", "medical", "insurance")


class JobOrder(TimeStamped):
    # The authority that approves the order: the employer's (a foreign employer answers to the
    # authority of the programme it hires through).
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="job_orders",
    )
    # A recruitment agency that files on the employer's behalf; it must hold a licence in force.
    agency = models.ForeignKey(
        Organisation,
        verbose_name=_("recruitment agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agency_job_orders",
    )
    # An employer association filing for several of its members (collective hiring).
    members = models.ManyToManyField(
        Organisation, verbose_name=_("member employers"), blank=True, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    programme = models.CharField(
        _("programme"), max_length=20, blank=True, help_text=_("Policy pack code, e.g. CA-SAWP")
    )
    title = models.CharField(_("job title"), max_length=200)
    occupation = models.ForeignKey(
        "reference.Occupation",
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    isco_unit = models.CharField(_("ISCO-08 unit group"), max_length=4, editable=False)
    positions = models.PositiveIntegerField(_("positions"))
    # Kept by matching in the transaction of each shortlisting and decision, with the order's row
    # locked: how many workers reached the shortlist (selected or not since), and how many were
    # selected. The fair's figures add them up.
    shortlisted_count = models.PositiveIntegerField(
        _("candidates shortlisted"), default=0, editable=False
    )
    selected_count = models.PositiveIntegerField(
        _("candidates selected"), default=0, editable=False
    )
    sector = models.CharField(_("sector"), max_length=30)
    description = models.TextField(_("description of the work"), blank=True)
    # Worksite
    establishment = models.ForeignKey(
        "registry.Establishment",
        verbose_name=_("establishment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    worksite_country = models.CharField(_("country of the worksite"), max_length=2)
    worksite_subdivision = models.CharField(
        _("province, department or state"), max_length=10, blank=True, help_text=_("ISO 3166-2")
    )
    worksite_municipality = models.CharField(_("municipality or city"), max_length=120)
    # Period
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    season = models.CharField(_("season"), max_length=60, blank=True)
    # Pay and hours
    wage_amount = models.DecimalField(_("wage"), max_digits=12, decimal_places=2)
    wage_currency = models.CharField(_("currency"), max_length=3)
    wage_basis = models.CharField(_("paid"), max_length=5, choices=WageBasis.choices)
    weekly_hours = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)
    guaranteed_hours = models.PositiveIntegerField(_("hours of work guaranteed in all"))
    overtime_rule = models.TextField(_("overtime"), blank=True)
    # Housing and costs
    housing_provided = models.BooleanField(_("housing provided"), default=False)
    housing_weekly_cost = models.DecimalField(
        _("housing cost to the worker, a week"),
        max_digits=8,
        decimal_places=2,
        default=0,
    )
    costs = models.JSONField(_("who pays each cost"), default=dict)
    # Requirements
    languages = models.JSONField(_("languages required"), default=list)
    min_experience_years = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    named_request = models.BooleanField(_("returning workers requested by name"), default=False)
    named_workers = models.ManyToManyField(
        "registry.Worker", verbose_name=_("workers requested by name"), blank=True, related_name="+"
    )
    # Lifecycle
    state = models.CharField(
        _("status"), max_length=10, choices=JobOrderState.choices, default=JobOrderState.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    verification_code = models.CharField(
        _("verification code"), max_length=12, unique=True, null=True, blank=True, editable=False
    )
    # The last check against the policy packs, as shown to the filer and the official.
    findings = models.JSONField(default=list, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job order")
        verbose_name_plural = _("job orders")
        indexes = [
            models.Index(fields=["jurisdiction", "state"]),
            models.Index(fields=["state", "worksite_country", "isco_unit"]),
            # The board's order: newest publication first, read from the index, not sorted.
            models.Index(fields=["state", "published_at"], name="jobs_order_board_idx"),
            # The board's version: the newest change to any order (jobs.selectors.board_version).
            models.Index(fields=["updated_at"], name="jobs_order_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.positions})"

    @property
    def failed_findings(self) -> list[dict]:
        return [f for f in self.findings if not f["passed"]]

    @property
    def named_numbers(self) -> list[str]:
        """The registration numbers of the workers requested by name."""
        return list(self.named_workers.values_list("registration_number", flat=True))


class JobOrderEvent(StateEvent):
    """One move of an order through its lifecycle, with who made it and why (the reasons of a
    return are what the filer reads)."""

    order = models.ForeignKey(JobOrder, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=10, choices=JobOrderState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=JobOrderState.choices)

    class Meta(StateEvent.Meta):
        verbose_name = _("job order change")
        verbose_name_plural = _("job order changes")


class JobFair(TimeStamped):
    """A job fair: an event where employers meet workers, with its vacancies and a kiosk where
    workers register on site (MECAL held seven in seven months and placed 616 people)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    subdivision = models.CharField(
        _("department or state"), max_length=10, blank=True, help_text=_("ISO 3166-2")
    )
    municipality = models.CharField(_("municipality or city"), max_length=120)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    employers = models.ManyToManyField(
        Organisation, verbose_name=_("employers"), blank=True, related_name="job_fairs"
    )
    orders = models.ManyToManyField(
        JobOrder, verbose_name=_("vacancies"), blank=True, related_name="fairs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")

    def __str__(self) -> str:
        return self.name


class FairRegistration(models.Model):
    """A worker registered at a fair's kiosk (or met there and recorded)."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="registrations")
    worker = models.ForeignKey(
        "registry.Worker", on_delete=models.CASCADE, related_name="fair_registrations"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("registration at a fair")
        verbose_name_plural = _("registrations at fairs")
        constraints = [
            models.UniqueConstraint(fields=["fair", "worker"], name="fair_registration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fair_id}/{self.worker_id}"
