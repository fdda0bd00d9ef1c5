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
