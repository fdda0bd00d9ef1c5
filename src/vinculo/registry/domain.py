"""Pure checks of the values a registry record is made of: phones, identity documents, dates,
yes/no answers, languages, education levels and occupation codes.

Each function takes text as a person typed it (in a form, a CSV cell) and returns the normalised
value, or raises `FieldInvalid` with a stable code and the parameters of its message. No ORM: the
worker registration forms and the bulk import use the same functions, and tests run them alone.
The message is rendered in the reader's language when it is shown (`FieldInvalid.message`), so an
import can store the code and its parameters and show them later in whatever language is active.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

import phonenumbers

from vinculo.core.values import FieldInvalid, fold
from vinculo.reference.countries import is_country, is_language, subdivision_list

# --- names ----------------------------------------------------------------------------------


def name_folded(*parts: str) -> str:
    """A whole name as the worker search compares it: folded, words separated by one space
    ("María  José", "López" → "maria jose lopez"). In names ñ folds to n too: people type
    "Pena" for "Peña" on keyboards without it."""
    return " ".join(fold(" ".join(p for p in parts if p)).split())


def name_words(query: str) -> list[str]:
    """The words of a name search, folded the same way."""
    return name_folded(query).split()


def text_clean(value: str, *, max_length: int, required: bool = False) -> str:
    """Trimmed text, inner runs of spaces collapsed."""
    cleaned = " ".join(str(value or "").split())
    if required and not cleaned:
        raise FieldInvalid("required")
    if len(cleaned) > max_length:
        raise FieldInvalid("too_long", max=max_length)
    return cleaned


# --- countries, subdivisions, phones ----------------------------------------------------------


@lru_cache(maxsize=1024)
def _is_country(code: str) -> bool:
    return is_country(code)


@lru_cache(maxsize=1024)
def _is_language(code: str) -> bool:
    return is_language(code)


def country_code_check(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper case."""
    code = value.strip().upper()
    if len(code) != 2 or not _is_country(code):
        raise FieldInvalid("country_unknown", value=value.strip())
    return code


@cache
def _subdivision_codes(country: str) -> frozenset[str]:
    return frozenset(s.code for s in subdivision_list(country, language="en"))


def subdivision_check(value: str, country: str) -> str:
    """An ISO 3166-2 first-level subdivision of `country`: 'HN-CR' (also written 'hn-cr')."""
    code = value.strip().upper()
    if code not in _subdivision_codes(country.upper()):
        raise FieldInvalid("subdivision_unknown", value=value.strip(), country=country.upper())
    return code


def phone_normalise(number: str, country: str) -> str:
    """A phone number valid in `country` (or written with its own +prefix), in E.164.

    '9456-1234' with country HN gives '+50494561234'.
    """
    text = number.strip()
    try:
        parsed = phonenumbers.parse(text, country.upper())
    except phonenumbers.NumberParseException:
        raise FieldInvalid("phone_invalid", value=text, country=country.upper()) from None
    if not phonenumbers.is_valid_number(parsed):
        raise FieldInvalid("phone_invalid", value=text, country=country.upper())
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- identity documents -----------------------------------------------------------------------

NATIONAL_ID = "national_id"
PASSPORT = "passport"
DOCUMENT_KINDS = (NATIONAL_ID, PASSPORT)

_NOT_ALNUM = re.compile(r"[^0-9A-ZÑ]")
CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
NI_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXY"
_CURP = re.compile(r"^[A-Z][AEIOUX][A-Z]{2}(\d{6})[HMX][A-Z]{2}[B-DF-HJ-NP-TV-ZÑ]{3}[0-9A-Z]\d$")


@dataclass(frozen=True)
class DocumentFormat:
    """How a national identity document of one country is written."""

    name: str  # shown in messages: "DNI (Honduras)"
    expected: str  # shown in messages: "0801-1990-12345 (13 digits)"
    pattern: re.Pattern[str]  # over the number without spaces, dashes or dots
    check: Any = None  # (compact number) -> bool
    display: Any = None  # (compact number) -> str


def _gt_cui_check(digits: str) -> bool:
    # RENAP: the ninth digit verifies the first eight (weights 2..9, modulo 11); then the
    # department (01-22) and municipality of registration.
    check = sum(int(d) * (i + 2) for i, d in enumerate(digits[:8])) % 11
    return check == int(digits[8]) and 1 <= int(digits[9:11]) <= 22 and int(digits[11:13]) >= 1


def _sv_dui_check(digits: str) -> bool:
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:8]))
    return (10 - total % 10) % 10 == int(digits[8])


def _ni_cedula_check(compact: str) -> bool:
    day, month, year = int(compact[3:5]), int(compact[5:7]), int(compact[7:9])
    if not _valid_date(1900 + year, month, day):
        return False
    return NI_LETTERS[int(compact[:13]) % 23] == compact[13]


def _curp_check(compact: str) -> bool:
    match = _CURP.match(compact)
    if not match:
        return False
    yy, mm, dd = (int(match.group(1)[i : i + 2]) for i in (0, 2, 4))
    if not _valid_date(2000 + yy, mm, dd):
        return False
    total = sum(CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(compact[:17]))
    return (10 - total % 10) % 10 == int(compact[17])


def _hn_dni_check(digits: str) -> bool:
    # Department (01-18) and municipality of registration, then the year of birth.
    return 1 <= int(digits[:2]) <= 18 and int(digits[2:4]) >= 1 and int(digits[4:8]) >= 1900


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


NATIONAL_ID_FORMATS: dict[str, DocumentFormat] = {
    "HN": DocumentFormat(
        "DNI (Honduras)",
        "0801-1990-12345",
        re.compile(r"^\d{13}$"),
        _hn_dni_check,
        lambda d: f"{d[:4]}-{d[4:8]}-{d[8:]}",
    ),
    "GT": DocumentFormat(
        "CUI/DPI (Guatemala)",
        "2456 78901 0101",
        re.compile(r"^\d{13}$"),
        _gt_cui_check,
        lambda d: f"{d[:4]} {d[4:9]} {d[9:]}",
    ),
    "SV": DocumentFormat(
        "DUI (El Salvador)",
        "04567890-3",
        re.compile(r"^\d{9}$"),
        _sv_dui_check,
        lambda d: f"{d[:8]}-{d[8]}",
    ),
    "NI": DocumentFormat(
        "cédula (Nicaragua)",
        "001-120590-0012A",
        re.compile(r"^\d{13}[A-Z]$"),
        _ni_cedula_check,
        lambda d: f"{d[:3]}-{d[3:9]}-{d[9:]}",
    ),
    "MX": DocumentFormat(
        "CURP (México)",
        "HELM940512MCSRPR09",
        re.compile(r"^[A-ZÑ0-9]{18}$"),
        _curp_check,
    ),
    "CR": DocumentFormat(
        "cédula (Costa Rica)",
        "1-0234-0567",
        re.compile(r"^[1-9]\d{8}$"),
        None,
        lambda d: f"{d[0]}-{d[1:5]}-{d[5:]}",
    ),
    "VE": DocumentFormat(
        "cédula (Venezuela)",
        "V-12345678",
        re.compile(r"^[VE]\d{6,9}$"),
        None,
        lambda d: f"{d[0]}-{d[1:]}",
    ),
}
# Elsewhere: letters and digits, as printed. Passports of every country: the document number of
# the machine-readable zone, at most 9 letters or digits (ICAO Doc 9303, part 4).
GENERIC_NATIONAL_ID = DocumentFormat(
    "national identity document", "A1234567 (4 to 20 letters or digits)", re.compile(r"^.{4,20}$")
)
PASSPORT_FORMAT = DocumentFormat(
    "passport", "E1234567 (5 to 9 letters or digits)", re.compile(r"^[A-Z0-9]{5,9}$")
)


def document_format(kind: str, country: str) -> DocumentFormat:
    if kind == PASSPORT:
        return PASSPORT_FORMAT
    return NATIONAL_ID_FORMATS.get(country.upper(), GENERIC_NATIONAL_ID)


def document_number_check(kind: str, country: str, number: str) -> str:
    """The number of an identity document, checked against the format of its kind and issuing
    country (and its check digit where there is one), in its usual printed form.

    Spaces, dashes and dots are ignored: '0801 1990 12345' gives '0801-1990-12345'.
    """
    if kind not in DOCUMENT_KINDS:
        raise FieldInvalid("document_kind_unknown", value=kind)
    text = number.strip()
    if not text:
        raise FieldInvalid("required")
    compact = _NOT_ALNUM.sub("", unicodedata.normalize("NFC", text.upper()))
    fmt = document_format(kind, country)
    if not fmt.pattern.match(compact):
        raise FieldInvalid("document_format", value=text, document=fmt.name, expected=fmt.expected)
    if fmt.check and not fmt.check(compact):
        raise FieldInvalid("document_check_digit", document=fmt.name)
    return fmt.display(compact) if fmt.display else compact


def document_kind_parse(value: str) -> str:
    kind = fold(value).replace(" ", "_").replace("-", "_")
    aliases = {"dni": NATIONAL_ID, "id": NATIONAL_ID, "cedula": NATIONAL_ID, "pasaporte": PASSPORT}
    kind = aliases.get(kind, kind)
    if kind not in DOCUMENT_KINDS:
        raise FieldInvalid("document_kind_unknown", value=value.strip())
    return kind


# --- dates, yes/no, sex -----------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def date_parse(value: str) -> date:
    """A calendar date written YYYY-MM-DD (ISO 8601), the one form no one reads two ways."""
    text = value.strip()
    match = _ISO_DATE.match(text)
    if not match:
        raise FieldInvalid("date_invalid", value=text)
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise FieldInvalid("date_invalid", value=text) from None


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def availability_check(available_from: date | None, available_to: date | None) -> None:
    """The last day a person is available for work is not before the first."""
    if available_from and available_to and available_to < available_from:
        raise FieldInvalid("available_order")


def birth_date_check(birth: date, *, today: date, min_age: int = 18, max_age: int = 100) -> date:
    """A birth date of an adult: not in the future, at least `min_age`, at most `max_age`."""
    if birth > today:
        raise FieldInvalid("date_in_future")
    age = age_on(birth, today)
    if age < min_age:
        raise FieldInvalid("minor", min_age=min_age)
    if age > max_age:
        raise FieldInvalid("too_old", max_age=max_age)
    return birth


YES = frozenset({"yes", "y", "si", "s", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


def yes_no_parse(value: str) -> bool:
    """yes/no, sí/si/no, true/false, 1/0 in any case, with or without accent."""
    answer = fold(value)
    if answer in YES:
        return True
    if answer in NO:
        return False
    raise FieldInvalid("yes_no_invalid", value=value.strip())


def sex_parse(value: str) -> str:
    sex = value.strip().upper()
    if sex not in ("F", "M", "X"):
        raise FieldInvalid("sex_invalid", value=value.strip())
    return sex


# --- languages and education ------------------------------------------------------------------

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
NATIVE = "native"
_NATIVE_WORDS = frozenset({"native", "nativo", "nativa", "mother tongue", "lengua materna"})


def cefr_level_parse(value: str) -> str:
    """A CEFR level (A1 … C2) or 'native' (also 'nativo', 'lengua materna')."""
    level = fold(value)
    if level in _NATIVE_WORDS:
        return NATIVE
    if level.upper() in CEFR_LEVELS:
        return level.upper()
    raise FieldInvalid("cefr_invalid", value=value.strip())


def language_code_check(value: str) -> str:
    code = value.strip().lower()
    if not 2 <= len(code) <= 3 or not _is_language(code):
        raise FieldInvalid("language_unknown", value=value.strip())
    return code


def _pairs(value: str) -> list[tuple[str, str | None]]:
    pairs = []
    for item in value.split("|"):
        item = item.strip()
        if not item:
            continue
        code, sep, rest = item.partition(":")
        pairs.append((code.strip(), rest.strip() if sep else None))
    return pairs


def languages_parse(value: str) -> list[tuple[str, str]]:
    """'es:native|en:A2' → [('es', 'native'), ('en', 'A2')]."""
    found: dict[str, str] = {}
    for code, level in _pairs(value):
        if level is None:
            raise FieldInvalid("list_item_invalid", value=code)
        language = language_code_check(code)
        if language in found:
            raise FieldInvalid("language_repeated", value=language)
        found[language] = cefr_level_parse(level)
    return list(found.items())


def education_level_parse(value: str) -> str:
    """An ISCED 2011 level, 0 to 8 ('3' or 'ISCED 3')."""
    text = fold(value).removeprefix("isced").strip()
    if len(text) != 1 or text not in "012345678":
        raise FieldInvalid("isced_invalid", value=value.strip())
    return text


# --- occupations ------------------------------------------------------------------------------

MAX_YEARS_EXPERIENCE = 70


@dataclass(frozen=True)
class OccupationClaim:
    """One occupation a person says they have, before it is matched to the reference."""

    kind: str  # "isco" (an ISCO-08 unit group code) or "esco" (an ESCO occupation id)
    code: str
    years: int = 0


def occupation_code_parse(value: str) -> tuple[str, str]:
    """('isco', '7112') for a four-digit ISCO-08 unit group, ('esco', uuid) for an ESCO id."""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return "isco", text
    try:
        return "esco", str(uuid.UUID(text))
    except ValueError:
        raise FieldInvalid("occupation_code_invalid", value=text) from None


def years_parse(value: str, *, maximum: int = MAX_YEARS_EXPERIENCE) -> int:
    text = value.strip()
    if not text.isdigit() or int(text) > maximum:
        raise FieldInvalid("years_invalid", value=text, max=maximum)
    return int(text)


def occupations_parse(value: str) -> list[OccupationClaim]:
    """'7112:5|9211:2' → two claims; years may be left out ('7112' means 0 years)."""
    claims: list[OccupationClaim] = []
    seen: set[str] = set()
    for code, years in _pairs(value):
        kind, normalised = occupation_code_parse(code)
        if normalised in seen:
            raise FieldInvalid("occupation_repeated", value=normalised)
        seen.add(normalised)
        claims.append(OccupationClaim(kind, normalised, years_parse(years) if years else 0))
    return claims


@dataclass(frozen=True)
class OccupationReference:
    """What the resolution needs from the reference data, read once by the caller: the ISCO-08
    unit group of each ESCO occupation, and the unit groups themselves."""

    esco_units: Mapping[str, str] = field(default_factory=dict)
    isco_units: frozenset[str] = field(default_factory=frozenset)


def occupation_resolve(
    claim: OccupationClaim, reference: OccupationReference
) -> tuple[str | None, str]:
    """(ESCO occupation id or None, ISCO-08 unit group) of a claim. A unit group named on its
    own stays a unit group: choosing one of its occupations would record a trade the person
    never named (9211 "crop farm labourers" is not "vineyard operator")."""
    if claim.kind == "esco":
        unit = reference.esco_units.get(claim.code)
        if unit is None:
            raise FieldInvalid("occupation_unknown", value=claim.code)
        return claim.code, unit
    if claim.code not in reference.isco_units:
        raise FieldInvalid("occupation_unknown", value=claim.code)
    return None, claim.code
