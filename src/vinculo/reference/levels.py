"""Levels of international standards a record states: a language's level on the Common European
Framework of Reference (CEFR), plus mother tongue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CefrLevel(models.TextChoices):
    """Common European Framework of Reference for Languages, plus mother tongue."""

    A1 = "A1", _("A1 · beginner")
    A2 = "A2", _("A2 · elementary")
    B1 = "B1", _("B1 · intermediate")
    B2 = "B2", _("B2 · upper intermediate")
    C1 = "C1", _("C1 · advanced")
    C2 = "C2", _("C2 · proficient")
    NATIVE = "native", _("Mother tongue")
