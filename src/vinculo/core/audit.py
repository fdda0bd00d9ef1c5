"""The audit verbs: one list, so the log reads as a timeline a person can filter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditVerb(models.TextChoices):
    LOGIN = "auth.login", _("Signed in")
    LOGIN_FAILED = "auth.login_failed", _("Failed sign-in")
    LOGOUT = "auth.logout", _("Signed out")
    PROFILE_VIEWED = "worker.profile_viewed", _("Viewed a worker's full profile")
    EXPORT_REQUESTED = "export.requested", _("Requested an export")
    EXPORT_DOWNLOADED = "export.downloaded", _("Downloaded an export")
    REFERENCE_LOADED = "reference.loaded", _("Loaded reference data")
    DEMO_LOADED = "demo.loaded", _("Loaded demo data")
