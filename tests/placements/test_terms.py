"""The substitution check, field by field: a worse term for the worker is caught, a better one
passes, a change that cannot be shown to be no worse counts as worse. Pure Python."""

from __future__ import annotations

import copy

import pytest

from vinculo.placements import terms

OFFER = {
    "employer": "Tremblay Orchards",
    "worksite": "Simcoe, CA-ON, CA",
    "wage": {"amount": "18.00", "currency": "CAD", "basis": "hour"},
    "guaranteed_hours": 960,
    "weekly_hours": "40.0",
    "overtime": "Time and a half after 44 hours a week",
    "period": {"start": "2027-04-01", "end": "2027-10-31"},
    "housing": {"provided": True, "weekly_cost": "0.00", "currency": "CAD"},
    "costs": {"recruitment_fee": "employer", "travel_in": "employer", "visa": "employer"},
    "deductions": {},
}


def changed(**fields):
    found = copy.deepcopy(OFFER)
    found.update(fields)
    return found


def verdicts(found):
    return {c.field: c.verdict for c in terms.compare(OFFER, found) if c.changed}


def test_the_same_terms_are_the_same_even_written_otherwise():
    found = changed(
        wage={"amount": "18", "currency": "CAD", "basis": "hour"},
        housing={"provided": True, "weekly_cost": "0", "currency": "CAD"},
    )
    assert verdicts(OFFER) == {} and not terms.worse(terms.compare(OFFER, OFFER))
    assert set(verdicts(found).values()) <= {"same"} and not terms.worse(
        terms.compare(OFFER, found)
    )


@pytest.mark.parametrize(
    ("fields", "field", "verdict"),
    [
        ({"wage": {"amount": "14.00", "currency": "CAD", "basis": "hour"}}, "wage", "worse"),
        ({"wage": {"amount": "19.50", "currency": "CAD", "basis": "hour"}}, "wage", "better"),
        ({"wage": {"amount": "3000", "currency": "CAD", "basis": "month"}}, "wage", "worse"),
        ({"wage": {"amount": "18.00", "currency": "USD", "basis": "hour"}}, "wage", "worse"),
        ({"guaranteed_hours": 720}, "guaranteed_hours", "worse"),
        ({"guaranteed_hours": 1000}, "guaranteed_hours", "better"),
        ({"weekly_hours": "60.0"}, "weekly_hours", "worse"),
        ({"overtime": "None"}, "overtime", "worse"),
        ({"period": {"start": "2027-04-01", "end": "2027-08-31"}}, "period", "worse"),
        ({"period": {"start": "2027-04-01", "end": "2027-11-30"}}, "period", "better"),
        ({"period": {"start": "2027-05-01", "end": "2027-11-30"}}, "period", "worse"),
        ({"employer": "Another Farm Ltd"}, "employer", "worse"),
        ({"worksite": "Leamington, CA-ON, CA"}, "worksite", "worse"),
        (
            {"housing": {"provided": False, "weekly_cost": "0", "currency": "CAD"}},
            "housing",
            "worse",
        ),
        (
            {"housing": {"provided": True, "weekly_cost": "30", "currency": "CAD"}},
            "housing",
            "worse",
        ),
        (
            {"costs": {"recruitment_fee": "worker", "travel_in": "employer", "visa": "employer"}},
            "costs",
            "worse",
        ),
        ({"costs": {"travel_in": "employer", "visa": "employer"}}, "costs", "worse"),
        (
            {
                "costs": {
                    "recruitment_fee": "employer",
                    "travel_in": "employer",
                    "visa": "employer",
                    "medical": "employer",
                }
            },
            "costs",
            "better",
        ),
        ({"deductions": {"uniform": "20"}}, "deductions", "worse"),
    ],
)
def test_each_term_is_judged_for_the_worker(fields, field, verdict):
    assert verdicts(changed(**fields)) == {field: verdict}
    assert terms.worse(terms.compare(OFFER, changed(**fields))) == (verdict == "worse")


def test_a_better_term_does_not_hide_a_worse_one():
    found = changed(
        wage={"amount": "20.00", "currency": "CAD", "basis": "hour"}, guaranteed_hours=500
    )
    assert verdicts(found) == {"wage": "better", "guaranteed_hours": "worse"}
    assert terms.worse(terms.compare(OFFER, found))


def test_the_digest_vouches_for_every_term_and_the_header():
    first = terms.digest(OFFER, placement=1, version=1, worker="Ana", job="Pickers")
    assert len(first) == 64
    assert first == terms.digest(
        copy.deepcopy(OFFER), version=1, placement=1, worker="Ana", job="Pickers"
    )
    assert first != terms.digest(
        changed(guaranteed_hours=959), placement=1, version=1, worker="Ana", job="Pickers"
    )
    assert first != terms.digest(OFFER, placement=1, version=2, worker="Ana", job="Pickers")


@pytest.mark.parametrize(
    ("country", "subdivision", "languages"),
    [
        ("CA", "CA-ON", ("es", "en")),
        ("CA", "CA-QC", ("es", "fr")),
        ("ES", "", ("es",)),
        ("MX", "MX-CHP", ("es",)),
        ("US", "US-NC", ("es", "en")),
    ],
)
def test_the_contract_is_in_spanish_and_the_worksites_language(country, subdivision, languages):
    assert terms.contract_languages(country, subdivision) == languages


def test_the_contract_reads_in_plain_words_in_each_language():
    es = dict(terms.document(OFFER, "es"))
    fr = dict(terms.document(OFFER, "fr"))
    assert es["Salario"] == "18.00 CAD por hora"
    assert es["Quién paga cada costo"].startswith("Comisión de reclutamiento: el empleador")
    assert es["Duración"] == "Del 2027-04-01 al 2027-10-31"
    assert es["Vivienda"] == "Incluida, sin costo para el trabajador"
    dearer = changed(housing={"provided": True, "weekly_cost": "30.00", "currency": "CAD"})
    assert dict(terms.document(dearer, "en"))["Housing"].startswith("Provided, 30.00 CAD a week")
    assert fr["Salaire"] == "18.00 CAD de l'heure" and fr["Retenues sur le salaire"] == "Aucune"
    assert set(terms.LABELS) >= set(terms.FIELDS)
    assert all({"es", "en", "fr"} <= set(words) for words in terms.LABELS.values())
