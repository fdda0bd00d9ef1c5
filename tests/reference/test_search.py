from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vinculo.reference.search import Entry, OccupationIndex, fold
from vinculo.reference.selectors import occupation_index, occupation_search


@pytest.mark.parametrize(
    ("query", "isco"),
    [
        ("recolectora de fruta", "9211"),
        ("fruit picker", "9211"),
        ("soldador", "7212"),
        ("albanil", "7112"),
        ("Albañil", "7112"),
        ("WELDER", "7212"),
        ("peon agricola", "9211"),
        ("sold", "7212"),  # a prefix, as typed
    ],
)
def test_the_issue_examples_are_among_the_first_three(query, isco):
    top = occupation_search(query=query, limit=3)
    assert isco in [r.isco_code for r in top], [(r.isco_code, r.label) for r in top]


def test_an_isco_code_finds_its_group_first():
    top = occupation_search(query="9211", limit=3, language="en")
    assert (top[0].kind, top[0].isco_code, top[0].label) == ("isco", "9211", "Crop farm labourers")


def test_labels_come_in_the_asked_language():
    [hit] = occupation_search(query="albañil", limit=1, language="en")
    assert hit.label == "bricklayer" and hit.matched_label == "albañil"
    assert hit.isco_title == "Bricklayers and related workers"


def test_the_index_holds_every_occupation_and_group():
    index = occupation_index()
    kinds = [e.kind for e in index.entries]
    assert kinds.count("occupation") == 2942 and kinds.count("isco") == 619


def test_nonsense_and_empty_queries_find_nothing():
    assert occupation_search(query="", limit=5) == []
    assert occupation_search(query="   --  ", limit=5) == []
    assert occupation_search(query="zzqxj", limit=5) == []


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Albañil/Albañila") == "albanil albanila"
    assert fold("ÉLECTRICIEN, Técnico") == "electricien tecnico"


SMALL = OccupationIndex(
    [
        Entry(
            "occupation",
            "a",
            "9211",
            {"es": "recolector de café/recolectora de café", "en": "coffee picker"},
        ),
        Entry("occupation", "b", "7212", {"es": "soldador", "en": "welder"}, {"es": ["soldadora"]}),
    ]
)


@given(st.text(max_size=40))
def test_any_text_is_a_safe_query(text):
    hits = SMALL.search(text, limit=5)
    assert len(hits) <= 5
    assert all(0 < h.score <= 1 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@given(
    st.sampled_from(["recolectora de cafe", "coffee picker", "soldadora", "welder"]),
    st.sampled_from([str.upper, str.lower, str.title]),
)
def test_case_never_changes_the_answer(query, case):
    assert [h.entry.key for h in SMALL.search(case(query))] == [
        h.entry.key for h in SMALL.search(query)
    ]
