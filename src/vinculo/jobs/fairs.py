"""Job fairs: the event, its employers and vacancies, the kiosk that registers workers on site,
and its figures (registrations, shortlisted, placements). Scoped to the organisers'
jurisdictions: another jurisdiction's fair is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import NotAllowed, ValidationFailed
from vinculo.core.models import Jurisdiction
from vinculo.core.permissions import Perm
from vinculo.core.selectors import jurisdiction_pick
from vinculo.core.services import audit_record
from vinculo.core.values import FieldInvalid
from vinculo.jobs.models import FairRegistration, JobFair, JobOrder, JobOrderState
from vinculo.reference.countries import country_name, is_country
from vinculo.registry.domain import subdivision_check
from vinculo.registry.models import RegistrationChannel
from vinculo.registry.services import WorkerInput, worker_register

WHICH_JURISDICTION = _("Say which authority organises the fair.")
DATES_REVERSED = _("The last day is before the first.")
# A fair is where its authority recruits: a Honduran official organises fairs in Honduras.
COUNTRY_NOT_JURISDICTIONS = _("A fair of %(authority)s takes place in %(country)s.")
STARTS_IN_THE_PAST = _("The first day has passed: a new fair starts today or later.")
ORDER_NOT_OPEN = _(
    "Only approved or published job orders of the fair's authority can be offered at it."
)
WORKER_UNKNOWN = _("No worker of the fair's authority has this registration number.")
NOT_ALLOWED = _("You may not organise job fairs.")
FAIR_ORDER_STATES = (JobOrderState.APPROVED, JobOrderState.PUBLISHED, JobOrderState.FILLED)


def fair_list(*, actor: Any) -> QuerySet[JobFair]:
    return (
        scope_for(actor, Perm.MANAGE_JOB_FAIRS)
        .apply(JobFair.objects.all())
        .select_related("jurisdiction")
    )


def fair_get(*, actor: Any, fair_id: Any) -> JobFair:
    return get_or_404(fair_list(actor=actor), pk=fair_id)


@dataclass(frozen=True)
class FairValues:
    name: str
    country: str
    subdivision: str
    municipality: str
    venue: str
    starts_on: date
    ends_on: date


def _clean(values: FairValues, *, jurisdiction: Jurisdiction) -> FairValues:
    name = " ".join(values.name.split())
    if not name:
        raise ValidationFailed(_("This value is required."), code="required", field="name")
    country = values.country.strip().upper()
    if not is_country(country):
        raise ValidationFailed(_("Choose a country."), code="invalid", field="country")
    if country != jurisdiction.country:
        raise ValidationFailed(
            COUNTRY_NOT_JURISDICTIONS
            % {"authority": jurisdiction.name, "country": country_name(jurisdiction.country)},
            code="country_not_jurisdictions",
            field="country",
        )
    subdivision = values.subdivision.strip()
    try:
        subdivision = subdivision_check(subdivision, country) if subdivision else ""
    except FieldInvalid as error:
        raise ValidationFailed(error.message, code=error.code, field="subdivision") from None
    # The organiser's today: a fair dated before it is a typing error, not an event to plan.
    if values.starts_on < timezone.localdate():
        raise ValidationFailed(STARTS_IN_THE_PAST, code="date_past", field="starts_on")
    if values.ends_on < values.starts_on:
        raise ValidationFailed(DATES_REVERSED, code="date_order", field="ends_on")
    return FairValues(
        name,
        country,
        subdivision,
        " ".join(values.municipality.split()),
        values.venue.strip(),
        values.starts_on,
        values.ends_on,
    )


@transaction.atomic
def fair_create(*, actor: Any, values: FairValues, jurisdiction: Any = None) -> JobFair:
    if not actor.can(Perm.MANAGE_JOB_FAIRS):
        raise NotAllowed(NOT_ALLOWED)
    chosen = jurisdiction_pick(
        actor=actor, perm=Perm.MANAGE_JOB_FAIRS, value=jurisdiction, message=WHICH_JURISDICTION
    )
    clean = _clean(values, jurisdiction=chosen)
    fair = JobFair.objects.create(jurisdiction=chosen, created_by=actor, **clean.__dict__)
    audit_record(verb=AuditVerb.JOB_FAIR_CREATED, actor=actor, obj=fair, after={"name": fair.name})
    return fair


@transaction.atomic
def fair_offer(*, actor: Any, fair_id: Any, order_ids: list[Any]) -> JobFair:
    """Offer job orders at the fair; their employers join the fair's employers."""
    fair = fair_get(actor=actor, fair_id=fair_id)
    orders = list(
        JobOrder.objects.filter(
            pk__in=order_ids, jurisdiction_id=fair.jurisdiction_id, state__in=FAIR_ORDER_STATES
        )
    )
    if len(orders) != len(set(order_ids)):
        raise ValidationFailed(ORDER_NOT_OPEN, code="order_not_open", field="orders")
    fair.orders.add(*orders)
    fair.employers.add(*{o.employer_id for o in orders})
    audit_record(
        verb=AuditVerb.JOB_FAIR_CHANGED,
        actor=actor,
        obj=fair,
        after={"orders": [o.pk for o in orders]},
    )
    return fair


def _counted(*, actor: Any, fair: JobFair, worker: Any) -> FairRegistration:
    """The worker counted among the fair's registrations (once), audited on the fair."""
    registration, _created = FairRegistration.objects.get_or_create(fair=fair, worker=worker)
    audit_record(
        verb=AuditVerb.JOB_FAIR_CHANGED,
        actor=actor,
        obj=fair,
        after={"registered": worker.registration_number},
    )
    return registration


@transaction.atomic
def fair_worker_register(
    *, actor: Any, fair_id: Any, data: WorkerInput, unlike: tuple[str, ...] = ()
) -> Any:
    """Register someone at the fair's kiosk: a registration in the fair's authority, made at a
    fair, and counted for the fair, all of it or nothing. The registration passes every check of
    the desk (`registry.services.worker_register`)."""
    fair = fair_get(actor=actor, fair_id=fair_id)
    worker = worker_register(
        data=data,
        jurisdiction=fair.jurisdiction,
        channel=RegistrationChannel.FAIR,
        actor=actor,
        unlike=unlike,
    )
    _counted(actor=actor, fair=fair, worker=worker)
    return worker


@transaction.atomic
def fair_register_number(*, actor: Any, fair_id: Any, registration_number: str) -> FairRegistration:
    """Count a worker already registered, met at the fair, by the number on their card. The
    worker must be one of the fair's authority that the actor may see; counted once."""
    from vinculo.registry.selectors import worker_list

    fair = fair_get(actor=actor, fair_id=fair_id)
    worker = (
        worker_list(actor=actor)
        .filter(
            jurisdiction_id=fair.jurisdiction_id,
            registration_number=registration_number.strip().upper(),
        )
        .first()
    )
    if worker is None:
        raise ValidationFailed(WORKER_UNKNOWN, code="worker_unknown", field="worker")
    return _counted(actor=actor, fair=fair, worker=worker)


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
    otherwise ask five more per fair). Placements are the selections on the fair's vacancies."""
    from vinculo.core.models import Organisation
    from vinculo.matching.models import Candidacy, CandidacyStatus

    seen = (CandidacyStatus.SHORTLISTED, CandidacyStatus.SELECTED, CandidacyStatus.NOT_SELECTED)
    candidacies = Candidacy.objects.all()
    return fairs.annotate(
        n_employers=_per_fair(Organisation.objects.all(), "job_fairs", Count("pk")),
        n_vacancies=_per_fair(JobOrder.objects.all(), "fairs", Count("pk")),
        n_positions=_per_fair(JobOrder.objects.all(), "fairs", Sum("positions")),
        n_registrations=_per_fair(FairRegistration.objects.all(), "fair", Count("pk")),
        n_shortlisted=_per_fair(candidacies.filter(status__in=seen), "order__fairs", Count("pk")),
        n_placements=_per_fair(
            candidacies.filter(status=CandidacyStatus.SELECTED), "order__fairs", Count("pk")
        ),
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
