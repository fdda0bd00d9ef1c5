"""Which page serves each permission: the home page and the menu are built from this table, so a
role sees exactly the capabilities it holds and every link leads to a working page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import user_can
from vinculo.core.permissions import Perm


@dataclass(frozen=True)
class Page:
    perm: Perm
    url_name: str
    menu_label: str


PAGES = [
    Page(Perm.VIEW_OWN_WORKER_PROFILE, "registry:me", _("My profile")),
    Page(Perm.APPLY_FOR_VACANCIES, "matching:my_vacancies", _("My vacancies")),
    Page(Perm.FOLLOW_OWN_JOURNEY, "placements:mine", _("My journey")),
    Page(Perm.VIEW_OWN_ORGANISATION, "core:my_organisation", _("My organisation")),
    Page(Perm.VIEW_WORKERS, "registry:worker_list", _("Workers")),
    Page(Perm.EDIT_WORKERS, "registry:worker_list", _("Workers")),
    Page(Perm.REGISTER_WORKERS, "registry:register_worker", _("Register a worker")),
    Page(Perm.REVIEW_DUPLICATES, "linkage:pair_list", _("Duplicates")),
    Page(Perm.FILE_JOB_ORDERS, "jobs:order_list", _("Job orders")),
    Page(Perm.HOST_PLACED_WORKERS, "placements:hosted", _("Placed workers")),
    Page(Perm.VIEW_JOB_ORDERS, "jobs:order_list", _("Job orders")),
    Page(Perm.REVIEW_JOB_ORDERS, "jobs:order_list", _("Job orders")),
    Page(Perm.SHORTLIST_CANDIDATES, "matching:runs", _("Batch matching")),
    Page(Perm.MANAGE_JOB_FAIRS, "jobs:fairs", _("Job fairs")),
    Page(Perm.MANAGE_PLACEMENTS, "placements:list", _("Placements")),
    Page(Perm.CLEAR_SUBSTITUTION_FLAGS, "placements:flags", _("Substitution flags")),
    Page(Perm.KEEP_EXCHANGE_RATES, "placements:rates", _("Exchange rates")),
    Page(Perm.APPLY_FOR_PERMITS, "permits:home", _("Work permits")),
    Page(Perm.DECIDE_PERMITS, "permits:home", _("Work permits")),
    Page(Perm.IMPORT_REGISTRY, "imports:import_list", _("Imports")),
    Page(Perm.VIEW_ORGANISATIONS, "registry_orgs:employer_list", _("Employers")),
    Page(Perm.VERIFY_EMPLOYERS, "registry_orgs:employer_list", _("Employers")),
    Page(Perm.MANAGE_LICENCES, "registry_orgs:agency_list", _("Agencies")),
    Page(Perm.VIEW_AUDIT_LOG, "core:audit_list", _("Audit log")),
    Page(Perm.VIEW_REGIONAL_STATS, "stats:regional", _("Regional figures")),
    Page(Perm.SEARCH_OCCUPATIONS, "reference:occupations", _("Occupations")),
    Page(Perm.VIEW_POLICY_PACKS, "policy:pack_list", _("Policy packs")),
    Page(Perm.ADMINISTER, "admin:index", _("Administration")),
]


@dataclass(frozen=True)
class Capability:
    description: str
    url: str
    menu_label: str


def capabilities_for(user: object) -> list[Capability]:
    return [
        Capability(str(page.perm.label), reverse(page.url_name), str(page.menu_label))
        for page in PAGES
        if user_can(user, page.perm)
    ]
