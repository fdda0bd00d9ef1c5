"""Countries, first-level subdivisions, languages and currencies from pycountry (ISO 3166,
ISO 639, ISO 4217), with names in the user's language from pycountry's own translations.

The lists and names are computed once per language and process and kept: they come from the
files of the installed pycountry package, which change only when the package is upgraded, and
that restarts the process. Building the list of countries translates and sorts 249 names; the
public vacancy board shows it on every page.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from vinculo.core.i18n import current_language
from vinculo.reference.search import fold

# The countries Vínculo serves first: offered at the top of country lists, and the countries
# whose phone numbers people type without their +code.
REGION = ("HN", "GT", "SV", "NI", "CR", "PA", "MX", "DO", "VE", "CO", "BZ", "HT", "CU", "CW")


@cache
def _translator(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _translate(domain: str, text: str, language: str | None) -> str:
    return _translator(domain, language or current_language()).gettext(text)


@dataclass(frozen=True)
class Country:
    code: str
    alpha3: str
    name: str


@dataclass(frozen=True)
class Subdivision:
    code: str
    name: str
    type: str


def country_name(code: str, language: str | None = None) -> str:
    return _country_name(code.upper(), language or current_language())


# Bounded: the codes come from stored records, and a bad one must not grow the cache forever.
@lru_cache(maxsize=4096)
def _country_name(code: str, language: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _translate("iso3166-1", getattr(country, "common_name", country.name), language)


@cache
def _countries(language: str) -> tuple[tuple[Country, str], ...]:
    """Every country with its folded name, in the order of the folded names."""

    found = []
    for country in pycountry.countries:
        item = Country(country.alpha_2, country.alpha_3, country_name(country.alpha_2, language))
        found.append((item, fold(item.name)))
    return tuple(sorted(found, key=lambda pair: pair[1]))


def country_list(*, query: str = "", language: str | None = None) -> list[Country]:

    wanted = fold(query)
    return [
        item
        for item, folded in _countries(language or current_language())
        if not wanted or wanted in folded or wanted == item.code.lower()
    ]


def is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code.upper()) is not None


def subdivision_list(country_code: str, language: str | None = None) -> list[Subdivision]:
    """First-level subdivisions (departments, provinces, states) of a country."""
    return list(_subdivisions(country_code.upper(), language or current_language()))


def subdivision_name(code: str, language: str | None = None) -> str:
    """ "HN-CR" → "Cortés" in the current language; the code itself when it is not one of its
    country's first-level subdivisions (an older code, or a zone a source names)."""
    country = code.split("-", 1)[0]
    for subdivision in _subdivisions(country.upper(), language or current_language()):
        if subdivision.code == code.upper():
            return subdivision.name
    return code


@lru_cache(maxsize=1024)
def _subdivisions(country_code: str, language: str) -> tuple[Subdivision, ...]:
    found = pycountry.subdivisions.get(country_code=country_code) or []
    return tuple(
        sorted(
            (
                Subdivision(s.code, _translate("iso3166-2", s.name, language), s.type)
                for s in found
                if not s.parent_code
            ),
            key=lambda s: s.name,
        )
    )


@dataclass(frozen=True)
class Language:
    code: str
    name: str


@dataclass(frozen=True)
class Currency:
    code: str
    numeric: str
    name: str


def _language(code: str):
    return pycountry.languages.get(alpha_2=code.lower()) or pycountry.languages.get(
        alpha_3=code.lower()
    )


def is_language(code: str) -> bool:
    """ISO 639-1 (two letters) or 639-3 (three, e.g. Papiamento 'pap')."""
    return _language(code) is not None


def language_name(code: str, language: str | None = None) -> str:
    found = _language(code)
    return _translate("iso639-3", found.name, language) if found else code


def language_list(language: str | None = None) -> list[Language]:
    """The languages with a two-letter code, the ones people list on a profile."""
    found = [
        Language(record.alpha_2, _translate("iso639-3", record.name, language))
        for record in pycountry.languages
        if hasattr(record, "alpha_2")
    ]
    return sorted(found, key=lambda item: item.name.casefold())


def is_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code.upper()) is not None


def currency_list(language: str | None = None) -> list[Currency]:
    return sorted(
        (
            Currency(c.alpha_3, c.numeric, _translate("iso4217", c.name, language))
            for c in pycountry.currencies
        ),
        key=lambda c: c.code,
    )
