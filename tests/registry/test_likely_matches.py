"""The check at registration: likely matches with their evidence, within the actor's scope."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import IdentityDocumentFactory, WorkerFactory
from vinculo.registry import services as registry
from vinculo.registry.identity import Person
from vinculo.registry.models import Worker
from vinculo.registry.selectors import PROBABLE, DocumentGiven, likely_matches

pytestmark = pytest.mark.django_db


def _levels(match) -> dict[str, str]:
    return {e.field: e.level for e in match.evidence}


@pytest.fixture
def maria(world):
    worker = WorkerFactory(
        jurisdiction=world.hn,
        given_names="Yesenia Carolina",
        first_surname="Hernández",
        second_surname="Bonilla",
        birth_date=date(1991, 7, 3),
        phone="+50494567777",
    )
    IdentityDocumentFactory(worker=worker, number="0501-1991-04417")
    # Others with Honduras's commonest surname, who must not be proposed.
    WorkerFactory(jurisdiction=world.hn, given_names="Pedro", birth_date=date(1980, 1, 2))
    WorkerFactory(
        jurisdiction=world.hn, given_names="Ana", second_surname="Pérez", phone="+50499990000"
    )
    return worker


def test_a_near_duplicate_is_found_with_the_evidence_for_each_field(world, maria):
    again = Person(
        given_names="Llesenia Carolina",  # ll for y
        first_surname="Bonilla",  # surnames swapped, accent lost
        second_surname="Hernandez",
        birth_date=date(1991, 3, 7),  # day and month swapped
        phone="+504 3111-2222",  # a new phone
        sex="F",
    )
    matches = likely_matches(actor=world.users["official"], person=again)
    assert [m.worker for m in matches] == [maria]
    match = matches[0]
    assert PROBABLE <= match.probability < 1 and not match.same_document  # to be confirmed
    assert _levels(match) == {
        "given_names": "sounds_alike",
        "surnames": "swapped",
        "birth_date": "day_month_swapped",
        "phone": "different",
        "sex": "exact",
    }
    assert all(e.weight > 0 for e in match.evidence if e.field != "phone")


def test_a_common_surname_alone_proposes_nobody(world, maria):
    stranger = Person("Wilmer", "Hernández", "Castro", date(1990, 3, 4), "+50498765432", sex="M")
    assert likely_matches(actor=world.users["official"], person=stranger) == []


def test_the_same_document_is_a_match_whatever_the_names_say(world, maria):
    impostor = Person("Wilmer", "Castro", "Zelaya", date(1990, 3, 4), "", sex="M")
    document = DocumentGiven("national_id", "HN", "0501 1991 04417")
    matches = likely_matches(actor=world.users["official"], person=impostor, documents=[document])
    assert [m.worker for m in matches] == [maria] and matches[0].same_document
    assert _levels(matches[0])["document"] == "exact"
    # The same number as a passport of another country is evidence, not the same document:
    # with everything else different, nobody is proposed.
    passport = DocumentGiven("passport", "GT", "0501199104417")
    assert (
        likely_matches(actor=world.users["official"], person=impostor, documents=[passport]) == []
    )


def test_an_official_of_another_jurisdiction_is_shown_nothing(world, maria):
    again = Person("Yesenia Carolina", "Hernández", "Bonilla", date(1991, 7, 3), "", sex="F")
    assert likely_matches(actor=world.users["official"], person=again)
    assert likely_matches(actor=world.outsider, person=again) == []
    document = DocumentGiven("national_id", "HN", "0501-1991-04417")
    assert likely_matches(actor=world.outsider, person=again, documents=[document]) == []


def test_the_record_being_edited_is_not_its_own_match(world, maria):
    same = Person("Yesenia Carolina", "Hernández", "Bonilla", date(1991, 7, 3), "", sex="F")
    found = likely_matches(actor=world.users["official"], person=same)
    assert [m.worker for m in found] == [maria]
    assert (
        likely_matches(actor=world.users["official"], person=same, exclude_worker_id=maria.pk) == []
    )


def test_keys_follow_a_correction(world, maria):
    registry.worker_update(
        worker=maria,
        version=maria.version,
        changes={"first_surname": "Zelaya", "birth_date": date(1991, 3, 4)},
        actor=world.users["official"],
    )
    stored = Worker.objects.get(pk=maria.pk)
    assert stored.key_surname1 == "selaya" and stored.key_birth_swapped == date(1991, 4, 3)
    again = Person("Yesenia Carolina", "Celaya", "Bonilla", date(1991, 4, 3), "", sex="F")
    assert [m.worker for m in likely_matches(actor=world.users["official"], person=again)] == [
        maria
    ]
