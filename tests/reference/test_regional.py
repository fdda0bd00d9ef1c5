"""The regional vocabulary (data/regional_occupations.csv) and the search that uses it.

The vocabulary is reference data officials rely on: these tests check every entry against the
ISCO-08 groups shipped with ESCO, and check by hand-written expectations that common titles land
in the right ISCO major group."""

from __future__ import annotations

from collections import defaultdict

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vinculo.reference.data import esco_release, regional_terms
from vinculo.reference.search import (
    Entry,
    OccupationIndex,
    RegionalTerm,
    fold,
    fold_accents,
    tokens,
)
from vinculo.reference.selectors import LATIN_AMERICA, occupation_search

UNIT_GROUPS = {g["code"] for g in esco_release()["isco_groups"] if len(g["code"]) == 4}
# A new kind of source (a national classification) is a deliberate change to this set, made by
# someone who checked the entries against that classification: never a guess.
KNOWN_SOURCES = {"regional usage"}


def test_the_vocabulary_has_hundreds_of_entries():
    assert len(regional_terms()) >= 300


@pytest.mark.parametrize("term", regional_terms(), ids=lambda t: t.masculine)
def test_every_entry_names_an_existing_unit_group_countries_and_a_source(term):
    assert term.isco in UNIT_GROUPS
    assert term.masculine and term.feminine
    assert term.countries
    for code in term.countries:
        assert code == LATIN_AMERICA or pycountry.countries.get(alpha_2=code), code
    assert term.source in KNOWN_SOURCES


def test_no_title_points_at_two_groups():
    groups: dict[str, set[str]] = defaultdict(set)
    for term in regional_terms():
        for form in term.forms:
            groups[" ".join(tokens(form))].add(term.isco)
    conflicting = {form: codes for form, codes in groups.items() if len(codes) > 1}
    assert conflicting == {}


# Written by hand, independently of the file: the ISCO-08 major group(s) the first answer must
# be in. Several are ESCO labels too; a regional entry must not pull them elsewhere.
COMMON_TITLES = {
    "mesero": {"5"},
    "mesera": {"5"},
    "meseros": {"5"},
    "cortador de café": {"9", "6"},
    "ordeñador": {"6", "9"},
    "ordeñadora": {"6", "9"},
    "vigilante": {"5"},
    "guardia": {"5"},
    "albañil": {"7"},
    "albanil": {"7"},
    "chofer": {"8"},
    "motorista": {"8"},
    "costurera": {"7", "8"},
    "enfermera": {"2", "3"},
    "enfermero": {"2", "3"},
    "despachador de gasolina": {"5"},
    "motosierrista": {"6", "9"},
    "tortillera": {"7", "5"},
    "pupusera": {"5", "9"},
    "chapeador": {"9", "6"},
    "plomero": {"7"},
    "soldador": {"7"},
    "electricista": {"7"},
    "mecánico automotriz": {"7"},
    "carpintero": {"7"},
    "maestro de obra": {"3", "7"},
    "contador": {"2"},
    "contadora": {"2"},
    "bodeguero": {"4", "9"},
    "cocinero": {"5", "9"},
    "bartender": {"5"},
    "garrotero": {"5", "9"},
    "lustrabotas": {"9"},
    "vendedor ambulante": {"5", "9"},
    "cobrador de bus": {"5"},
    "operaria de maquila": {"8", "7"},
    "planchadora": {"9", "8"},
    "trabajadora del hogar": {"9", "5"},
    "niñera": {"5"},
    "jornalero": {"9", "6"},
    "peón agrícola": {"9"},
    "panadero": {"7"},
    "pescador artesanal": {"6"},
    "taxista": {"8"},
    "trailero": {"8"},
    "mototaxista": {"8"},
    "curandera": {"3", "2"},
    "promotora de salud": {"3"},
    "digitadora": {"4"},
    "pepenador": {"9"},
    "cuidadora de adultos mayores": {"5"},
    "cajera": {"4", "5"},
    "maestra": {"2"},
}


@pytest.mark.parametrize(("title", "majors"), sorted(COMMON_TITLES.items()))
def test_a_common_title_finds_its_major_group_first(title, majors):
    [top] = occupation_search(query=title, limit=1)
    assert top.isco_code[0] in majors, (top.isco_code, top.label, top.matched_label)


def test_a_regional_hit_shows_its_group_its_occupations_and_the_title_that_matched():
    results = occupation_search(query="mesero", limit=6, language="es")
    group, *occupations = results
    assert (group.kind, group.isco_code) == ("isco", "5131")
    assert group.regional_term == "mesero" and "HN" in group.regional_countries
    assert group.regional_source == "regional usage"
    assert occupations and all(r.kind == "occupation" for r in occupations)
    assert all(r.isco_code == "5131" and r.regional_term == "mesero" for r in occupations)
    # The group's most general occupation first, not the head sommelier.
    assert occupations[0].label == "camarero/camarera"


def test_an_esco_hit_carries_no_regional_term():
    [top] = occupation_search(query="welder", limit=1)
    assert top.regional_term == "" and top.regional_countries == ()


def test_where_a_term_is_used_reads_in_the_users_language():
    [top] = occupation_search(query="chapeador", limit=1, language="en")
    assert "Honduras" in top.regional_where
    [top] = occupation_search(query="lustrabotas", limit=1, language="en")
    assert top.regional_where == "Latin America"


# ñ is a letter of its own.

ENYE = OccupationIndex(
    [
        Entry("occupation", "year", "1111", {"es": "planificador del año"}),
        Entry("occupation", "anus", "2222", {"es": "especialista del ano"}),
        Entry("occupation", "milker", "9212", {"es": "ordeñador/ordeñadora"}),
        Entry("occupation", "computer", "2166", {"es": "técnico de ordenador"}),
    ]
)


def test_enye_is_not_n():
    assert fold_accents("Año/ALBAÑIL, Técnico") == "año albañil tecnico"
    assert [h.entry.key for h in ENYE.search("año")] == ["year"]
    assert [h.entry.key for h in ENYE.search("ordeñador")] == ["milker"]


def test_a_word_typed_without_enye_finds_the_enye_word_below_the_exact_one():
    assert [h.entry.key for h in ENYE.search("ano")] == ["anus", "year"]
    assert [h.entry.key for h in ENYE.search("ordenador")] == ["computer", "milker"]


def test_accents_and_case_are_still_ignored_on_vowels():
    assert ENYE.search("TECNICO DE ORDENADOR")[0].entry.key == "computer"
    assert ENYE.search("planificador del ANO")[0].entry.key == "year"


def test_ordenador_no_longer_finds_milkers_before_computers_in_esco():
    [top] = occupation_search(query="ordeñador", limit=1)
    assert top.isco_code[0] in {"6", "9"}
    assert all(r.isco_code[0] in {"6", "9"} for r in occupation_search(query="ordeñador", limit=3))


# Typos.


@pytest.mark.parametrize(
    ("query", "isco"),
    [
        ("soldadro", "7212"),
        ("recolecter de fruta", "9211"),
        ("mesreo", "5131"),
        ("albanill", "7112"),
        ("despachador de gasolna", "5245"),
        ("motosierista", "6210"),
    ],
)
def test_a_typo_still_finds_the_occupation(query, isco):
    top = occupation_search(query=query, limit=3)
    assert isco in [r.isco_code for r in top], [(r.isco_code, r.matched_label) for r in top]


def test_recolecter_finds_recolector():
    top = occupation_search(query="recolecter", limit=3)
    assert top and all("recolector" in fold_accents(r.matched_label) for r in top)


@pytest.mark.parametrize(
    ("query", "isco"),
    [("soldado", "0310"), ("soldador", "7212"), ("solador", "7114"), ("mesero", "5131")],
)
def test_typo_tolerance_never_drowns_an_exact_label(query, isco):
    # "soldado" and "solador" are one edit from "soldador": each must still come first itself.
    [top] = occupation_search(query=query, limit=1)
    assert top.isco_code == isco, (top.isco_code, top.label)


def test_a_typo_ranks_below_a_real_match():
    exact = occupation_search(query="soldador", limit=1)[0].score
    typo = occupation_search(query="soldadro", limit=1)[0].score
    assert typo < exact


def test_the_suggest_partial_offers_occupations_for_a_regional_title(client):
    page = client.get(
        "/occupations/suggest/", {"field": "trade", "trade__q": "mesero"}
    ).content.decode()
    assert 'type="radio" name="trade"' in page and "ISCO 5131" in page
    assert "«mesero»" in page


def test_the_public_page_says_which_regional_title_matched(client):
    response = client.get("/occupations/", {"occupation__q": "mesero"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "ISCO 5131" in page and "regional title «mesero»" in page and "Honduras" in page


def test_the_public_page_says_it_in_spanish(client):
    # Passes once the lead has merged /work/po/search.po into the Spanish catalogue.
    response = client.get("/occupations/", {"occupation__q": "mesero"}, HTTP_ACCEPT_LANGUAGE="es")
    assert "título regional «mesero»" in response.content.decode()


def test_the_api_returns_the_regional_term(api):
    body = api.get("/api/v1/occupations/", {"q": "despachadora de gasolina", "limit": 2}).json()[
        "results"
    ]
    assert body[0]["isco_code"] == "5245"
    assert body[0]["regional_term"] == "despachadora de gasolina"
    assert "MX" in body[0]["regional_countries"]
    assert body[0]["regional_source"] == "regional usage"


@given(st.text(max_size=40))
def test_enye_is_the_only_letter_fold_accents_keeps_apart(text):
    # Everything else folds exactly as before: accents, case, punctuation, ligatures.
    assert fold_accents(text).replace("ñ", "n") == fold(text)


def test_a_term_for_a_group_that_does_not_exist_stops_the_index_build():
    term = RegionalTerm("mesero", "mesera", "5139", ("HN",), "regional usage")
    group = Entry("isco", "5131", "5131", {"es": "Camareros de mesas"})
    with pytest.raises(ValueError, match="5139"):
        OccupationIndex([group], [term])


def test_where_a_term_is_used_reads_in_spanish_too():
    # "América Latina" passes once the lead has merged /work/po/search.po.
    [top] = occupation_search(query="lustrabotas", limit=1, language="es")
    assert top.regional_where == "América Latina"
    [top] = occupation_search(query="mesero", limit=1, language="es")
    assert "México" in top.regional_where
