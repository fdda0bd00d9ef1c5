"""Reads of job orders and job fairs, each scoped to what the actor may see and failing closed: an
order or a fair the actor may not see is a 404. The public reads (board, check by code, a fair's
page) show only what the authority approved."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.errors import ValidationFailed
from vinculo.core.lifecycle import Lifecycle, Move
from vinculo.core.models import Actor, Organisation, OrganisationKind
from vinculo.core.permissions import Perm, Role
from vinculo.jobs.domain import BOARD_STATES, FILER, ORDER_MOVES, VERIFIABLE_STATES
from vinculo.jobs.models import FairRegistration, JobFair, JobOrder, JobOrderEvent, JobOrderState
from vinculo.reference.countries import country_name, is_country, subdivision_list
from vinculo.registry.organisations.domain import EMPLOYER_KINDS

COUNTRY_UNKNOWN = _("Choose a country.")
REGION_NOT_IN_COUNTRY = _("%(region)s is not a region of %(country)s.")
REGION_UNKNOWN = _("%(region)s is not a region of any country.")

_RELATED = ("employer", "agency", "occupation", "occupation__isco_group", "jurisdiction")


def filer_organisations(*, actor: Actor) -> list[Organisation]:
    """The employers and agencies the actor files job orders for: those they are staff of."""
    if not actor.can(Perm.FILE_JOB_ORDERS):
        return []
    found = {}
    for m in actor.active_memberships:
        org = m.organisation
        if org is None:
            continue
        if (m.role == Role.EMPLOYER_STAFF and org.kind in EMPLOYER_KINDS) or (
            m.role == Role.AGENCY_STAFF and org.kind == OrganisationKind.RECRUITMENT_AGENCY
        ):
            found[org.pk] = org
    return sorted(found.values(), key=lambda o: o.name)


def employers_to_file_for(*, actor: Actor) -> QuerySet[Organisation]:
    """Whom the actor may file an order for: their own employer; for an agency's staff, any
    employer (an agency recruits for employers abroad; the check says whether it may)."""
    own = filer_organisations(actor=actor)
    if any(o.kind not in EMPLOYER_KINDS for o in own):
        return Organisation.objects.filter(kind__in=EMPLOYER_KINDS).order_by("name", "pk")
    return Organisation.objects.filter(pk__in=[o.pk for o in own]).order_by("name", "pk")


@dataclass(frozen=True)
class OrderFilter:
    state: str = ""
    q: str = ""

    def apply(self, queryset: QuerySet[JobOrder]) -> QuerySet[JobOrder]:
        if self.state:
            queryset = queryset.filter(state=self.state)
        if self.q:
            queryset = queryset.filter(
                Q(title__icontains=self.q)
                | Q(employer__name__icontains=self.q)
                | Q(verification_code__iexact=self.q)
            )
        return queryset


def order_list(*, actor: Actor, filters: OrderFilter | None = None) -> QuerySet[JobOrder]:
    """The orders of the actor's jurisdictions (officials, caseworkers) and those their own
    employer or agency filed (filers)."""
    scope = scope_for(actor, Perm.VIEW_JOB_ORDERS)
    own = [o.pk for o in filer_organisations(actor=actor)]
    visible = Q(pk__in=[])
    if not scope.empty:
        visible |= scope.q()
    if own:
        visible |= Q(employer_id__in=own) | Q(agency_id__in=own)
    orders = JobOrder.objects.filter(visible).select_related(*_RELATED)
    return (filters or OrderFilter()).apply(orders).order_by("-created_at", "-pk")


def order_get(*, actor: Actor, order_id: Any) -> JobOrder:
    return get_or_404(order_list(actor=actor), pk=order_id)


def order_sides(actor: Actor, order: JobOrder) -> frozenset[str]:
    """The sides of the order the actor stands on: the filer's (staff of the employer or of the
    agency that filed it), or none. What the authority may do follows from its permissions in
    the order's jurisdiction."""
    own = {o.pk for o in filer_organisations(actor=actor)}
    if order.employer_id in own or (order.agency_id and order.agency_id in own):
        return frozenset({FILER})
    return frozenset()


JOB_ORDER = Lifecycle(
    JobOrder, ORDER_MOVES, "job_order", events=JobOrderEvent, subject="order", sides=order_sides
)


def order_moves_available(*, actor: Actor, order: JobOrder) -> dict[str, Move]:
    """The moves the actor may make now on this order: the page renders one button each."""
    return JOB_ORDER.available(actor=actor, record=order)


# --- public ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardFilter:
    """The vacancy board's filters: an ISCO-08 code at any level (1 to 4 digits) or an ESCO
    occupation, the worksite's country and region, the sector, and words of the title."""

    occupation: str = ""
    country: str = ""
    region: str = ""
    sector: str = ""
    q: str = ""
    # A filter the user got wrong matches nothing: every vacancy would read as its answer.
    invalid: bool = False

    def check(self) -> None:
        """Refuse a country or region that cannot match, instead of quietly ignoring it."""
        country = self.country.strip().upper()
        if country and not is_country(country):
            raise ValidationFailed(COUNTRY_UNKNOWN, code="country_unknown", field="country")
        region = self.region.strip().upper()
        if not region:
            return
        in_country = country or region.split("-", 1)[0]
        if region not in {s.code for s in subdivision_list(in_country)}:
            if country:
                message = REGION_NOT_IN_COUNTRY % {
                    "region": region,
                    "country": country_name(country),
                }
            else:
                message = REGION_UNKNOWN % {"region": region}
            raise ValidationFailed(message, code="region_not_in_country", field="region")

    def apply(self, queryset: QuerySet[JobOrder]) -> QuerySet[JobOrder]:
        if self.invalid:
            return queryset.none()
        occupation = self.occupation.strip()
        if occupation.isdigit():
            queryset = queryset.filter(isco_unit__startswith=occupation)
        elif occupation:
            queryset = queryset.filter(occupation_id=occupation)
        if self.country:
            queryset = queryset.filter(worksite_country=self.country.upper())
        if self.region:
            queryset = queryset.filter(worksite_subdivision=self.region.upper())
        if self.sector:
            queryset = queryset.filter(sector=self.sector)
        if self.q:
            queryset = queryset.filter(
                Q(title__icontains=self.q) | Q(employer__name__icontains=self.q)
            )
        return queryset


def board_list(*, filters: BoardFilter | None = None) -> QuerySet[JobOrder]:
    if filters:
        filters.check()
    orders = JobOrder.objects.filter(state__in=BOARD_STATES).select_related(*_RELATED)
    return (filters or BoardFilter()).apply(orders).order_by("-published_at", "-pk")


# What a vacancy's card on the board shows. The board reads these columns only: the terms,
# findings and reference records are for the vacancy's own page.
BOARD_CARD_FIELDS = (
    "title",
    "employer__name",
    "worksite_municipality",
    "worksite_country",
    "wage_amount",
    "wage_currency",
    "wage_basis",
    "positions",
    "start_date",
    "end_date",
    "published_at",
)


def board_cards(*, filters: BoardFilter | None = None) -> QuerySet[JobOrder]:
    """The board's list: one query for a page of cards, whatever the number of vacancies."""
    return (
        board_list(filters=filters)
        .select_related(None)
        .select_related("employer")
        .only(*BOARD_CARD_FIELDS)
    )


def board_version() -> str:
    """A value that changes whenever a vacancy is published, withdrawn, filled, closed or has
    its terms changed: the newest change to any job order and their number. Every change of an
    order saves it (its updated_at moves), whichever process made it, so a page cached under this
    version is never served after the change.

    Asked on every request for a cached page, so written as SQL: compiling the same aggregate
    through the ORM cost more than the rest of serving the cached page. Both columns are read
    from indexes (jobs_order_updated_idx and the primary key)."""
    table = connection.ops.quote_name(JobOrder._meta.db_table)
    column = connection.ops.quote_name(JobOrder._meta.get_field("updated_at").column)
    with connection.cursor() as cursor:
        # Two subqueries: SQLite answers each from an index at once, but scans every row when
        # the two aggregates share one SELECT.
        cursor.execute(
            f"SELECT (SELECT MAX({column}) FROM {table}), (SELECT COUNT(*) FROM {table})"  # noqa: S608 - no input
        )
        latest, count = cursor.fetchone()
    return f"{latest}/{count}"


def board_get(*, order_id: Any) -> JobOrder:
    return get_or_404(board_list(), pk=order_id)


def order_by_code(*, code: str) -> JobOrder | None:
    """The order with this public code, if the authority approved it; None otherwise (an unknown
    code and a code of an order never approved read the same)."""
    raw = re.sub(r"[^0-9A-Z]", "", (code or "").upper())
    if len(raw) == 10 and raw.startswith("JO"):
        raw = raw[2:]
    if len(raw) != 8:
        return None
    code = f"JO-{raw[:4]}-{raw[4:]}"
    return (
        JobOrder.objects.filter(verification_code=code, state__in=VERIFIABLE_STATES)
        .select_related(*_RELATED)
        .first()
    )


# --- job fairs -------------------------------------------------------------------------------


def fair_list(*, actor: Actor) -> QuerySet[JobFair]:
    return (
        scope_for(actor, Perm.MANAGE_JOB_FAIRS)
        .apply(JobFair.objects.all())
        .select_related("jurisdiction")
    )


def fair_get(*, actor: Actor, fair_id: Any) -> JobFair:
    return get_or_404(fair_list(actor=actor), pk=fair_id)


@dataclass(frozen=True)
class FairFigures:
    employers: int
    vacancies: int
    positions: int
    registrations: int
    shortlisted: int
    placements: int


def _per_fair(queryset: QuerySet, link: str, value: Any) -> Coalesce:
    """`value` (a Count or a Sum) over the rows of `queryset` that `link` ties to the fair of
    the outer query, as a subquery: 0 when there are none."""
    rows = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Coalesce(
        Subquery(rows.annotate(v=value).values("v")[:1], output_field=IntegerField()), 0
    )


def with_figures(fairs: QuerySet[JobFair]) -> QuerySet[JobFair]:
    """Each fair with its figures, in the one query that lists them (a list of fairs would
    otherwise ask five more per fair). Placements are the selections on the fair's vacancies,
    as matching counts them on each order."""
    orders = JobOrder.objects.all()
    return fairs.annotate(
        n_employers=_per_fair(Organisation.objects.all(), "job_fairs", Count("pk")),
        n_vacancies=_per_fair(orders, "fairs", Count("pk")),
        n_positions=_per_fair(orders, "fairs", Sum("positions")),
        n_registrations=_per_fair(FairRegistration.objects.all(), "fair", Count("pk")),
        n_shortlisted=_per_fair(orders, "fairs", Sum("shortlisted_count")),
        n_placements=_per_fair(orders, "fairs", Sum("selected_count")),
    )


def fair_figures(fair: JobFair) -> FairFigures:
    """A fair's figures: from the annotations `with_figures` gave it, else asked for."""
    if not hasattr(fair, "n_employers"):
        fair = with_figures(JobFair.objects.filter(pk=fair.pk)).get()
    return FairFigures(
        employers=fair.n_employers,
        vacancies=fair.n_vacancies,
        positions=fair.n_positions,
        registrations=fair.n_registrations,
        shortlisted=fair.n_shortlisted,
        placements=fair.n_placements,
    )


def fair_public(*, fair_id: Any) -> tuple[JobFair, list[JobOrder]]:
    """Anyone: a fair and the vacancies of it that are on the public board."""
    fair = get_or_404(JobFair.objects.all(), pk=fair_id)
    orders = fair.orders.filter(state=JobOrderState.PUBLISHED).select_related("employer")
    return fair, list(orders.order_by("pk"))
