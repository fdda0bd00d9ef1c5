"""Roles and the one table that says what each role may do.

Every permission check in Vínculo reads this table through `vinculo.core.access`. A permission is
granted *within a jurisdiction*: an official of Honduras who may view workers sees Honduras'
workers only. Roles whose membership has no jurisdiction (admin, regional coordinator) act across
all of them, and the coordinator's permissions are aggregate-only by construction.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WORKER = "worker", _("Migrant worker")
    EMPLOYER_STAFF = "employer_staff", _("Employer staff")
    AGENCY_STAFF = "agency_staff", _("Recruitment agency staff")
    OFFICIAL = "official", _("Ministry official")
    CASEWORKER = "caseworker", _("Programme caseworker")
    AUDITOR = "auditor", _("Auditor")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    ADMIN = "admin", _("Administrator")


class Perm(models.TextChoices):
    """Each label says, to the person who holds it, what they can do here."""

    VIEW_OWN_WORKER_PROFILE = (
        "registry.view_own_profile",
        _("See and correct your own profile, download all your data and manage your consents"),
    )
    APPLY_FOR_VACANCIES = (
        "matching.apply",
        _("See the vacancies recommended for you, with why they suit you, and apply"),
    )
    VIEW_OWN_ORGANISATION = "core.view_own_organisation", _("See your organisation's record")
    VIEW_WORKERS = (
        "registry.view_workers",
        _("Browse the workers registered in your jurisdiction and open their full profiles"),
    )
    REGISTER_WORKERS = (
        "registry.register_workers",
        _("Register a worker at a desk or a job fair"),
    )
    EDIT_WORKERS = (
        "registry.edit_workers",
        _("Correct the records of the workers of your jurisdiction (every change is audited)"),
    )
    REVIEW_DUPLICATES = (
        "linkage.review",
        _(
            "Check your jurisdiction's registry for duplicate records, merge them (and undo a "
            "merge) and flag records for fraud"
        ),
    )
    IMPORT_REGISTRY = (
        "registry.import",
        _("Import workers, employers and agencies from CSV or Excel files"),
    )
    VIEW_ORGANISATIONS = (
        "registry.view_organisations",
        _("Browse the employers and recruitment agencies of your jurisdiction"),
    )
    VERIFY_EMPLOYERS = (
        "registry.verify_employers",
        _("Verify employers before their job orders can be published"),
    )
    MANAGE_LICENCES = (
        "registry.manage_licences",
        _("Grant, suspend, reinstate, cancel and delist recruitment agency licences"),
    )
    FILE_JOB_ORDERS = (
        "jobs.file_orders",
        _("File job orders for your organisation (or the employers your agency represents)"),
    )
    VIEW_JOB_ORDERS = (
        "jobs.view_orders",
        _("See the job orders filed with your jurisdiction"),
    )
    REVIEW_JOB_ORDERS = (
        "jobs.review_orders",
        _("Approve or return the job orders filed with your jurisdiction, publish and close them"),
    )
    MANAGE_JOB_FAIRS = (
        "jobs.manage_fairs",
        _(
            "Organise job fairs: their employers and vacancies, the registration kiosk and the "
            "count of placements"
        ),
    )
    SHORTLIST_CANDIDATES = (
        "matching.shortlist",
        _(
            "Rank the workers of your jurisdiction for a job order, with the reasons of each "
            "score, shortlist them, run the batch matching and read the fairness audit"
        ),
    )
    MANAGE_PLACEMENTS = (
        "placements.manage",
        _(
            "Follow the placements of your jurisdiction's workers, step by step from selection "
            "to return"
        ),
    )
    FOLLOW_OWN_JOURNEY = (
        "placements.follow_own",
        _(
            "Follow your own journey to a job: where it is, what comes next, your contract to "
            "read and sign, the costs you paid and how things are going"
        ),
    )
    HOST_PLACED_WORKERS = (
        "placements.host",
        _(
            "See the workers placed with your organisation, log their arrival at and departure "
            "from the worksite, evaluate them at the end of the season and ask them back by name"
        ),
    )
    CLEAR_SUBSTITUTION_FLAGS = (
        "placements.clear_flags",
        _(
            "Review the contracts flagged as substituted in your jurisdiction and clear those "
            "whose change is lawful"
        ),
    )
    KEEP_EXCHANGE_RATES = (
        "placements.keep_rates",
        _(
            "Keep the table of reference exchange rates that costs and earnings are converted "
            "with, imported from a CSV file"
        ),
    )
    APPLY_FOR_PERMITS = (
        "permits.apply",
        _(
            "Apply for the work permits of foreign nationals your organisation would hire (or "
            "for your own, where the category allows), follow each application and its "
            "decision, and see your permits"
        ),
    )
    DECIDE_PERMITS = (
        "permits.decide",
        _(
            "Decide your agency's step of the work-permit applications of your jurisdiction, "
            "see how long each took, and revoke or suspend permits"
        ),
    )
    VIEW_POLICY_PACKS = (
        "policy.view_packs",
        _("Read the policy packs: minimum wages, fee rules and their legal sources"),
    )
    SEARCH_OCCUPATIONS = (
        "reference.search_occupations",
        _("Search occupations (ISCO-08 and ESCO) in Spanish and English"),
    )
    VIEW_AUDIT_LOG = (
        "core.view_audit_log",
        _("Browse and export the audit log of your jurisdiction: logins, changes and data access"),
    )
    VIEW_REGIONAL_STATS = (
        "stats.view_regional",
        _("Compare aggregated, non-personal figures across countries"),
    )
    ADMINISTER = "core.administer", _("Manage users, organisations and memberships")


_EVERYONE = {Perm.SEARCH_OCCUPATIONS, Perm.VIEW_POLICY_PACKS}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.WORKER: frozenset(
        _EVERYONE
        | {
            Perm.VIEW_OWN_WORKER_PROFILE,
            Perm.APPLY_FOR_VACANCIES,
            Perm.FOLLOW_OWN_JOURNEY,
            Perm.APPLY_FOR_PERMITS,
        }
    ),
    Role.EMPLOYER_STAFF: frozenset(
        _EVERYONE
        | {
            Perm.VIEW_OWN_ORGANISATION,
            Perm.FILE_JOB_ORDERS,
            Perm.HOST_PLACED_WORKERS,
            Perm.APPLY_FOR_PERMITS,
        }
    ),
    Role.AGENCY_STAFF: frozenset(
        _EVERYONE | {Perm.VIEW_OWN_ORGANISATION, Perm.FILE_JOB_ORDERS, Perm.APPLY_FOR_PERMITS}
    ),
    Role.OFFICIAL: frozenset(
        _EVERYONE
        | {
            Perm.VIEW_WORKERS,
            Perm.REGISTER_WORKERS,
            Perm.EDIT_WORKERS,
            Perm.REVIEW_DUPLICATES,
            Perm.IMPORT_REGISTRY,
            Perm.VIEW_ORGANISATIONS,
            Perm.VERIFY_EMPLOYERS,
            Perm.MANAGE_LICENCES,
            Perm.VIEW_JOB_ORDERS,
            Perm.REVIEW_JOB_ORDERS,
            Perm.SHORTLIST_CANDIDATES,
            Perm.MANAGE_JOB_FAIRS,
            Perm.MANAGE_PLACEMENTS,
            Perm.CLEAR_SUBSTITUTION_FLAGS,
            Perm.KEEP_EXCHANGE_RATES,
            Perm.DECIDE_PERMITS,
        }
    ),
    Role.CASEWORKER: frozenset(
        _EVERYONE
        | {
            Perm.VIEW_WORKERS,
            Perm.REGISTER_WORKERS,
            Perm.VIEW_ORGANISATIONS,
            Perm.VIEW_OWN_ORGANISATION,
            Perm.VIEW_JOB_ORDERS,
            Perm.SHORTLIST_CANDIDATES,
            Perm.MANAGE_JOB_FAIRS,
            Perm.MANAGE_PLACEMENTS,
        }
    ),
    Role.AUDITOR: frozenset(_EVERYONE | {Perm.VIEW_AUDIT_LOG}),
    Role.REGIONAL_COORDINATOR: frozenset(_EVERYONE | {Perm.VIEW_REGIONAL_STATS}),
    # Everything but the two "own record" views, which need a record of one's own.
    Role.ADMIN: frozenset(Perm)
    - {
        Perm.VIEW_OWN_WORKER_PROFILE,
        Perm.VIEW_OWN_ORGANISATION,
        Perm.APPLY_FOR_VACANCIES,
        Perm.FOLLOW_OWN_JOURNEY,
        Perm.HOST_PLACED_WORKERS,
    },
}

# Roles that act inside one jurisdiction must have one on their membership.
JURISDICTION_BOUND_ROLES = frozenset({Role.OFFICIAL, Role.CASEWORKER, Role.AUDITOR})
