"""The audit verbs: one list, so the log reads as a timeline a person can filter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditVerb(models.TextChoices):
    LOGIN = "auth.login", _("Signed in")
    LOGIN_FAILED = "auth.login_failed", _("Failed sign-in")
    LOGOUT = "auth.logout", _("Signed out")
    PROFILE_VIEWED = "worker.profile_viewed", _("Viewed a worker's full profile")
    WORKER_REGISTERED = "worker.registered", _("Registered a worker")
    WORKER_CHANGED = "worker.changed", _("Changed a worker's record")
    WORKER_IDENTITY_CHANGED = "worker.identity_changed", _("Changed a worker's identity")
    WORKER_DATA_DOWNLOADED = "worker.data_downloaded", _("Downloaded a worker's own data")
    CONSENT_GIVEN = "consent.given", _("Gave a consent")
    CONSENT_WITHDRAWN = "consent.withdrawn", _("Withdrew a consent")
    ORGANISATION_REGISTERED = "organisation.registered", _("Registered an organisation")
    ORGANISATION_CHANGED = "organisation.changed", _("Changed an organisation")
    EMPLOYER_VERIFIED = "employer.verified", _("Verified an employer")
    EMPLOYER_REJECTED = "employer.rejected", _("Rejected an employer's verification")
    LICENCE_APPLIED = "licence.applied", _("Applied for an agency licence")
    LICENCE_GRANTED = "licence.granted", _("Granted an agency licence")
    LICENCE_SUSPENDED = "licence.suspended", _("Suspended an agency licence")
    LICENCE_REINSTATED = "licence.reinstated", _("Reinstated an agency licence")
    LICENCE_CANCELLED = "licence.cancelled", _("Cancelled an agency licence")
    LICENCE_DELISTED = "licence.delisted", _("Delisted an agency")
    WORKERS_MERGED = "worker.merged", _("Merged two records of the same worker")
    WORKERS_MERGE_UNDONE = "worker.merge_undone", _("Undid a merge of two records")
    PAIR_DISTINCT = "worker.pair_distinct", _("Marked two records as different people")
    FRAUD_FLAGGED = "worker.fraud_flagged", _("Flagged a worker's record for fraud")
    FRAUD_CLEARED = "worker.fraud_cleared", _("Cleared a fraud flag")
    LINKAGE_STARTED = "linkage.started", _("Started a duplicate check of the registry")
    LINKAGE_FINISHED = "linkage.finished", _("Finished a duplicate check of the registry")
    IMPORT_STARTED = "import.started", _("Started an import")
    IMPORT_FINISHED = "import.finished", _("Finished an import")
    EXPORT_REQUESTED = "export.requested", _("Requested an export")
    EXPORT_DOWNLOADED = "export.downloaded", _("Downloaded an export")
    REFERENCE_LOADED = "reference.loaded", _("Loaded reference data")
    DEMO_LOADED = "demo.loaded", _("Loaded demo data")
