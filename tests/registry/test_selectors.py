from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404

from tests.factories import IdentityDocumentFactory, WorkerFactory
from vinculo.registry.selectors import WorkerFilter, worker_get, worker_list, worker_own
from vinculo.registry.services import worker_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(world):
    return {
        "hn": WorkerFactory(jurisdiction=world.hn, given_names="Selvin", first_surname="Cruz"),
        "cr": WorkerFactory(
            jurisdiction=world.cr, given_names="Andrea", first_surname="Solano", nationality="NI"
        ),
    }


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("official", {"hn"}),
        ("caseworker", {"hn"}),
        ("admin", {"hn", "cr"}),
        ("auditor", set()),
        ("employer_staff", set()),
        ("agency_staff", set()),
        ("regional_coordinator", set()),
        ("worker", set()),
    ],
)
def test_each_role_sees_the_workers_of_its_jurisdiction_only(world, workers, role, sees):
    visible = set(worker_list(actor=world.users[role]).values_list("pk", flat=True))
    expected = {workers[k].pk for k in sees}
    if role == "admin":
        assert expected <= visible
    else:
        assert visible & {w.pk for w in workers.values()} == expected


def test_a_worker_of_another_jurisdiction_is_a_404(world, workers):
    with pytest.raises(Http404):
        worker_get(actor=world.outsider, worker_id=workers["hn"].pk)
    assert worker_get(actor=world.outsider, worker_id=workers["cr"].pk) == workers["cr"]


def test_workers_see_only_themselves(world, workers):
    own = worker_own(actor=world.users["worker"])
    assert own.user == world.users["worker"]
    with pytest.raises(Http404):
        worker_own(actor=world.users["official"])


def test_document_numbers_are_encrypted_at_rest_and_found_by_keyed_hash(world, workers):
    IdentityDocumentFactory(worker=workers["hn"], number="0801-1990-12345")
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, number_hash, search_hash FROM registry_identitydocument")
        [(stored, number_hash, search_hash)] = cursor.fetchall()
    for column in (stored, number_hash, search_hash):
        assert "12345" not in column and "0801" not in column
    official = world.users["official"]
    for typed in ("0801-1990-12345", "0801 1990 12345", "080119901234 5"):
        found = worker_list(actor=official, filters=WorkerFilter(document_number=typed))
        assert list(found) == [workers["hn"]]
    assert not worker_list(
        actor=world.outsider, filters=WorkerFilter(document_number="0801199012345")
    ).exists()


def test_encrypted_columns_refuse_plain_lookups(world, workers):
    from vinculo.registry.models import IdentityDocument

    with pytest.raises(TypeError, match="encrypted"):
        IdentityDocument.objects.filter(number="0801199012345").exists()


def test_name_filter_matches_any_name_part(world, workers):
    found = worker_list(actor=world.users["official"], filters=WorkerFilter(name="selvin cruz"))
    assert list(found) == [workers["hn"]]


@pytest.mark.parametrize(
    "typed", ["maría josé", "maria jose", "MARIA JOSE", "Lopez", "lópez", "hernandez lop", "pena"]
)
def test_name_search_ignores_accents_and_case(world, typed):
    maria = WorkerFactory(
        jurisdiction=world.hn,
        given_names="María José",
        first_surname="Hernández",
        second_surname="López Peña" if "pena" in typed else "López",
    )
    decoy = WorkerFactory(
        jurisdiction=world.hn,
        given_names="Mario Josué",
        first_surname="Peralta",
        second_surname="Ruiz",
    )
    found = set(worker_list(actor=world.users["official"], filters=WorkerFilter(name=typed)))
    assert maria in found and decoy not in found


def test_name_search_matches_the_start_of_words_not_their_middle(world):
    ana = WorkerFactory(jurisdiction=world.hn, given_names="Ana", first_surname="Hernández")
    official = world.users["official"]
    assert ana in worker_list(actor=official, filters=WorkerFilter(name="ana hern"))
    assert ana not in worker_list(actor=official, filters=WorkerFilter(name="ana ernandez"))


def test_an_edited_name_is_found_by_its_new_spelling(world):
    worker = WorkerFactory(jurisdiction=world.hn, given_names="Jose", first_surname="Nunez")
    worker_update(
        worker=worker,
        version=worker.version,
        changes={"given_names": "José", "first_surname": "Núñez Ávila"},
        actor=world.users["official"],
    )
    found = worker_list(actor=world.users["official"], filters=WorkerFilter(name="jose avila"))
    assert list(found) == [worker]
