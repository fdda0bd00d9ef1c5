"""The policy-pack file format. One TOML file per country or programme; docs/policy-packs.md
describes it for the people who write packs, and `vinculo check` validates every pack.

Every figure carries the legal source that makes it (instrument, article, publication date), so a
decision taken on a pack can always say which law it applied.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from vinculo.reference.countries import is_country, is_currency, is_language


def _country(code: str) -> str:
    if not is_country(code):
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code")
    return code.upper()


def _currency(code: str) -> str:
    if not is_currency(code):
        raise ValueError(f"'{code}' is not an ISO 4217 currency code")
    return code.upper()


def _language(code: str) -> str:
    if not is_language(code):
        raise ValueError(f"'{code}' is not an ISO 639 language code")
    return code.lower()


CountryCode = Annotated[str, AfterValidator(_country)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
LanguageCode = Annotated[str, AfterValidator(_language)]
NonEmpty = Annotated[str, Field(min_length=1)]

Sector = Literal[
    "all",
    "agriculture",
    "agriculture_harvest",
    "fishing",
    "mining",
    "manufacturing",
    "maquila",
    "construction",
    "commerce",
    "services",
    "domestic_work",
    "free_zone",
    "finance",
    "public_sector",
    "tourism",
]
WageBasis = Literal["hour", "day", "month"]
Cost = Literal[
    "recruitment_fee",
    "travel_in",
    "travel_out",
    "visa",
    "permit",
    "medical",
    "insurance",
    "housing",
    "documents",
    "training",
    "local_transport",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(Strict):
    """The same text in Spanish and English (both required), French optional."""

    es: NonEmpty
    en: NonEmpty
    fr: str = ""


class LegalSource(Strict):
    instrument: NonEmpty = Field(description="Law, decree or agreement, with its number")
    article: str = ""
    published: date | None = Field(None, description="Date of adoption or publication")
    gazette: str = Field("", description="Official gazette and issue, where known")
    url: HttpUrl | None = None
    note: Texts | None = Field(
        None, description="What remains to confirm against the official text, in es and en"
    )

    @model_validator(mode="after")
    def _dated(self) -> LegalSource:
        if self.published is None and not self.note:
            raise ValueError("a source without its publication date must say why in 'note'")
        return self

    def cite(self) -> str:
        parts = [
            self.instrument,
            self.article,
            self.gazette or (self.published.isoformat() if self.published else ""),
        ]
        return ", ".join(part for part in parts if part)


class MinimumWage(Strict):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=4)
    currency: CurrencyCode | None = Field(None, description="Defaults to the pack's currency")
    basis: WageBasis
    sector: Sector = "all"
    region: str = Field("", description="ISO 3166-2 code or a zone named in the source")
    company_size: str = Field("", pattern=r"^(\d+-\d+|\d+\+)?$")
    label: Texts
    effective_from: date
    effective_to: date | None = None
    source: LegalSource

    @model_validator(mode="after")
    def _dates(self) -> MinimumWage:
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class PermittedWorkerCost(Strict):
    """A cost the law lets the employer recover from the worker, within a limit."""

    cost: Cost
    limit: Texts
    source: LegalSource


class FeeRule(Strict):
    # The baseline of fair recruitment (ILO General principles and operational guidelines for
    # fair recruitment, 2019, principle 7): workers pay no recruitment fees or related costs.
    recruitment_fees_paid_by: Literal["employer"] = "employer"
    related_costs_paid_by: Literal["employer"] = "employer"
    explain: Texts
    source: LegalSource
    permitted_worker_costs: list[PermittedWorkerCost] = []


MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class HoursRule(Strict):
    """The hours of work a job order of the programme must guarantee: in all, and each week."""

    min_guaranteed_hours: int | None = Field(None, gt=0)
    min_weekly_hours: int | None = Field(None, gt=0)
    source: LegalSource

    @model_validator(mode="after")
    def _some(self) -> HoursRule:
        if self.min_guaranteed_hours is None and self.min_weekly_hours is None:
            raise ValueError("give min_guaranteed_hours, min_weekly_hours or both")
        return self


class DurationRule(Strict):
    """How long a job of the programme lasts, and the part of the year it may fall in."""

    min_weeks: int | None = Field(None, gt=0)
    max_months: int | None = Field(None, gt=0)
    season_from: MonthDay | None = Field(None, description="MM-DD: the earliest start")
    season_to: MonthDay | None = Field(None, description="MM-DD: the latest end")
    source: LegalSource


class StepDeadline(Strict):
    """A placement step to be done within `days` of the day an earlier step was done (e.g. the
    return home within a month of the contract's end)."""

    step: NonEmpty = Field(description="The step to be done, e.g. returned")
    after: NonEmpty = Field(description="Counted from the day this step was done")
    days: int = Field(gt=0, le=730)
    label: Texts
    source: LegalSource


class CarriedStep(Strict):
    """A step of last season a named re-hire on the fast path need not do again while it is
    still valid: done no more than `months` before the new season starts (e.g. a medical exam)."""

    step: NonEmpty
    months: int = Field(gt=0, le=120)
    label: Texts
    source: LegalSource


class PlacementRules(Strict):
    """How the programme's journeys run: the steps it leaves out (beyond those a placement within
    the worker's own country never has), the deadlines between steps, and how long a step done
    last season stays valid for a named re-hire on the fast path. Step codes are those of
    vinculo.placements.domain.Step: a journey refuses a pack that skips an unknown one, and the
    placements' tests hold every shipped pack's deadlines to them."""

    skipped: list[NonEmpty] = Field(default_factory=list)
    skipped_source: LegalSource | None = None
    deadlines: list[StepDeadline] = Field(default_factory=list)
    carried: list[CarriedStep] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sourced(self) -> PlacementRules:
        if self.skipped and self.skipped_source is None:
            raise ValueError("skipped steps need their skipped_source")
        for deadline in self.deadlines:
            if deadline.step == deadline.after:
                raise ValueError(f"deadline of {deadline.step}: counted from itself")
        return self


class CollectiveRule(Strict):
    """Collective hiring: one order must ask for at least this many homogeneous positions."""

    min_positions: int = Field(gt=1)
    source: LegalSource


class NationalityRule(Strict):
    """The nationalities a programme recruits (bilateral agreements). Matching leaves other
    workers out and says why; nationality never enters a score."""

    countries: list[CountryCode] = Field(min_length=1)
    source: LegalSource


class RecruitmentRule(Strict):
    """Who may recruit for a job order: the legal ground for refusing an order from an employer
    the authority has not verified, or filed by an agency without a valid licence."""

    explain: Texts
    source: LegalSource


class Recruitment(Strict):
    employer_verified: RecruitmentRule
    agency_licensed: RecruitmentRule


Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def in_force_on(versions: list[Any], on: date) -> Any | None:
    """The version of a dated rule in force on a date: the latest `effective_from` not after it."""
    started = [v for v in versions if v.effective_from <= on]
    return max(started, key=lambda v: v.effective_from) if started else None


class PermitDocument(Strict):
    """A document an application for a work permit must carry."""

    code: Slug
    name: Texts
    source: LegalSource | None = None


class PermitCategory(Strict):
    """A kind of labour authorisation: how long it lasts, who may apply, the documents it needs,
    the target time to decide it and its source."""

    code: Slug
    name: Texts
    months: list[int] = Field(min_length=1, description="The stays that may be asked for")
    renewable: bool = True
    condition: Literal["free", "restricted"] = Field(
        "restricted", description="free: any employer; restricted: the one employer applied for"
    )
    change_employer: bool = Field(
        False, description="The holder may change employer within the scheme (e.g. SITLAM)"
    )
    applicants: list[Literal["employer", "foreign_national"]] = ["employer"]
    labour_market_test: bool = Field(
        False, description="Nationals are sought first (the pack's labour_market rule)"
    )
    border_posts: list[NonEmpty] = Field(
        [], description="Where officials register workers of this category on a kiosk (SITLAM)"
    )
    documents: list[Slug] = []
    target_days: int = Field(gt=0, description="The target time to decide, in calendar days")
    source: LegalSource


class DecisionStep(Strict):
    """One agency's step of a case. `after` names the steps it waits for (none: it runs in
    parallel); `rules` names the rules it decides on."""

    code: Slug
    name: Texts
    jurisdiction: NonEmpty = Field(description="The code of the deciding authority's jurisdiction")
    after: list[Slug] = []
    rules: list[
        Literal[
            "category",
            "adult",
            "passport",
            "minimum_wage",
            "employer",
            "national_share",
            "labour_market",
        ]
    ]
    source: LegalSource


class NationalShare(Strict):
    """The share of national workers and of the payroll an employer must keep, counting the hire
    applied for (Honduras, Labour Code art. 11). Dated: a new version takes effect on its date."""

    effective_from: date
    min_workers_pct: Decimal = Field(gt=0, le=100)
    min_payroll_pct: Decimal = Field(gt=0, le=100)
    # "filed": an application is decided on the version in force on the day it was filed;
    # "decided": on the version in force on the day it is decided.
    applies_to: Literal["filed", "decided"] = "filed"
    source: LegalSource


class ShareWaiver(Strict):
    """A company's reduced thresholds, granted by the Executive for a term against a training plan
    for national workers."""

    tax_id: NonEmpty
    company: NonEmpty
    resolution: NonEmpty
    valid_from: date
    valid_to: date
    min_workers_pct: Decimal = Field(gt=0, le=100)
    min_payroll_pct: Decimal = Field(gt=0, le=100)

    @model_validator(mode="after")
    def _dates(self) -> ShareWaiver:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class WaiverRule(Strict):
    max_years: int = Field(gt=0)
    max_reduction: Decimal = Field(gt=0)
    reduction_in: Literal["points", "share"] = Field(
        description="points: 90% may fall to 80%; share: 90% may fall by a tenth of itself, to 81%"
    )
    interpretation: Texts
    source: LegalSource


class AgeRule(Strict):
    adult_age: int = Field(gt=0)
    source: LegalSource


class PassportRule(Strict):
    """The passport must stay valid this many days beyond the end of the stay asked for."""

    beyond_days: int = Field(ge=0)
    source: LegalSource


class LabourMarketRule(Strict):
    """A labour-market test: the matcher looks for suitable nationals among the jurisdiction's
    job seekers for the occupation, place and period. It fails when some were available and
    none had been offered the job."""

    explain: Texts
    source: LegalSource


class Authorisation(Strict):
    """Labour authorisation for foreign nationals: the categories, the documents, the agencies
    that decide and the rules they decide on."""

    authority: Texts
    categories: list[PermitCategory] = Field(min_length=1)
    documents: list[PermitDocument] = []
    steps: list[DecisionStep] = Field(min_length=1)
    age: AgeRule
    passport: PassportRule
    national_share: list[NationalShare] = []
    waiver: WaiverRule | None = None
    waivers: list[ShareWaiver] = []
    labour_market: LabourMarketRule | None = None
    notes: Texts | None = None

    @model_validator(mode="after")
    def _references(self) -> Authorisation:
        documents = {d.code for d in self.documents}
        for category in self.categories:
            missing = set(category.documents) - documents
            if missing:
                raise ValueError(
                    f"category {category.code} needs undeclared documents: {sorted(missing)}"
                )
        steps = [s.code for s in self.steps]
        if len(set(steps)) != len(steps):
            raise ValueError("step codes must be unique")
        for step in self.steps:
            unknown = set(step.after) - set(steps[: steps.index(step.code)])
            if unknown:
                raise ValueError(f"step {step.code} waits for steps not before it: {unknown}")
            if "national_share" in step.rules and not self.national_share:
                raise ValueError(f"step {step.code} decides national_share, which has no rule")
            if "labour_market" in step.rules and self.labour_market is None:
                raise ValueError(f"step {step.code} decides labour_market, which has no rule")
        if len({c.code for c in self.categories}) != len(self.categories):
            raise ValueError("category codes must be unique")
        for waiver in self.waivers:
            self._waiver_within_rule(waiver)
        return self

    def _waiver_within_rule(self, waiver: ShareWaiver) -> None:
        rule = self.waiver
        base = in_force_on(self.national_share, waiver.valid_from)
        if rule is None or base is None:
            raise ValueError(f"waiver {waiver.resolution}: the pack has no waiver rule for it")
        if waiver.valid_to.year - waiver.valid_from.year > rule.max_years or (
            waiver.valid_to.year - waiver.valid_from.year == rule.max_years
            and (waiver.valid_to.month, waiver.valid_to.day)
            >= (waiver.valid_from.month, waiver.valid_from.day)
        ):
            raise ValueError(f"waiver {waiver.resolution} is longer than {rule.max_years} years")
        for granted, required in (
            (waiver.min_workers_pct, base.min_workers_pct),
            (waiver.min_payroll_pct, base.min_payroll_pct),
        ):
            if rule.reduction_in == "points":
                floor = required - rule.max_reduction
            else:
                floor = required * (1 - rule.max_reduction / 100)
            if granted < floor:
                raise ValueError(
                    f"waiver {waiver.resolution} lowers {required}% below the {floor}% allowed"
                )

    def categories_for(self, *, by_worker: bool) -> list[PermitCategory]:
        """The categories an applicant may file in: every one for an employer, and for a foreign
        national applying for themself those whose `applicants` name them."""
        return [c for c in self.categories if not by_worker or "foreign_national" in c.applicants]

    def category(self, code: str) -> PermitCategory | None:
        return next((c for c in self.categories if c.code == code), None)

    def document(self, code: str) -> PermitDocument | None:
        return next((d for d in self.documents if d.code == code), None)

    def share_on(self, filed: date, decided: date) -> NationalShare | None:
        """The national-share rule an application filed on `filed` and decided on `decided` is
        held to: the version in force when it was filed, unless the version in force when it is
        decided says it applies to decisions."""
        now = in_force_on(self.national_share, decided)
        if now is not None and now.applies_to == "decided":
            return now
        return in_force_on(self.national_share, filed)

    def waiver_for(self, tax_id: str, on: date) -> ShareWaiver | None:
        return next(
            (
                w
                for w in self.waivers
                if tax_id and w.tax_id == tax_id and w.valid_from <= on <= w.valid_to
            ),
            None,
        )


class PolicyPack(Strict):
    code: str = Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]+){0,2}$")
    kind: Literal["country", "programme"]
    country: CountryCode
    name: Texts
    version: NonEmpty
    effective_from: date
    currency: CurrencyCode
    languages: list[LanguageCode] = Field(min_length=1)
    minimum_wages: list[MinimumWage] = Field(min_length=1)
    fees: FeeRule
    # Job orders (programme packs): each rule applies only where the pack has it.
    hours: HoursRule | None = None
    duration: DurationRule | None = None
    collective: CollectiveRule | None = None
    nationalities: NationalityRule | None = None
    # Country packs of the authorities that approve job orders.
    recruitment: Recruitment | None = None
    # Country packs of the authorities that issue work permits to foreign nationals.
    authorisation: Authorisation | None = None
    placement: PlacementRules | None = None
    notes: Texts | None = None

    @model_validator(mode="after")
    def _codes(self) -> PolicyPack:
        if not self.code.startswith(self.country):
            raise ValueError(f"code {self.code} must start with the country code {self.country}")
        return self

    def wage_currency(self, wage: MinimumWage) -> str:
        return wage.currency or self.currency


def json_schema() -> dict[str, Any]:
    return PolicyPack.model_json_schema()
