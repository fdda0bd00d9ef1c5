"""The pure checks of registry values: each with values it accepts and values it refuses."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from vinculo.core.values import FieldInvalid
from vinculo.demo.generator import PeopleGenerator, curp, gt_cui, ni_cedula, sv_dui
from vinculo.registry import domain as d


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises(FieldInvalid) as refused:
        call(*args, **kwargs)
    return refused.value.code


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("9456-1234", "HN", "+50494561234"),
        ("+504 9456 1234", "GT", "+50494561234"),  # its own prefix wins
        ("5512 3456", "GT", "+50255123456"),
        ("7012-3456", "SV", "+50370123456"),
        ("8312 3456", "CR", "+50683123456"),
        ("961 123 4567", "MX", "+529611234567"),
    ],
)
def test_phone_normalise_gives_e164(number, country, expected):
    assert d.phone_normalise(number, country) == expected


@pytest.mark.parametrize(
    ("number", "country"), [("123", "HN"), ("hello", "HN"), ("9456-123", "HN")]
)
def test_phone_normalise_refuses(number, country):
    assert code_of(d.phone_normalise, number, country) == "phone_invalid"


def test_document_numbers_made_by_the_demo_generator_pass():
    rng = random.Random(3)
    for _ in range(200):
        assert d.document_number_check("national_id", "GT", gt_cui(rng, "01", 5))
        assert d.document_number_check("national_id", "SV", sv_dui(rng))
        assert d.document_number_check("national_id", "NI", ni_cedula(rng, date(1990, 5, 17)))
    for person in PeopleGenerator(seed=11).people(300):
        for document in person.documents:
            d.document_number_check(document.kind, document.issuing_country, document.number)
    number = curp(("María José", "Hernández", "López"), date(1994, 5, 12), "F", "CS", rng)
    assert d.document_number_check("national_id", "MX", number) == number


@pytest.mark.parametrize(
    ("kind", "country", "number", "expected"),
    [
        ("national_id", "HN", "0801 1990 12345", "0801-1990-12345"),
        ("national_id", "HN", "0801199012345", "0801-1990-12345"),
        ("national_id", "SV", "04567890 3", "04567890-3"),
        ("national_id", "CR", "1 0234 0567", "1-0234-0567"),
        ("national_id", "VE", "v-12345678", "V-12345678"),
        ("national_id", "US", "123-45-6789", "123456789"),  # elsewhere: letters and digits
        ("passport", "HN", "e 4417021", "E4417021"),
    ],
)
def test_document_number_check_normalises(kind, country, number, expected):
    assert d.document_number_check(kind, country, number) == expected


@pytest.mark.parametrize(
    ("kind", "country", "number", "code"),
    [
        ("national_id", "HN", "0801-1990-1234", "document_format"),  # 12 digits
        ("national_id", "HN", "9901-1990-12345", "document_check_digit"),  # department 99
        ("national_id", "GT", "1234567800101", "document_check_digit"),
        ("national_id", "SV", "04567890-1", "document_check_digit"),
        ("national_id", "NI", "001-170590-0000A", "document_check_digit"),
        ("national_id", "NI", "001-310290-0000A", "document_check_digit"),  # 31 February
        ("national_id", "MX", "HELM940512MCSRPR08", "document_check_digit"),
        ("national_id", "MX", "HELM941312MCSRPR09", "document_check_digit"),  # month 13
        ("national_id", "CR", "0-0234-0567", "document_format"),
        ("passport", "HN", "E12345678901", "document_format"),
        ("passport", "HN", "E12-", "document_format"),
        ("driving_licence", "HN", "123", "document_kind_unknown"),
        ("passport", "HN", "  ", "required"),
    ],
)
def test_document_number_check_refuses(kind, country, number, code):
    assert code_of(d.document_number_check, kind, country, number) == code


def test_a_refusal_explains_itself_in_the_active_language():
    with pytest.raises(FieldInvalid) as refused:
        d.document_number_check("national_id", "HN", "12")
    with translation.override("en"):
        assert refused.value.message == (
            "«12» does not have the format of a DNI (Honduras): 0801-1990-12345."
        )


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_date_parse_reads_back_every_iso_date(day):
    assert d.date_parse(day.isoformat()) == day


@pytest.mark.parametrize("text", ["12/05/1994", "1994-5-12", "1994-02-30", "", "ayer"])
def test_date_parse_refuses(text):
    assert code_of(d.date_parse, text) == "date_invalid"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_an_adult_is_one_who_had_an_18th_birthday(birth):
    today = date(2026, 11, 1)
    try:
        eighteenth = birth.replace(year=birth.year + 18)
    except ValueError:  # born on 29 February
        eighteenth = date(birth.year + 18, 3, 1)
    if birth > today:
        assert code_of(d.birth_date_check, birth, today=today) == "date_in_future"
    elif eighteenth > today:
        assert code_of(d.birth_date_check, birth, today=today) == "minor"
    elif d.age_on(birth, today) > 100:
        assert code_of(d.birth_date_check, birth, today=today) == "too_old"
    else:
        assert d.birth_date_check(birth, today=today) == birth


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("yes", True), ("Sí", True), ("SI", True), ("true", True), ("1", True), ("y", True)],
        *[("no", False), ("NO", False), ("false", False), ("0", False), (" n ", False)],
    ],
)
def test_yes_no_parse(text, expected):
    assert d.yes_no_parse(text) is expected


@pytest.mark.parametrize("text", ["maybe", "", "2", "sí no"])
def test_yes_no_parse_refuses(text):
    assert code_of(d.yes_no_parse, text) == "yes_no_invalid"


def test_cefr_and_languages():
    assert d.cefr_level_parse("b2") == "B2"
    assert d.cefr_level_parse("Nativo") == "native"
    assert code_of(d.cefr_level_parse, "C3") == "cefr_invalid"
    assert d.languages_parse("es:native| EN:a2 |") == [("es", "native"), ("en", "A2")]
    assert d.languages_parse("pap:B1") == [("pap", "B1")]
    assert code_of(d.languages_parse, "es") == "list_item_invalid"
    assert code_of(d.languages_parse, "xx:B1") == "language_unknown"
    assert code_of(d.languages_parse, "es:native|es:C1") == "language_repeated"


@pytest.mark.parametrize(("text", "expected"), [("0", "0"), ("8", "8"), ("ISCED 3", "3")])
def test_education_level_parse(text, expected):
    assert d.education_level_parse(text) == expected


@pytest.mark.parametrize("text", ["9", "10", "-1", "primary"])
def test_education_level_parse_refuses(text):
    assert code_of(d.education_level_parse, text) == "isced_invalid"


def test_occupations_parse_and_resolve():
    esco = "2f9b4a2e-1a6e-4f7e-9d42-5b0c0c1a0001"
    claims = d.occupations_parse(f"7112:5|{esco.upper()}:2|9211")
    assert claims == [
        d.OccupationClaim("isco", "7112", 5),
        d.OccupationClaim("esco", esco, 2),
        d.OccupationClaim("isco", "9211", 0),
    ]
    reference = d.OccupationReference(
        esco_units={esco: "9211"}, isco_units=frozenset({"7112", "9211"})
    )
    # A unit group stays a unit group: no ESCO occupation is picked for it.
    assert d.occupation_resolve(claims[0], reference) == (None, "7112")
    assert d.occupation_resolve(claims[1], reference) == (esco, "9211")
    assert d.occupation_resolve(claims[2], reference) == (None, "9211")
    unknown = d.OccupationClaim("isco", "6111", 0)
    assert code_of(d.occupation_resolve, unknown, reference) == "occupation_unknown"
    stranger = d.OccupationClaim("esco", "2f9b4a2e-1a6e-4f7e-9d42-5b0c0c1a0009", 0)
    assert code_of(d.occupation_resolve, stranger, reference) == "occupation_unknown"
    assert code_of(d.occupations_parse, "711:2") == "occupation_code_invalid"
    assert code_of(d.occupations_parse, "7112:many") == "years_invalid"
    assert code_of(d.occupations_parse, "7112:71") == "years_invalid"
    assert code_of(d.occupations_parse, "7112:1|7112:3") == "occupation_repeated"


def test_countries_subdivisions_and_sex():
    assert d.country_code_check(" hn ") == "HN"
    assert code_of(d.country_code_check, "XX") == "country_unknown"
    assert code_of(d.country_code_check, "HND") == "country_unknown"
    assert d.subdivision_check("hn-cr", "HN") == "HN-CR"
    assert code_of(d.subdivision_check, "GT-01", "HN") == "subdivision_unknown"
    assert d.sex_parse("f") == "F"
    assert code_of(d.sex_parse, "W") == "sex_invalid"
    assert d.text_clean("  Ana   María ", max_length=20) == "Ana María"
    assert code_of(d.text_clean, "x" * 21, max_length=20) == "too_long"
    assert code_of(d.text_clean, " ", max_length=20, required=True) == "required"
