from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.core.models import Jurisdiction
from vinculo.core.runs import Run
from vinculo.imports.domain import error_message


class ImportKind(models.TextChoices):
    WORKERS = "workers", _("Workers")
    EMPLOYERS = "employers", _("Employers")
    AGENCIES = "agencies", _("Recruitment agencies")


class Import(Run):
    """One file of workers, employers or agencies brought in by an official, with its progress
    and its counts. The file itself is kept under settings.IMPORTS_DIR as `stored_name`. Its
    progress counts the file's rows (`total` is how many it has)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    # Whatever the file says, what it creates belongs to this jurisdiction.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(max_length=4)  # csv | xlsx
    file_size = models.PositiveBigIntegerField(default=0)
    stored_name = models.CharField(max_length=80)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_existing = models.PositiveIntegerField(_("already registered"), default=0)
    rows_failed = models.PositiveIntegerField(_("bad rows"), default=0)

    progress_unit = _("%(done)s of %(total)s rows")

    class Meta(Run.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"


class ImportRowError(models.Model):
    """One problem of one row: its code and parameters, so the message is rendered in the
    language of whoever reads the report."""

    run = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=40, blank=True)
    code = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["run", "row"])]

    def __str__(self) -> str:
        return f"{self.row} {self.column} {self.code}"

    @property
    def message(self) -> str:

        return error_message(self.code, self.params)


class ImportKey(models.Model):
    """The natural keys an import has met, with the row that brought each one: how a duplicate
    inside one file is found ("same document as row 12") without keeping the whole file's keys
    in memory. Written in the same transaction as the rows they belong to."""

    run = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    row = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="import_key_unique")]

    def __str__(self) -> str:
        return f"{self.row} {self.key}"
