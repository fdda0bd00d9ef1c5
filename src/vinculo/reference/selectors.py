"""Reads of reference data. Reference data is public: no actor scoping applies."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from vinculo.core.i18n import current_language, pick
from vinculo.reference.countries import country_name
from vinculo.reference.data import esco_release, regional_terms
from vinculo.reference.models import IscoGroup, Occupation
from vinculo.reference.search import Entry, Hit, OccupationIndex

LATIN_AMERICA = "419"  # UN M49 region code, as in the language tag es-419
_index: OccupationIndex | None = None
_index_lock = threading.Lock()


def occupation_index() -> OccupationIndex:
    """One index per process, built on first use from the shipped files (~0.5 s), then shared by
    every thread of that process."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                data = esco_release()
                entries = [
                    Entry("isco", g["code"], g["code"], g["title"]) for g in data["isco_groups"]
                ]
                entries += [
                    Entry("occupation", o["id"], o["isco"], o["label"], o["alt"])
                    for o in data["occupations"]
                ]
                _index = OccupationIndex(entries, regional_terms())
    return _index


@dataclass(frozen=True)
class OccupationResult:
    kind: str
    key: str
    isco_code: str
    label: str
    isco_title: str
    matched_label: str
    score: float
    # Set when the query matched a Latin American title of the regional vocabulary.
    regional_term: str = ""
    regional_countries: tuple[str, ...] = ()
    regional_source: str = ""
    # Where the regional term is used, in the asked language: "Honduras, Guatemala".
    regional_where: str = ""


def _region_names(codes: tuple[str, ...], language: str) -> str:
    with translation.override(language):
        return ", ".join(
            str(_("Latin America")) if code == LATIN_AMERICA else country_name(code, language)
            for code in codes
        )


@cache
def _isco_titles() -> dict[str, dict[str, str]]:
    return {g["code"]: g["title"] for g in esco_release()["isco_groups"]}


def occupation_search(
    *, query: str, limit: int = 10, language: str | None = None
) -> list[OccupationResult]:
    language = language or current_language()
    titles = _isco_titles()
    hits: list[Hit] = occupation_index().search(query, limit=limit)
    return [
        OccupationResult(
            kind=hit.entry.kind,
            key=hit.entry.key,
            isco_code=hit.entry.isco,
            label=pick(hit.entry.label, language),
            isco_title=pick(titles[hit.entry.isco], language),
            matched_label=hit.matched,
            score=hit.score,
            regional_term=hit.matched if hit.regional else "",
            regional_countries=hit.regional.countries if hit.regional else (),
            regional_source=hit.regional.source if hit.regional else "",
            regional_where=_region_names(hit.regional.countries, language) if hit.regional else "",
        )
        for hit in hits
    ]


def occupation_list(*, isco_prefix: str = "") -> QuerySet[Occupation]:
    occupations = Occupation.objects.select_related("isco_group")
    if isco_prefix:
        occupations = occupations.filter(isco_group__code__startswith=isco_prefix)
    return occupations.order_by("isco_group_id", "label_en")


def isco_group_list(*, level: int | None = None, parent: str = "") -> QuerySet[IscoGroup]:
    groups = IscoGroup.objects.all()
    if parent:
        groups = groups.filter(parent_id=parent)
    if level:
        groups = groups.filter(code__regex=rf"^\d{{{level}}}$")
    return groups.order_by("code")
