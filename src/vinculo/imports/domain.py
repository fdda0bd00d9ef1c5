"""The three column layouts of a registry import and the pure checks of one row against them.

A row goes in as {column: text}; out comes a record ready to write, or the list of every problem
in it as (column, code, params), so that the report names each bad cell and renders its message
in the reader's language later (`vinculo.core.values.message_for`). No ORM here: the service
reads what the checks need from the database once (`OccupationReference`) and passes it in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from vinculo.core.values import FieldInvalid, message_for
from vinculo.registry import domain as rules
from vinculo.registry.domain import OccupationReference


class Kind:
    WORKERS = "workers"
    EMPLOYERS = "employers"
    AGENCIES = "agencies"


# Messages of the import's own codes, beside the field codes of vinculo.registry.domain.
MESSAGES: dict[str, Any] = {
    "column_missing": _("The required column %(column)s is missing from the first row."),
    "column_unknown": _("The column %(column)s is not part of this layout."),
    "column_repeated": _("The column %(column)s appears twice."),
    "file_empty": _("The file has no header row."),
    "duplicate_in_file": _("Same %(key)s as row %(row)s."),
    "licence_taken": _("The licence number %(value)s belongs to another agency."),
    "sector_unknown": _("«%(value)s» is not a sector code (%(choices)s)."),
    "licence_state_unknown": _("«%(value)s» is not a licence state (%(choices)s)."),
    "establishment_name_required": _("Name the establishment to give its place."),
}

KEY_LABELS: dict[str, Any] = {
    "document": _("document"),
    "tax_id": _("tax ID"),
    "licence": _("licence number"),
}


def error_message(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message of a stored row error, in the active language."""
    values = dict(params or {})
    if code == "duplicate_in_file" and values.get("key") in KEY_LABELS:
        values["key"] = str(KEY_LABELS[values["key"]])
    return message_for(code, values, extra=MESSAGES)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    format: Any  # a lazy translatable description
    example: str


SECTOR_CODES = (
    "agriculture",
    "food_processing",
    "fishing",
    "manufacturing",
    "maquila",
    "construction",
    "hospitality",
    "care",
    "domestic_work",
    "transport",
    "services",
    "other",
)
LICENCE_STATES = ("applied", "valid", "suspended", "cancelled", "delisted")

_DATE = _("date YYYY-MM-DD")
_YES_NO = _("yes or no (also sí, si, true, false, 1, 0)")
_COUNTRY = _("ISO 3166-1 two-letter country code")

LAYOUTS: dict[str, list[Column]] = {
    Kind.WORKERS: [
        Column("given_names", True, _("text, up to 150 characters"), "María José"),
        Column("first_surname", True, _("text, up to 100 characters"), "Hernández"),
        Column("second_surname", False, _("text, up to 100 characters"), "López"),
        Column("sex", True, _("F, M or X (other or not stated)"), "F"),
        Column(
            "birth_date", True, _("date YYYY-MM-DD; the person must be 18 or older"), "1994-05-12"
        ),
        Column("nationality", True, _COUNTRY, "HN"),
        Column("document_kind", True, _("national_id or passport"), "national_id"),
        Column(
            "document_number",
            True,
            _("as printed; checked against the format of the issuing country"),
            "0501-1994-04417",
        ),
        Column("document_country", False, _("issuing country; empty means the nationality"), "HN"),
        Column("document_expiry", False, _DATE, ""),
        Column(
            "phone",
            False,
            _("phone number valid in the country of residence (or written with +code)"),
            "9456-1234",
        ),
        Column("residence_country", False, _("country code; empty means the nationality"), "HN"),
        Column("subdivision", False, _("ISO 3166-2 department or state code"), "HN-CR"),
        Column("municipality", False, _("text, up to 120 characters"), "Choloma"),
        Column(
            "occupations",
            False,
            _("ISCO-08 unit code or ESCO occupation id, colon, years of experience; | between"),
            "9211:6|6111:3",
        ),
        Column(
            "languages",
            False,
            _("ISO 639 code, colon, CEFR level A1 to C2 or native; | between"),
            "es:native|en:A2",
        ),
        Column("education_level", False, _("ISCED 2011 level, 0 to 8"), "2"),
        Column("available_from", False, _DATE, "2026-01-15"),
        Column(
            "available_to", False, _("date YYYY-MM-DD, not before available_from"), "2026-12-15"
        ),
        Column("relocate_within_country", False, _YES_NO, "yes"),
        Column("work_abroad", False, _YES_NO, "yes"),
        Column(
            "consent_matching",
            False,
            _("yes records the worker's consent to be matched with vacancies"),
            "yes",
        ),
    ],
    Kind.EMPLOYERS: [
        Column("name", True, _("text, up to 255 characters"), "Agroexportadora del Valle S.A."),
        Column("country", True, _COUNTRY, "HN"),
        Column(
            "tax_id", True, _("tax number (RTN, NIT...), unique in its country"), "08019015123456"
        ),
        Column(
            "sector", False, _("sector code, e.g. agriculture, construction, care"), "agriculture"
        ),
        Column("city", False, _("text, up to 120 characters"), "San Pedro Sula"),
        Column("establishment_name", False, _("a workplace of the employer"), "Finca El Paraíso"),
        Column("establishment_subdivision", False, _("ISO 3166-2 code, in the country"), "HN-CR"),
        Column("establishment_municipality", False, _("text, up to 120 characters"), "Choloma"),
    ],
    Kind.AGENCIES: [
        Column("name", True, _("text, up to 255 characters"), "Reclutamiento Confiable S. de R.L."),
        Column("country", True, _COUNTRY, "HN"),
        Column(
            "tax_id", True, _("tax number (RTN, NIT...), unique in its country"), "08019018654321"
        ),
        Column("city", False, _("text, up to 120 characters"), "Tegucigalpa"),
        Column("licence_number", True, _("up to 40 characters, unique"), "HN-STSS-AG-2025-0101"),
        Column(
            "licence_state",
            False,
            _("applied (empty), valid, suspended, cancelled or delisted"),
            "valid",
        ),
        Column("destination_countries", False, _("country codes; | between"), "CA|ES"),
        Column("sectors", False, _("sector codes; | between"), "agriculture|construction"),
        Column("valid_from", False, _DATE, "2025-01-01"),
        Column("valid_to", False, _("date YYYY-MM-DD, not before valid_from"), "2027-12-31"),
    ],
}


def column_names(kind: str) -> list[str]:
    return [c.name for c in LAYOUTS[kind]]


def header_check(kind: str, header: list[str]) -> tuple[list[str], list[tuple[str, str, dict]]]:
    """The header row's column names (trimmed, lower case) and its problems: a missing required
    column, an unknown one (a typo would lose a whole column silently), or one given twice."""
    names = [str(h or "").strip().lower() for h in header]
    while names and not names[-1]:
        names.pop()  # spreadsheets often carry empty trailing cells
    if not names:
        return names, [("", "file_empty", {})]
    problems: list[tuple[str, str, dict]] = []
    known = set(column_names(kind))
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append((name, "column_repeated", {"column": name}))
        elif name not in known:
            problems.append((name, "column_unknown", {"column": name or "''"}))
        seen.add(name)
    for column in LAYOUTS[kind]:
        if column.required and column.name not in seen:
            problems.append((column.name, "column_missing", {"column": column.name}))
    return names, problems


# --- rows -------------------------------------------------------------------------------------


@dataclass
class RowCheck:
    """Reads the cells of one row, collecting every problem instead of stopping at the first."""

    cells: Mapping[str, str]
    errors: list[tuple[str, str, dict]] = field(default_factory=list)

    def text(self, column: str) -> str:
        return str(self.cells.get(column) or "").strip()

    def get(self, column: str, parse: Callable[[str], Any], *, required: bool = False) -> Any:
        value = self.text(column)
        if not value:
            if required:
                self.errors.append((column, "required", {}))
            return None
        try:
            return parse(value)
        except FieldInvalid as error:
            self.errors.append((column, error.code, error.params))
            return None

    def fail(self, column: str, code: str, **params: Any) -> None:
        self.errors.append((column, code, params))


@dataclass(frozen=True)
class WorkerRecord:
    given_names: str
    first_surname: str
    second_surname: str
    sex: str
    birth_date: date
    nationality: str
    document_kind: str
    document_number: str
    document_country: str
    document_expiry: date | None
    phone: str
    residence_country: str
    subdivision: str
    municipality: str
    occupations: list[tuple[str | None, str, int]]  # (ESCO id or None, ISCO unit, years)
    languages: list[tuple[str, str]]
    education_level: str
    available_from: date | None
    available_to: date | None
    relocate_within_country: bool
    work_abroad: bool
    consent_matching: bool


def _text(max_length: int) -> Callable[[str], str]:
    return lambda value: rules.text_clean(value, max_length=max_length)


def worker_row_parse(
    cells: Mapping[str, str], *, today: date, occupations: OccupationReference
) -> tuple[WorkerRecord | None, list[tuple[str, str, dict]]]:
    row = RowCheck(cells)
    given = row.get("given_names", _text(150), required=True)
    first = row.get("first_surname", _text(100), required=True)
    second = row.get("second_surname", _text(100)) or ""
    sex = row.get("sex", rules.sex_parse, required=True)
    birth = row.get(
        "birth_date",
        lambda v: rules.birth_date_check(rules.date_parse(v), today=today),
        required=True,
    )
    nationality = row.get("nationality", rules.country_code_check, required=True)
    kind = row.get("document_kind", rules.document_kind_parse, required=True)
    doc_country = row.get("document_country", rules.country_code_check) or nationality
    number = None
    if kind and doc_country:
        number = row.get(
            "document_number",
            lambda v: rules.document_number_check(kind, doc_country, v),
            required=True,
        )
    elif not row.text("document_number"):
        row.fail("document_number", "required")
    expiry = row.get("document_expiry", rules.date_parse)
    # An empty column means the worker lives in the country of their nationality (README).
    residence = row.get("residence_country", rules.country_code_check) or nationality or ""
    home = residence
    phone = subdivision = ""
    if home:
        phone = row.get("phone", lambda v: rules.phone_normalise(v, home)) or ""
        subdivision = row.get("subdivision", lambda v: rules.subdivision_check(v, home)) or ""
    municipality = row.get("municipality", _text(120)) or ""

    def occupations_resolve(value: str) -> list[tuple[str | None, str, int]]:
        claims = rules.occupations_parse(value)
        return [(*rules.occupation_resolve(c, occupations), c.years) for c in claims]

    jobs = row.get("occupations", occupations_resolve) or []
    languages = row.get("languages", rules.languages_parse) or []
    education = row.get("education_level", rules.education_level_parse) or ""
    available_from = row.get("available_from", rules.date_parse)
    available_to = row.get("available_to", rules.date_parse)
    if available_from and available_to and available_to < available_from:
        row.fail("available_to", "date_order", other=available_from.isoformat())
    relocate = row.get("relocate_within_country", rules.yes_no_parse) or False
    abroad = row.get("work_abroad", rules.yes_no_parse) or False
    consent = row.get("consent_matching", rules.yes_no_parse) or False
    if row.errors:
        return None, row.errors
    return (
        WorkerRecord(
            given_names=given,
            first_surname=first,
            second_surname=second,
            sex=sex,
            birth_date=birth,
            nationality=nationality,
            document_kind=kind,
            document_number=number,
            document_country=doc_country,
            document_expiry=expiry,
            phone=phone,
            residence_country=residence,
            subdivision=subdivision,
            municipality=municipality,
            occupations=jobs,
            languages=languages,
            education_level=education,
            available_from=available_from,
            available_to=available_to,
            relocate_within_country=relocate,
            work_abroad=abroad,
            consent_matching=consent,
        ),
        [],
    )


def tax_id_normalise(value: str) -> str:
    """Trimmed, upper case, inner spaces removed: the form organisations are keyed on."""
    return "".join(value.split()).upper()


def _tax_id(value: str) -> str:
    normalised = tax_id_normalise(value)
    if len(normalised) > 50:
        raise FieldInvalid("too_long", max=50)
    return normalised


def _sector(value: str) -> str:
    code = value.strip().lower()
    if code not in SECTOR_CODES:
        raise FieldInvalid("sector_unknown", value=value.strip(), choices=", ".join(SECTOR_CODES))
    return code


def _codes(parse: Callable[[str], str]) -> Callable[[str], list[str]]:
    def parse_all(value: str) -> list[str]:
        found: list[str] = []
        for item in value.split("|"):
            if item.strip():
                code = parse(item)
                if code not in found:
                    found.append(code)
        return found

    return parse_all


@dataclass(frozen=True)
class EmployerRecord:
    name: str
    country: str
    tax_id: str
    sector: str
    city: str
    establishment_name: str
    establishment_subdivision: str
    establishment_municipality: str


def employer_row_parse(
    cells: Mapping[str, str], **context: Any
) -> tuple[EmployerRecord | None, list[tuple[str, str, dict]]]:
    row = RowCheck(cells)
    name = row.get("name", _text(255), required=True)
    country = row.get("country", rules.country_code_check, required=True)
    tax_id = row.get("tax_id", _tax_id, required=True)
    sector = row.get("sector", _sector) or ""
    city = row.get("city", _text(120)) or ""
    place = row.get("establishment_name", _text(200)) or ""
    subdivision = ""
    if country:
        subdivision = (
            row.get("establishment_subdivision", lambda v: rules.subdivision_check(v, country))
            or ""
        )
    municipality = row.get("establishment_municipality", _text(120)) or ""
    if not place and (subdivision or municipality):
        row.fail("establishment_name", "establishment_name_required")
    if row.errors:
        return None, row.errors
    return EmployerRecord(name, country, tax_id, sector, city, place, subdivision, municipality), []


@dataclass(frozen=True)
class AgencyRecord:
    name: str
    country: str
    tax_id: str
    city: str
    licence_number: str
    licence_state: str
    destination_countries: list[str]
    sectors: list[str]
    valid_from: date | None
    valid_to: date | None


def _licence_state(value: str) -> str:
    state = value.strip().lower()
    if state not in LICENCE_STATES:
        raise FieldInvalid(
            "licence_state_unknown", value=value.strip(), choices=", ".join(LICENCE_STATES)
        )
    return state


def _licence_number(value: str) -> str:
    return rules.text_clean(value, max_length=40).upper()


def agency_row_parse(
    cells: Mapping[str, str], **context: Any
) -> tuple[AgencyRecord | None, list[tuple[str, str, dict]]]:
    row = RowCheck(cells)
    name = row.get("name", _text(255), required=True)
    country = row.get("country", rules.country_code_check, required=True)
    tax_id = row.get("tax_id", _tax_id, required=True)
    city = row.get("city", _text(120)) or ""
    number = row.get("licence_number", _licence_number, required=True)
    state = row.get("licence_state", _licence_state) or "applied"
    destinations = row.get("destination_countries", _codes(rules.country_code_check)) or []
    sectors = row.get("sectors", _codes(_sector)) or []
    valid_from = row.get("valid_from", rules.date_parse)
    valid_to = row.get("valid_to", rules.date_parse)
    if valid_from and valid_to and valid_to < valid_from:
        row.fail("valid_to", "date_order", other=valid_from.isoformat())
    if row.errors:
        return None, row.errors
    return (
        AgencyRecord(
            name, country, tax_id, city, number, state, destinations, sectors, valid_from, valid_to
        ),
        [],
    )


ROW_PARSERS: dict[str, Callable[..., tuple[Any, list[tuple[str, str, dict]]]]] = {
    Kind.WORKERS: worker_row_parse,
    Kind.EMPLOYERS: employer_row_parse,
    Kind.AGENCIES: agency_row_parse,
}


# --- parsing rows in batches -------------------------------------------------------------------

Parsed = tuple[int, Any, list[tuple[str, str, dict]]]  # (row number, record or None, errors)


def rows_parse(
    kind: str, names: list[str], chunk: list[tuple[int, list]], context: Mapping[str, Any]
) -> tuple[list[Parsed], int]:
    """Check one batch of rows: each row's record (None when it has errors) and its errors, and
    how many rows were blank (skipped, not errors)."""
    parse = ROW_PARSERS[kind]
    parsed: list[Parsed] = []
    blank = 0
    for number, values in chunk:
        cells = dict(zip(names, values, strict=False))
        if not any(str(v).strip() for v in cells.values()):
            blank += 1
            continue
        record, errors = parse(cells, **context)
        parsed.append((number, record, errors))
    return parsed, blank


@dataclass
class Item:
    """One parsed row of a batch: its number, its record (None if bad), its problems, the
    natural keys it is identified by, as (label, key), and column values worked out beside them
    (a worker's sealed document number). Plain data, kept with the checks that fill it: the
    batch pipeline, the writers and the bulk SQL all pass it along, so it lives below all three."""

    row: int
    record: Any
    errors: list[tuple[str, str, dict]]
    keys: list[tuple[str, str]] = field(default_factory=list)
    prepared: dict[str, Any] = field(default_factory=dict)
