"""Reads of employers and agencies, each scoped to what the actor may see and failing closed:
an organisation outside the actor's jurisdictions is a 404, never a 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.lifecycle import Move
from vinculo.core.models import Actor, Jurisdiction, Organisation, OrganisationKind
from vinculo.core.permissions import Perm, Role
from vinculo.reference.search import fold
from vinculo.registry.models import (
    AgencyLicence,
    Establishment,
    LicenceEvent,
    LicenceState,
    VerificationEvent,
)
from vinculo.registry.organisations.domain import (
    EMPLOYER_KINDS,
    EMPLOYER_VERIFICATION,
    LICENCE,
    PUBLIC_LICENCE_STATES,
    PUBLIC_STATUS_LABELS,
    SANCTION_STATES,
    PublicStatus,
    licence_public_status,
    sector_label,
)

# --- employers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerFilter:
    name: str = ""
    state: str = ""

    def apply(self, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        if self.name:
            queryset = queryset.filter(Q(name__icontains=self.name) | Q(tax_id__iexact=self.name))
        if self.state:
            queryset = queryset.filter(verification_state=self.state)
        return queryset


def employer_list(*, actor: Actor, filters: EmployerFilter | None = None) -> QuerySet[Organisation]:
    """Employers and employer associations answering to the actor's jurisdictions."""
    scope = scope_for(actor, Perm.VIEW_ORGANISATIONS)
    employers = scope.apply(
        Organisation.objects.filter(kind__in=EMPLOYER_KINDS).select_related("jurisdiction")
    )
    return (filters or EmployerFilter()).apply(employers).order_by("name", "pk")


def employer_get(*, actor: Actor, organisation_id: Any) -> Organisation:
    return get_or_404(
        employer_list(actor=actor).select_related("verified_by").prefetch_related("establishments"),
        pk=organisation_id,
    )


def employer_moves_available(*, actor: Actor, organisation: Organisation) -> dict[str, Move]:
    """The verification decisions the actor may take now, for the page's buttons."""
    return EMPLOYER_VERIFICATION.available(actor=actor, record=organisation)


def own_employers(*, actor: Actor) -> list[Organisation]:
    """The employers whose establishments the actor may edit: those they are staff of."""
    if not actor.can(Perm.VIEW_OWN_ORGANISATION):
        return []
    return [
        m.organisation
        for m in actor.active_memberships
        if m.role == Role.EMPLOYER_STAFF
        and m.organisation is not None
        and m.organisation.kind in EMPLOYER_KINDS
    ]


def own_employer_get(*, actor: Actor, organisation_id: Any) -> Organisation:
    ids = [o.pk for o in own_employers(actor=actor)]
    return get_or_404(Organisation.objects.filter(pk__in=ids), pk=organisation_id)


def own_establishment_get(*, actor: Actor, establishment_id: Any) -> Establishment:
    ids = [o.pk for o in own_employers(actor=actor)]
    return get_or_404(
        Establishment.objects.filter(organisation_id__in=ids).select_related("organisation"),
        pk=establishment_id,
    )


def active_jurisdictions() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(is_active=True).order_by("code")


def country_jurisdictions(country: str) -> list[Jurisdiction]:
    """The active authorities of a country; an employer of that country answers to them."""
    return list(active_jurisdictions().filter(country=country.upper()))


# --- agencies and licences --------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyFilter:
    name: str = ""
    state: str = ""

    def apply(self, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        if self.name:
            queryset = queryset.filter(
                Q(name__icontains=self.name) | Q(licences__number__iexact=self.name)
            )
        if self.state:
            queryset = queryset.filter(licences__state=self.state)
        return queryset.distinct()


def licence_list(*, actor: Actor) -> QuerySet[AgencyLicence]:
    scope = scope_for(actor, Perm.VIEW_ORGANISATIONS)
    return scope.apply(AgencyLicence.objects.select_related("agency", "jurisdiction"))


def agency_list(*, actor: Actor, filters: AgencyFilter | None = None) -> QuerySet[Organisation]:
    """Recruitment agencies of the actor's jurisdictions, each with the licences the actor may
    see (prefetched as `visible_licences`)."""
    scope = scope_for(actor, Perm.VIEW_ORGANISATIONS)
    agencies = scope.apply(
        Organisation.objects.filter(kind=OrganisationKind.RECRUITMENT_AGENCY).select_related(
            "jurisdiction"
        )
    )
    agencies = (filters or AgencyFilter()).apply(agencies)
    return agencies.prefetch_related(
        Prefetch(
            "licences",
            queryset=licence_list(actor=actor).order_by("-created_at", "-pk"),
            to_attr="visible_licences",
        )
    ).order_by("name", "pk")


def agency_get(*, actor: Actor, agency_id: Any) -> Organisation:
    return get_or_404(agency_list(actor=actor), pk=agency_id)


def licence_get(*, actor: Actor, licence_id: Any) -> AgencyLicence:
    return get_or_404(licence_list(actor=actor), pk=licence_id)


def verification_events(organisation: Organisation) -> QuerySet[VerificationEvent]:
    return organisation.verification_events.select_related("actor").order_by("-at", "-id")


def licence_events(licence: AgencyLicence) -> QuerySet[LicenceEvent]:
    return licence.events.select_related("actor").order_by("-at", "-id")


def licence_moves_available(*, actor: Actor, licence: AgencyLicence) -> dict[str, Move]:
    """The moves the actor may make now on this licence: the page renders one button each."""
    return LICENCE.available(actor=actor, record=licence)


def licence_jurisdictions(*, actor: Actor) -> QuerySet[Jurisdiction]:
    """Where the actor may register an agency and its licence application."""
    return scope_for(actor, Perm.MANAGE_LICENCES).apply(active_jurisdictions(), field="pk")


# --- public verification ----------------------------------------------------------------------

PUBLIC_SEARCH_LIMIT = 25


def _public_licences() -> QuerySet[AgencyLicence]:
    return AgencyLicence.objects.filter(state__in=PUBLIC_LICENCE_STATES).select_related(
        "agency", "jurisdiction"
    )


def public_licence_search(*, query: str) -> list[AgencyLicence]:
    """Public licences whose number or agency name contains the query, ignoring accents and case
    ("colocaciones rapidas" finds "Colocaciones Rápidas").

    The folding is done in Python, not in the database: SQLite has no accent folding and
    PostgreSQL's `unaccent` is an extension a deployment may not have. Only id, number and name
    are read, and licences number in the thousands per region, so this stays cheap.
    """
    wanted = fold(query)
    if not wanted:
        return []
    compact = wanted.replace(" ", "")
    ids = [
        pk
        for pk, number, name in _public_licences().values_list("pk", "number", "agency__name")
        if wanted in fold(name) or compact in fold(number).replace(" ", "")
    ]
    return list(
        _public_licences()
        .filter(pk__in=ids[:PUBLIC_SEARCH_LIMIT])
        .order_by("agency__name", "pk")
        # The sanctions of all the licences found in one query, not one query per licence.
        .prefetch_related(
            Prefetch(
                "events",
                queryset=LicenceEvent.objects.filter(to_state__in=SANCTION_STATES).order_by(
                    "-at", "-id"
                ),
                to_attr="public_sanction_events",
            )
        )
    )


def public_licence_get(*, number: str) -> AgencyLicence:
    return get_or_404(_public_licences(), number__iexact=number.strip())


@dataclass(frozen=True)
class PublicSanction:
    state: str
    label: str
    at: Any
    reason: str


@dataclass(frozen=True)
class PublicLicence:
    """What anyone may learn about a licence: no names of officials, nothing about applications."""

    licence: AgencyLicence
    status: str
    sanctions: list[PublicSanction]
    checked_at: Any

    @property
    def status_label(self) -> str:
        return str(PUBLIC_STATUS_LABELS[self.status])

    @property
    def sector_labels(self) -> list[str]:
        return [sector_label(code) for code in self.licence.sectors]

    @property
    def badge(self) -> str:
        return "valid" if self.licensed else "suspended"

    @property
    def licensed(self) -> bool:
        return self.status == PublicStatus.LICENSED


def _sanction_events(licence: AgencyLicence) -> Any:
    prefetched = getattr(licence, "public_sanction_events", None)
    if prefetched is not None:
        return prefetched
    return licence.events.filter(to_state__in=SANCTION_STATES).order_by("-at", "-id")


def public_licence_view(licence: AgencyLicence) -> PublicLicence:
    now = timezone.now()
    sanctions = [
        PublicSanction(
            state=e.to_state,
            label=str(LicenceState(e.to_state).label),
            at=e.at,
            reason=e.reason,
        )
        for e in _sanction_events(licence)
    ]
    status = licence_public_status(
        state=licence.state,
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        today=timezone.localdate(now),
    )
    return PublicLicence(licence=licence, status=status, sanctions=sanctions, checked_at=now)
