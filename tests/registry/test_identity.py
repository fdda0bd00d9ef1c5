"""Name, date and phone keys for record linkage: what they forgive and what they keep apart."""

from datetime import date

import pytest

from vinculo.registry.identity import (
    birth_date_variants,
    document_key,
    name_key,
    name_tokens,
    phone_key,
    phonetic,
    phonetic_key,
    surname_pair,
)


@pytest.mark.parametrize(
    "spellings",
    [
        ("Hernández", "HERNANDEZ", "Ernandes", "hernandes"),
        ("Báez", "Vaez", "Baes"),
        ("Zelaya", "Celaya", "Selaya"),
        ("Giménez", "Jiménez", "Jimenes", "Ximénez"),
        ("Yovani", "Llovani"),
        ("Guillermo", "Guiyermo"),
        ("Quiroz", "Kiros"),
        ("Ximena", "Jimena"),
        ("Carrillo", "Cariyo"),
        ("Velásquez", "Velazquez", "Belasques"),
    ],
)
def test_spellings_that_sound_alike_share_a_key(spellings):
    keys = {phonetic_key(s) for s in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("a", "b"),
    [("Pérez", "Ponce"), ("Castro", "Castillo"), ("Gómez", "Gámez"), ("Rosa", "Rojas")],
)
def test_different_names_keep_different_keys(a, b):
    assert phonetic_key(a) != phonetic_key(b)


def test_particles_accents_and_punctuation_are_dropped_but_not_everything():
    assert name_tokens("María José  de la Cruz") == ["maria", "jose", "cruz"]
    assert name_key("DE LA CRUZ-") == "cruz"
    assert name_key("De la O") == "o"  # a surname of one letter stays
    assert name_tokens("Del") == ["del"]  # a name that is only a particle is kept
    assert name_tokens("") == [] and phonetic("") == ""


def test_two_surnames_in_either_order_are_one_pair():
    assert surname_pair("Hernández", "López") == surname_pair("Lopes", "Ernandez")
    assert surname_pair("Hernández", "") == surname_pair("", "Hernandez")
    assert surname_pair("Hernández", "López") != surname_pair("Hernández", "Pérez")


def test_day_and_month_swapped_is_a_variant_when_it_is_a_date():
    assert birth_date_variants(date(1994, 3, 4)) == {date(1994, 3, 4), date(1994, 4, 3)}
    assert birth_date_variants(date(1994, 5, 25)) == {date(1994, 5, 25)}  # no 25th month
    assert birth_date_variants(date(1994, 6, 6)) == {date(1994, 6, 6)}
    assert birth_date_variants(None) == set()


def test_phone_and_document_keys():
    assert phone_key("+504 9456-1234") == phone_key("9456 1234") == "94561234"
    assert phone_key("123") == ""
    assert document_key("0501-1994-04417") == document_key("0501 1994 04417") == "0501199404417"
