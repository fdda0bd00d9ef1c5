"""What the duplicate review keeps: batch runs, the pairs they propose, merges (with what each
moved, so that it can be undone) and fraud flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.models import Jurisdiction, StateEvent
from vinculo.core.runs import Run, RunStatus
from vinculo.linkage.domain import PairStatus
from vinculo.registry.models import Worker

__all__ = ["PairStatus"]  # its lifecycle's states live with its table, in domain.py


class RunStage(models.TextChoices):
    READ = "read", _("Reading the registry")
    TRAIN = "train", _("Learning how records differ")
    SCORE = "score", _("Comparing records")
    CLUSTER = "cluster", _("Grouping records")
    SAVE = "save", _("Adding pairs to the review queue")


# Where each stage starts and ends on the progress bar (reading is per record, the rest in steps).
STAGE_SPAN = {
    RunStage.READ: (0, 35),
    RunStage.TRAIN: (35, 55),
    RunStage.SCORE: (55, 85),
    RunStage.CLUSTER: (85, 90),
    RunStage.SAVE: (90, 100),
}


class LinkageRun(Run):
    """One batch comparison of all the workers of a jurisdiction, with its progress: stage by
    stage, done/total being records read, then the engine's steps."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=RunStage.choices, default=RunStage.READ
    )
    # The batch check proposes pairs from this probability on.
    threshold = models.FloatField(_("lowest probability proposed"), default=0.8)
    records = models.PositiveIntegerField(_("records compared"), default=0)
    pairs_found = models.PositiveIntegerField(_("pairs found"), default=0)
    pairs_new = models.PositiveIntegerField(_("new pairs to review"), default=0)

    progress_unit = _("%(done)s of %(total)s records")
    stage_spans = STAGE_SPAN

    class Meta(Run.Meta):
        verbose_name = _("duplicate check")
        verbose_name_plural = _("duplicate checks")

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def progress_text(self) -> str:
        # Records are counted while they are read; the later stages count the engine's steps.
        if self.status == RunStatus.RUNNING and self.stage == RunStage.READ:
            return super().progress_text
        return ""


class PairOrigin(models.TextChoices):
    BATCH = "batch", _("Batch check of the registry")
    REGISTRATION = "registration", _("Check at self-registration")
    PERMIT = "permit", _("Check at a work-permit application")


class CandidatePair(models.Model):
    """Two records of one jurisdiction that may be the same person, lower id first. One row per
    pair, whatever found it: a pair once marked "not the same person" stays so, and no later
    check proposes it again."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    worker_a = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    worker_b = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("probability"))
    origin = models.CharField(_("found by"), max_length=12, choices=PairOrigin.choices)
    run = models.ForeignKey(
        LinkageRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["worker_a", "worker_b"], name="candidate_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(worker_a__lt=models.F("worker_b")),
                name="candidate_pair_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "status", "-probability"], name="pair_queue")
        ]

    def __str__(self) -> str:
        return f"{self.worker_a_id}~{self.worker_b_id} {self.probability:.2f} ({self.status})"


class PairEvent(StateEvent):
    """One decision on a pair: merged, not the same person (with the reason), merge undone."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=10, choices=PairStatus.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=PairStatus.choices)

    class Meta(StateEvent.Meta):
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")


class Merge(models.Model):
    """One record merged into another by an official, with everything the merge moved or filled
    in, so that undoing it puts each thing back."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.PROTECT, related_name="merges")
    survivor = models.ForeignKey(
        Worker, verbose_name=_("record kept"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Worker, verbose_name=_("record merged"), on_delete=models.PROTECT, related_name="+"
    )
    # {"documents": [ids], "occupations": [ids], "languages": [ids], "user": id | None,
    #  "filled": {field: value written on the survivor}}
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class FraudFlag(models.Model):
    """A record flagged for suspected fraud, and, once looked into, cleared. Clearing keeps the
    row: the history of suspicions is evidence."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="fraud_flags")
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("flagged"), default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    clear_reason = models.TextField(_("why it was cleared"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("fraud flag")
        verbose_name_plural = _("fraud flags")
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(cleared_at__isnull=True),
                name="fraud_flag_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} ({'cleared' if self.cleared_at else 'open'})"
