"""A worker's candidacy for a job order (recommended, applied, shortlisted, selected), the batch
matching runs, and the changes the matching index has not absorbed yet."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.core.models import StateEvent
from vinculo.core.runs import Run


class CandidacyStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Candidacy(models.Model):
    """One worker on one job order. Created when the worker applies or a caseworker shortlists
    them; the employer sees only shortlisted candidacies and selects among them."""

    order = models.ForeignKey("jobs.JobOrder", on_delete=models.CASCADE, related_name="candidacies")
    worker = models.ForeignKey(
        "registry.Worker", on_delete=models.CASCADE, related_name="candidacies"
    )
    status = models.CharField(_("status"), max_length=12, choices=CandidacyStatus.choices)
    # The score and its reasons when the candidacy was made (what the caseworker saw).
    score = models.FloatField(_("score"), null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    shortlisted_at = models.DateTimeField(_("shortlisted"), null=True, blank=True)
    shortlisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shortlisted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The employer's word at the end of the season, set by placements (a layer above): asked
    # back (True) or not (False). A worker asked back earns the "returning" points next season.
    rehire = models.BooleanField(_("asked back for another season"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        constraints = [models.UniqueConstraint(fields=["order", "worker"], name="candidacy_unique")]
        indexes = [models.Index(fields=["worker", "status"])]

    def __str__(self) -> str:
        return f"{self.worker_id} → {self.order_id} ({self.status})"


class CandidacyEvent(StateEvent):
    """One move of a candidacy: shortlisted, selected or not (with the reason), applied."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(
        _("from"), max_length=12, choices=CandidacyStatus.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=CandidacyStatus.choices)

    class Meta(StateEvent.Meta):
        verbose_name = _("candidacy change")
        verbose_name_plural = _("candidacy changes")


class MatchRun(Run):
    """A batch matching of every open job order of a jurisdiction, in the background. Its
    progress counts the orders ranked."""

    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recommendations = models.PositiveIntegerField(default=0)

    progress_unit = _("%(done)s of %(total)s orders")

    class Meta(Run.Meta):
        verbose_name = _("batch matching")
        verbose_name_plural = _("batch matchings")

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.status}"


class Recommendation(models.Model):
    """The ranked top of one order from the latest batch matching: what a worker's
    "recommended vacancies" and a caseworker's first look read."""

    order = models.ForeignKey(
        "jobs.JobOrder", on_delete=models.CASCADE, related_name="recommendations"
    )
    worker = models.ForeignKey(
        "registry.Worker", on_delete=models.CASCADE, related_name="recommendations"
    )
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    run = models.ForeignKey(MatchRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["order", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["order", "worker"], name="recommendation_unique")
        ]
        indexes = [models.Index(fields=["worker", "score"])]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.rank}"
