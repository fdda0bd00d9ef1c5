from __future__ import annotations

import phonenumbers
import pytest

from vinculo.demo.generator import (
    PeopleGenerator,
    curp_check_digit,
    gt_cui_valid,
    ni_cedula_valid,
    sv_dui_valid,
)


@pytest.fixture(scope="module")
def people():
    return PeopleGenerator(seed=7).people(3000)


def test_the_generator_is_deterministic():
    assert PeopleGenerator(seed=7).people(50) == PeopleGenerator(seed=7).people(50)
    assert PeopleGenerator(seed=7).people(50) != PeopleGenerator(seed=8).people(50)


def test_every_origin_country_and_realistic_names(people):
    assert {p.nationality for p in people} == {"HN", "GT", "SV", "NI", "MX", "VE"}
    hn = [p for p in people if p.nationality == "HN"]
    hernandez = sum(p.first_surname == "Hernández" for p in hn) / len(hn)
    assert 0.05 < hernandez < 0.15  # the most common surname, by far
    assert sum(bool(p.second_surname) for p in people) / len(people) > 0.9
    assert any(" " in p.given_names for p in people)  # compound first names
    assert any("á" in p.first_surname or "é" in p.first_surname for p in people)


def test_identity_numbers_follow_each_country_with_valid_check_digits(people):
    for person in people:
        national = person.documents[0]
        assert national.kind == "national_id"
        number = national.number
        match person.nationality:
            case "HN":
                assert (
                    len(number) == 15
                    and number[4] == "-"
                    and number[5:9] == str(person.birth_date.year)
                )
            case "GT":
                assert gt_cui_valid(number)
            case "SV":
                assert sv_dui_valid(number)
            case "NI":
                assert ni_cedula_valid(number)
                assert number[4:10] == person.birth_date.strftime("%d%m%y")
            case "MX":
                assert len(number) == 18 and int(number[-1]) == curp_check_digit(number[:17])
                assert number[4:10] == person.birth_date.strftime("%y%m%d")
            case "VE":
                assert number.startswith("V-")
    numbers = [(d.kind, d.issuing_country, d.number) for p in people for d in p.documents]
    assert len(numbers) == len(set(numbers))


def test_phones_are_valid_mobile_numbers_of_the_country(people):
    for person in people[:500]:
        parsed = phonenumbers.parse(person.phone)
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.region_code_for_number(parsed) == person.nationality


def test_residence_is_a_real_subdivision(people):
    import pycountry

    for person in people[:500]:
        assert pycountry.subdivisions.get(code=person.subdivision) is not None
