from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.core.i18n import localized


class IscoGroup(models.Model):
    """An ISCO-08 group: major (1 digit), sub-major (2), minor (3) or unit (4)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title_en = models.CharField(max_length=255)
    title_es = models.CharField(max_length=255)
    title_fr = models.CharField(max_length=255)
    description_en = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ISCO-08 group")
        verbose_name_plural = _("ISCO-08 groups")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def level(self) -> int:
        return len(self.code)

    @property
    def title(self) -> str:
        return localized(self, "title")


class Occupation(models.Model):
    """An ESCO occupation, filed under one ISCO-08 unit group."""

    esco_id = models.UUIDField(_("ESCO id"), primary_key=True)
    isco_group = models.ForeignKey(
        IscoGroup,
        verbose_name=_("ISCO-08 unit group"),
        on_delete=models.PROTECT,
        related_name="occupations",
    )
    label_en = models.CharField(max_length=255)
    label_es = models.CharField(max_length=255)
    label_fr = models.CharField(max_length=255)
    alt_labels = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["label_en"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "label")


class ReferenceRelease(models.Model):
    """Which version of a reference file the database holds, so loading is idempotent."""

    name = models.CharField(max_length=40, primary_key=True)
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} {self.checksum[:12]}"
