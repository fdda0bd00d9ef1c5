"""Reads of work-permit applications and permits, scoped to who may see them.

An official sees the cases filed with their jurisdiction and the cases in which their agency
decides a step (a Costa Rican case is shared by the MTSS and the DGME); drafts stay with their
applicant. An applicant (employer or agency staff, or the foreign national) sees the cases of their
own organisation or their own; the employer named by a foreign national's own application sees it
once submitted, and does not act on it. Anything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from vinculo.core.access import get_or_404, scope_for, user_can, user_can_in
from vinculo.core.models import Actor, Organisation, OrganisationKind, VerificationState
from vinculo.core.permissions import ROLE_PERMISSIONS, Perm
from vinculo.linkage.models import CandidatePair, PairStatus
from vinculo.matching.models import Candidacy, CandidacyStatus
from vinculo.matching.ranking import rank_nationals
from vinculo.permits.domain import (
    ApplicationState,
    ClockFigures,
    Facts,
    LabourMarket,
    StepState,
    Workforce,
    clock_figures,
    processing_days,
    stay_end,
)
from vinculo.permits.models import Application, ApplicationDocument, Permit, Step
from vinculo.policy.loader import LoadedPack, pack_get, packs_all
from vinculo.policy.schema import Authorisation, PolicyPack
from vinculo.registry.models import AgencyLicence, DocumentKind, LicenceState, Worker
from vinculo.registry.organisations.domain import licence_public_status

APPLICANT = "applicant"


def own_organisations(actor: Actor) -> set[int]:
    return {
        m.organisation_id
        for m in getattr(actor, "active_memberships", [])
        if m.organisation_id and Perm.APPLY_FOR_PERMITS in ROLE_PERMISSIONS[m.role]
    }


def agency_covers(agency: Organisation, employer: Organisation, today: date) -> bool:
    """An agency files for an employer when a licence of the employer's authority, in force,
    covers the employer's country and sector."""
    for licence in agency.licences.filter(
        state=LicenceState.VALID, jurisdiction_id=employer.jurisdiction_id
    ):
        in_force = (
            licence_public_status(
                state=licence.state,
                valid_from=licence.valid_from,
                valid_to=licence.valid_to,
                today=today,
            )
            == "licensed"
        )
        countries = licence.destination_countries or [employer.country]
        sectors = licence.sectors or [employer.sector]
        if in_force and employer.country in countries and employer.sector in sectors:
            return True
    return False


def employers_for(actor: Actor) -> list[Organisation]:
    """The employers the actor may apply for: their own, and those their agency's licences
    cover, in countries that issue permits through Vínculo."""
    own = Organisation.objects.filter(pk__in=own_organisations(actor)).select_related(
        "jurisdiction"
    )
    employers = [o for o in own if o.kind in (OrganisationKind.EMPLOYER,)]
    agencies = [o for o in own if o.kind == OrganisationKind.RECRUITMENT_AGENCY]
    if agencies:
        today = timezone.localdate()
        jurisdictions = AgencyLicence.objects.filter(
            agency__in=agencies, state=LicenceState.VALID
        ).values("jurisdiction_id")
        for employer in Organisation.objects.filter(
            kind=OrganisationKind.EMPLOYER,
            verification_state=VerificationState.VERIFIED,
            jurisdiction_id__in=jurisdictions,
        ).select_related("jurisdiction"):
            if any(agency_covers(a, employer, today) for a in agencies):
                employers.append(employer)
    return [e for e in employers if pack_for_country(e.jurisdiction.country) is not None]


def agency_for(actor: Actor, employer: Organisation) -> Organisation | None:
    """The actor's agency that files for this employer (None when the actor is its staff)."""
    if employer.pk in own_organisations(actor):
        return None
    today = timezone.localdate()
    return next(
        (
            o
            for o in Organisation.objects.filter(
                pk__in=own_organisations(actor), kind=OrganisationKind.RECRUITMENT_AGENCY
            )
            if agency_covers(o, employer, today)
        ),
        None,
    )


def pack_for_country(country: str) -> LoadedPack | None:
    """The country pack that holds the country's labour-authorisation rules."""
    return next(
        (
            loaded
            for loaded in packs_all().values()
            if loaded.pack.kind == "country"
            and loaded.pack.country == country.upper()
            and loaded.pack.authorisation is not None
        ),
        None,
    )


def employers_verified(country: str = "") -> QuerySet[Organisation]:
    """Verified employers (of one country, when given): those a border kiosk or a foreign
    national's own application may name."""
    employers = Organisation.objects.filter(
        kind=OrganisationKind.EMPLOYER, verification_state=VerificationState.VERIFIED
    )
    if country:
        employers = employers.filter(country=country.upper())
    return employers.select_related("jurisdiction").order_by("name")


def own_worker(actor: Actor) -> Worker | None:
    """The actor's own registry record (not one merged into another), if they have one."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return (
        Worker.objects.filter(user_id=actor.pk, merged_into__isnull=True)
        .prefetch_related("documents")
        .first()
    )


def self_apply_packs(worker: Worker) -> list[LoadedPack]:
    """The packs of the countries where this foreign national may apply for their own permit:
    a category open to them, in a country not their own."""
    return [
        loaded
        for loaded in packs_all().values()
        if loaded.pack.kind == "country"
        and loaded.pack.authorisation is not None
        and loaded.pack.country != worker.nationality
        and loaded.pack.authorisation.categories_for(by_worker=True)
    ]


def self_filed(application: Application) -> bool:
    """Filed by the foreign national themself (the employer it names then only reads it)."""
    return application.worker.user_id is not None and (
        application.worker.user_id == application.filed_by_id
    )


def _applicant_q(actor: Actor) -> Q | None:
    if not user_can(actor, Perm.APPLY_FOR_PERMITS):
        return None
    organisations = own_organisations(actor)
    # A foreign national's own draft is theirs alone until they submit it.
    their_draft = Q(state=ApplicationState.DRAFT, worker__user_id=F("filed_by_id"))
    return ((Q(employer_id__in=organisations) | Q(agency_id__in=organisations)) & ~their_draft) | Q(
        worker__user=actor
    )


def _official_q(actor: Actor) -> Q | None:
    scope = scope_for(actor, Perm.DECIDE_PERMITS)
    if scope.empty:
        return None
    if scope.all:
        return ~Q(state=ApplicationState.DRAFT)
    ids = scope.jurisdiction_ids
    return ~Q(state=ApplicationState.DRAFT) & (
        Q(jurisdiction_id__in=ids) | Q(steps__jurisdiction_id__in=ids)
    )


def application_list(*, actor: Actor) -> QuerySet[Application]:
    parts = [q for q in (_applicant_q(actor), _official_q(actor)) if q is not None]
    if not parts:
        return Application.objects.none()
    where = parts[0]
    for part in parts[1:]:
        where |= part
    ids = Application.objects.filter(where).values("pk")
    return (
        Application.objects.filter(pk__in=ids)
        .select_related("worker", "employer", "jurisdiction", "agency")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.select_related("jurisdiction")))
        .order_by("-created_at")
    )


def application_get(*, actor: Actor, application_id: Any) -> Application:
    return get_or_404(application_list(actor=actor), pk=application_id)


def application_sides(actor: Actor, application: Application) -> frozenset[str]:
    """The applicant's side: staff of the employer or of the agency that filed it, or the
    foreign national themself."""
    if not user_can(actor, Perm.APPLY_FOR_PERMITS):
        return frozenset()
    mine = own_organisations(actor)
    theirs = application.worker.user_id is not None and application.worker.user_id == actor.pk
    own = theirs or (
        not self_filed(application)
        and (
            application.employer_id in mine
            or (application.agency_id is not None and application.agency_id in mine)
        )
    )
    return frozenset({APPLICANT}) if own else frozenset()


def duplicates_open(application: Application) -> list[CandidatePair]:
    """Possible duplicates of the foreign national's registry record still under review (the
    check at registration, or a batch check, proposed them): the deciding officials are told, so
    that no permit goes to one identity while another is in doubt."""
    worker = application.worker_id
    return list(
        CandidatePair.objects.filter(
            Q(worker_a_id=worker) | Q(worker_b_id=worker), status=PairStatus.OPEN
        )
    )


def step_may_decide(actor: Actor, step: Step) -> bool:
    """An official decides only their own agency's step: the permission is checked in the step's
    jurisdiction, never in the case's."""
    return step.state == StepState.OPEN and user_can_in(
        actor, Perm.DECIDE_PERMITS, step.jurisdiction_id
    )


def application_pack(application: Application) -> tuple[PolicyPack, Authorisation]:
    pack = pack_get(application.pack)
    assert pack.authorisation is not None  # an application is only opened on such a pack
    return pack, pack.authorisation


def passport_expiry(application: Application) -> date | None:
    return worker_passport_expiry(application.worker)


def worker_passport_expiry(worker: Worker) -> date | None:
    """The expiry of the worker's latest passport on record (None: no passport)."""
    dates = [
        d.expires_on
        for d in worker.documents.all()
        if d.kind == DocumentKind.PASSPORT and d.expires_on
    ]
    return max(dates) if dates else None


def application_workforce(application: Application) -> Workforce | None:
    values = (
        application.national_workers,
        application.foreign_workers,
        application.national_payroll,
        application.foreign_payroll,
    )
    if any(v is None for v in values):
        return None
    return Workforce(*values)


LABOUR_MARKET_CAP = 100


def labour_market(application: Application) -> LabourMarket | None:
    """The labour-market test where the category asks for it: the matcher's suitable nationals
    for the occupation and the stay, and how many had been offered a job of this occupation on
    one of the employer's job orders (shortlisted, or selected or not)."""
    _pack, auth = application_pack(application)
    category = auth.category(application.category)
    if category is None or not category.labour_market_test:
        return None
    country = application.jurisdiction.country
    ranking = rank_nationals(
        jurisdiction_id=application.jurisdiction_id,
        unit=application.occupation,
        start=application.start_on,
        end=stay_end(application.start_on, application.months),
        country=country,
        k=LABOUR_MARKET_CAP,
    )
    found = [m.worker_id for m in ranking.matches]
    offered = (
        Candidacy.objects.filter(
            worker_id__in=found,
            order__employer_id=application.employer_id,
            order__isco_unit=application.occupation,
        )
        .exclude(status__in=[CandidacyStatus.APPLIED, CandidacyStatus.WITHDRAWN])
        .values("worker_id")
        .distinct()
        .count()
    )
    return LabourMarket(len(found), offered, LABOUR_MARKET_CAP)


def application_facts(application: Application, *, decided_on: date | None = None) -> Facts:
    filed = (application.submitted_at or timezone.now()).date()
    return Facts(
        occupation=application.occupation,
        labour_market=labour_market(application),
        filed_on=filed,
        decided_on=decided_on or timezone.localdate(),
        category=application.category,
        months=application.months,
        start_on=application.start_on,
        birth_date=application.worker.birth_date,
        passport_expires_on=passport_expiry(application),
        salary=application.salary,
        currency=application.currency,
        sector=application.employer.sector,
        employer=application.employer.name,
        employer_tax_id=application.employer.tax_id,
        employer_verified=application.employer.verification_state == "verified",
        employer_open_violations=application.employer.fee_violations_open,
        workforce=application_workforce(application),
    )


def documents_missing(application: Application) -> list[str]:
    _pack, auth = application_pack(application)
    category = auth.category(application.category)
    have = {d.kind for d in application.documents.all()}
    return [code for code in (category.documents if category else []) if code not in have]


def application_document_get(*, actor: Actor, document_id: Any) -> ApplicationDocument:
    visible = application_list(actor=actor).values("pk")
    return get_or_404(
        ApplicationDocument.objects.filter(application__in=visible).select_related("application"),
        pk=document_id,
    )


def _pauses(application: Application) -> list[tuple[date, date | None]]:
    return [
        (r.asked_at.date(), r.answered_at.date() if r.answered_at else None)
        for r in application.requests.all()
    ]


def application_days(application: Application, today: date | None = None) -> int | None:
    """Processing days so far (or to the decision), pauses taken out."""
    if application.submitted_at is None:
        return None
    end = (
        application.decided_at.date() if application.decided_at else (today or timezone.localdate())
    )
    return processing_days(application.submitted_at.date(), end, _pauses(application))


def application_target(application: Application) -> int | None:
    _pack, auth = application_pack(application)
    category = auth.category(application.category)
    return category.target_days if category else None


@dataclass(frozen=True)
class QueueRow:
    step: Step
    application: Application
    days: int
    target: int | None

    @property
    def left(self) -> int | None:
        return None if self.target is None else self.target - self.days

    @property
    def late(self) -> int:
        return -self.left if self.left is not None and self.left < 0 else 0

    @property
    def overdue(self) -> bool:
        return self.left is not None and self.left < 0


def queue(*, actor: Actor) -> list[QueueRow]:
    """The steps the actor's agency has to decide, the most urgent (least time left) first."""
    scope = scope_for(actor, Perm.DECIDE_PERMITS)
    if scope.empty:
        return []
    steps = scope.apply(
        Step.objects.filter(state__in=[StepState.OPEN, StepState.INFO_REQUESTED])
    ).select_related("application__worker", "application__employer", "jurisdiction")
    today = timezone.localdate()
    rows = []
    for step in steps.prefetch_related("application__requests"):
        application = step.application
        rows.append(
            QueueRow(
                step,
                application,
                application_days(application, today) or 0,
                application_target(application),
            )
        )
    return sorted(rows, key=lambda r: (r.left if r.left is not None else 10**6, r.application.pk))


@dataclass(frozen=True)
class CategoryClock:
    pack: str
    category: str
    name: dict[str, str]
    figures: ClockFigures


def clock_by_category(*, actor: Actor) -> list[CategoryClock]:
    """Per category: how many cases were decided, and the median and 90th percentile of their
    processing days (pauses taken out), beside the pack's target."""
    decided = (
        application_list(actor=actor)
        .filter(state__in=[ApplicationState.APPROVED, ApplicationState.REFUSED])
        .prefetch_related("requests")
    )
    days: dict[tuple[str, str], list[int]] = {}
    for application in decided:
        value = application_days(application)
        if value is not None:
            days.setdefault((application.pack, application.category), []).append(value)
    out = []
    for (pack_code, code), values in sorted(days.items()):
        auth = pack_get(pack_code).authorisation
        category = auth.category(code) if auth else None
        out.append(
            CategoryClock(
                pack_code,
                code,
                category.name.model_dump() if category else {"es": code, "en": code},
                clock_figures(values, category.target_days if category else None),
            )
        )
    return out


def permit_list(*, actor: Actor) -> QuerySet[Permit]:
    applications = application_list(actor=actor).values("pk")
    return (
        Permit.objects.filter(application__in=applications)
        .select_related("holder", "employer", "application")
        .order_by("-valid_from", "-pk")
    )


def permit_get(*, actor: Actor, permit_id: Any) -> Permit:
    return get_or_404(permit_list(actor=actor), pk=permit_id)


def permit_public(*, token: str = "", number: str = "") -> Permit | None:
    """A permit by its QR token or its printed number, for the public check."""
    queryset = Permit.objects.select_related("holder", "employer")
    if token:
        return queryset.filter(token=token).first()
    if number:
        return queryset.filter(number__iexact=number.strip()).first()
    return None


def permit_may_decide(actor: Actor, permit: Permit) -> bool:
    return user_can_in(actor, Perm.DECIDE_PERMITS, permit.jurisdiction_id)


def permit_allows_employer_change(permit: Permit) -> bool:
    """A free permit, or one of a scheme whose holders may move between its employers (SITLAM)."""
    category = application_pack(permit.application)[1].category(permit.category)
    return permit.condition == "free" or bool(category and category.change_employer)
