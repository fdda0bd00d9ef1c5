from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import IdentityDocumentFactory, WorkerFactory
from tests.imports.conftest import BRICKLAYER, FRUIT_PICKER, csv_bytes, upload
from vinculo.core.audit import AuditVerb
from vinculo.core.models import AuditEvent
from vinculo.core.runs import RunStatus
from vinculo.imports import batches, readers, services, writers
from vinculo.imports.domain import column_names
from vinculo.imports.models import Import
from vinculo.registry.models import (
    Consent,
    IdentityDocument,
    RegistrationChannel,
    Worker,
    WorkerLanguage,
    WorkerOccupation,
)

pytestmark = pytest.mark.django_db

HEADER = column_names("workers")
GOOD = {
    "given_names": "María José",
    "first_surname": "Hernández",
    "second_surname": "López",
    "sex": "F",
    "birth_date": "1994-05-12",
    "nationality": "HN",
    "document_kind": "national_id",
    "document_number": "0501-1994-04417",
    "document_country": "HN",
    "phone": "9456-1234",
    "subdivision": "HN-CR",
    "municipality": "Choloma",
    "occupations": "9211:6",
    "languages": "es:native|en:A2",
    "education_level": "2",
    "available_from": "2026-01-15",
    "available_to": "2026-12-15",
    "relocate_within_country": "sí",
    "work_abroad": "yes",
    "consent_matching": "yes",
}


def row(**changes: str) -> list[str]:
    values = {**GOOD, **changes}
    return [values.get(name, "") for name in HEADER]


PLANTED = [
    row(),  # 2: good
    row(  # 3: good, a passport, an ESCO occupation id
        given_names="Wilmer",
        first_surname="Castro",
        sex="M",
        document_kind="passport",
        document_number="F1234567",
        occupations=f"{BRICKLAYER}:4",
        languages="es:native",
        consent_matching="no",
    ),
    row(document_number="0801-2012-00001", birth_date="2012-02-01"),  # 4: a minor
    row(document_number="0801-1990-00002", phone="123", sex="Q"),  # 5: two bad cells
    row(document_number="0501 1994 04417"),  # 6: same document as row 2
    row(document_kind="national_id", document_country="GT", document_number="1234567800101"),  # 7
    [""] * len(HEADER),  # 8: blank, skipped
    row(document_number="0801-1990-00003", occupations="9999:3", languages="xx:B1"),  # 9
    row(document_number="0801-1990-00004", subdivision="HN-ZZ"),  # 10
]


def _errors(run: Import) -> set[tuple[int, str, str]]:
    return {(e.row, e.column, e.code) for e in run.row_errors.all()}


def _import(client, content: bytes, name: str = "workers.csv", callbacks=None) -> Import:
    with callbacks(execute=True):
        response = client.post(
            reverse("imports:import_list"), {"kind": "workers", "file": upload(content, name)}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    run = Import.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    return run


def test_every_bad_row_is_reported_good_rows_land_and_a_second_import_adds_nothing(
    client, world, occupations, django_capture_on_commit_callbacks
):
    official = world.users["official"]
    client.force_login(official)
    content = csv_bytes(HEADER, PLANTED)
    run = _import(client, content, callbacks=django_capture_on_commit_callbacks)

    assert run.status == RunStatus.DONE
    assert (run.total, run.done) == (9, 9)
    assert (run.rows_created, run.rows_existing, run.rows_failed) == (2, 0, 6)
    assert _errors(run) == {
        (4, "birth_date", "minor"),
        (5, "phone", "phone_invalid"),
        (5, "sex", "sex_invalid"),
        (6, "document_number", "duplicate_in_file"),
        (7, "document_number", "document_check_digit"),
        (9, "occupations", "occupation_unknown"),
        (9, "languages", "language_unknown"),
        (10, "subdivision", "subdivision_unknown"),
    }
    assert run.row_errors.get(row=6).params == {"key": "document", "row": 2}

    maria = Worker.objects.get(given_names="María José", channel=RegistrationChannel.IMPORT)
    assert maria.jurisdiction == world.hn and maria.channel == RegistrationChannel.IMPORT
    assert maria.registered_by == official
    assert maria.phone == "+50494561234" and maria.subdivision == "HN-CR"
    # residence_country was left empty: it defaults to the nationality, as the README says.
    assert maria.residence_country == "HN"
    assert maria.relocate_within_country and maria.work_abroad
    assert maria.available_to == date(2026, 12, 15) and maria.education_level == "2"
    document = maria.documents.get()
    assert document.number == "0501-1994-04417" and document.kind == "national_id"
    assert document.number_hash == IdentityDocument.hash_for(
        kind="national_id", issuing_country="HN", number="050119940441 7"
    )
    # 9211 is stored as the unit group itself, with no ESCO occupation picked for it.
    assert [
        (o.occupation_id, o.isco_group_id, o.years_experience) for o in maria.occupations.all()
    ] == [(None, "9211", 6)]
    assert maria.occupations.get().label == "Crop farm labourers"
    assert sorted(maria.languages.values_list("language", "level")) == [
        ("en", "A2"),
        ("es", "native"),
    ]
    assert maria.consents.get().purpose == "matching"
    wilmer = Worker.objects.get(given_names="Wilmer")
    assert wilmer.documents.get().kind == "passport" and not wilmer.consents.exists()
    assert str(wilmer.occupations.get().occupation_id) == BRICKLAYER
    assert wilmer.occupations.get().isco_group_id == "7112"  # the ESCO occupation's group

    started = AuditEvent.objects.get(verb=AuditVerb.IMPORT_STARTED)
    finished = AuditEvent.objects.get(verb=AuditVerb.IMPORT_FINISHED)
    assert started.actor == official and started.jurisdiction == world.hn
    assert finished.object_id == str(run.pk) and finished.after["created"] == 2

    again = _import(client, content, callbacks=django_capture_on_commit_callbacks)
    assert (again.rows_created, again.rows_existing, again.rows_failed) == (0, 2, 6)
    assert Worker.objects.filter(channel=RegistrationChannel.IMPORT).count() == 2
    assert _errors(again) == _errors(run)


def test_the_report_is_shown_and_downloaded_in_the_readers_language(
    client, world, occupations, django_capture_on_commit_callbacks
):
    client.force_login(world.users["official"])
    run = _import(client, csv_bytes(HEADER, PLANTED), callbacks=django_capture_on_commit_callbacks)
    page = client.get(
        reverse("imports:import_detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Same document as row 2." in page
    assert "The person must be at least 18 years old." in page
    assert "hx-trigger" not in page  # finished: no more polling

    response = client.get(
        reverse("imports:import_errors_csv", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["row", "column", "code", "problem"]
    assert ["6", "document_number", "duplicate_in_file", "Same document as row 2."] in lines
    assert len(lines) == 1 + 8


def test_the_error_page_is_paginated(
    client, world, occupations, django_capture_on_commit_callbacks
):
    client.force_login(world.users["official"])
    bad = [row(document_number=f"0801-1990-{n:05d}", sex="?") for n in range(60)]
    run = _import(client, csv_bytes(HEADER, bad), callbacks=django_capture_on_commit_callbacks)
    assert run.rows_failed == 60
    first = client.get(reverse("imports:import_detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en")
    second = client.get(
        reverse("imports:import_detail", args=[run.pk]), {"page": 2}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Page 1 of 2" in first.content.decode()
    assert first.content.decode().count("must be F, M or X") == 50
    assert second.content.decode().count("must be F, M or X") == 10


def test_an_xlsx_file_with_real_dates_and_numbers(
    client, world, occupations, django_capture_on_commit_callbacks
):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    cells = row(document_number="0801199000011", phone="94561234")
    values: list = list(cells)
    values[HEADER.index("birth_date")] = date(1990, 3, 4)  # a date cell, as Excel keeps it
    values[HEADER.index("phone")] = 94561234  # a number cell
    values[HEADER.index("education_level")] = 3
    sheet.append(values)
    sheet.append(row(document_number="0801-1990-00012", birth_date="1990-13-01"))
    out = io.BytesIO()
    book.save(out)
    client.force_login(world.users["official"])
    run = _import(client, out.getvalue(), "workers.xlsx", django_capture_on_commit_callbacks)
    assert (run.rows_created, run.rows_failed) == (1, 1)
    assert _errors(run) == {(3, "birth_date", "date_invalid")}
    assert run.total == run.done == 2
    worker = Worker.objects.get(
        documents__number_hash=IdentityDocument.hash_for(
            kind="national_id", issuing_country="HN", number="0801-1990-00011"
        )
    )
    assert worker.birth_date == date(1990, 3, 4) and worker.phone == "+50494561234"
    assert worker.documents.get().number == "0801-1990-00011"
    assert worker.education_level == "3"


def test_a_semicolon_csv_in_windows_1252_as_spanish_excel_saves_it(
    client, world, occupations, django_capture_on_commit_callbacks
):
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows([HEADER, row(given_names="Íngrid Ñusta")])
    client.force_login(world.users["official"])
    run = _import(
        client, text.getvalue().encode("cp1252"), callbacks=django_capture_on_commit_callbacks
    )
    assert run.rows_created == 1
    assert Worker.objects.filter(given_names="Íngrid Ñusta").exists()


def test_a_worker_already_registered_at_a_desk_is_counted_not_duplicated(
    client, world, occupations, django_capture_on_commit_callbacks
):
    IdentityDocumentFactory(worker=WorkerFactory(jurisdiction=world.hn), number="0501-1994-04417")
    client.force_login(world.users["official"])
    run = _import(client, csv_bytes(HEADER, [row()]), callbacks=django_capture_on_commit_callbacks)
    assert (run.rows_created, run.rows_existing, run.rows_failed) == (0, 1, 0)
    assert IdentityDocument.objects.count() == 1


def _people_rows(count: int) -> list[list[str]]:
    from vinculo.demo.generator import PeopleGenerator

    rows = []
    for person in PeopleGenerator(seed=7).people(count):
        document = person.documents[0]
        rows.append(
            row(
                given_names=person.given_names,
                first_surname=person.first_surname,
                second_surname=person.second_surname,
                sex=person.sex,
                birth_date=person.birth_date.isoformat(),
                nationality=person.nationality,
                document_kind=document.kind,
                document_number=document.number,
                document_country=document.issuing_country,
                phone=person.phone,
                residence_country=person.registered_in,
                subdivision="" if person.nationality == "VE" else person.subdivision,
                municipality=person.municipality,
                occupations="9211:2|6111:1",
            )
        )
    return rows


def test_a_big_file_is_streamed_and_written_batch_by_batch(world, occupations, monkeypatch):
    """Kept small, but the proof holds at any size: when each batch is written, the reader has
    gone at most one row past it; the file is never read whole before writing."""
    monkeypatch.setattr(services, "BATCH_SIZE", 7)
    read = {"rows": 0}
    seen_at_write: list[tuple[int, int]] = []
    original_open, original_write = readers.rows_open, batches._batch_write

    class Counting:
        def __init__(self, path, file_format):
            self.manager = original_open(path, file_format)

        def __enter__(self):
            # The count for the progress bar is its own streaming pass: count each pass alone.
            read["rows"] = 0
            rows = self.manager.__enter__()

            def counted():
                for item in rows:
                    read["rows"] += 1
                    yield item

            return counted()

        def __exit__(self, *exc):
            return self.manager.__exit__(*exc)

    def spying_write(run, writer, batch, blank):
        seen_at_write.append((read["rows"], len(batch)))
        return original_write(run, writer, batch, blank)

    run = services.import_request(
        kind="workers",
        upload=upload(csv_bytes(HEADER, _people_rows(30))),
        actor=world.users["official"],
    )  # not run: the test's transaction is never committed, so the task is not enqueued
    monkeypatch.setattr(readers, "rows_open", Counting)
    monkeypatch.setattr(batches, "_batch_write", spying_write)
    run = services.import_process(import_id=str(run.pk))
    assert run.status == RunStatus.DONE and run.rows_created == 30
    assert [size for _read, size in seen_at_write] == [7, 7, 7, 7, 2]
    # Header + the rows of the batches written so far + at most one row read ahead.
    for index, (rows_read, _size) in enumerate(seen_at_write[:-1]):
        assert rows_read <= 1 + 7 * (index + 1) + 1
    assert Worker.objects.filter(channel=RegistrationChannel.IMPORT).count() == 30
    assert WorkerOccupation.objects.count() == 60


def test_a_crashed_batch_leaves_no_half_written_rows_and_a_retry_finishes(
    world, occupations, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    run = services.import_request(
        kind="workers",
        upload=upload(csv_bytes(HEADER, _people_rows(7))),
        actor=world.users["official"],
    )
    original = batches._keys_insert
    calls = {"n": 0}

    def crash_on_second_batch(run, keys):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return original(run, keys)

    # Runs after the batch's workers, documents, occupations and languages are written.
    monkeypatch.setattr(batches, "_keys_insert", crash_on_second_batch)
    with pytest.raises(OSError):
        services.import_process(import_id=str(run.pk))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "disk full" in run.error
    assert run.done == 3 and run.rows_created == 3
    workers = Worker.objects.filter(channel=RegistrationChannel.IMPORT)
    assert workers.count() == 3
    for worker in workers:
        assert worker.documents.count() == 1 and worker.occupations.count() == 2
        assert worker.languages.count() == 2 and worker.consents.count() == 1
    assert IdentityDocument.objects.filter(worker__in=workers).count() == 3
    assert WorkerLanguage.objects.count() == 6 and Consent.objects.count() == 3

    monkeypatch.setattr(batches, "_keys_insert", original)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_retry(run=run, actor=world.users["official"])
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    retried = AuditEvent.objects.get(verb=AuditVerb.IMPORT_RETRIED)
    assert retried.actor == world.users["official"] and retried.object_id == str(run.pk)
    assert (run.rows_created, run.rows_existing, run.rows_failed) == (4, 3, 0)
    assert Worker.objects.filter(channel=RegistrationChannel.IMPORT).count() == 7
    assert IdentityDocument.objects.count() == 7


def test_a_registration_number_drawn_twice_is_drawn_again_not_written_twice(
    world, occupations, monkeypatch, django_capture_on_commit_callbacks
):
    taken = WorkerFactory(jurisdiction=world.hn).registration_number
    real = writers.new_registration_number
    draws = iter([taken, taken])  # the batch's first two rows draw a number already given

    monkeypatch.setattr(writers, "new_registration_number", lambda: next(draws, None) or real())
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_request(
            kind="workers",
            upload=upload(csv_bytes(HEADER, _people_rows(3))),
            actor=world.users["official"],
        )
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.rows_created == 3
    numbers = list(
        Worker.objects.filter(channel=RegistrationChannel.IMPORT).values_list(
            "registration_number", flat=True
        )
    )
    assert len(set(numbers)) == 3 and taken not in numbers


def test_copy_on_postgresql_and_bulk_insert_elsewhere(world, occupations, monkeypatch):
    used = []
    for name in ("workers_copy", "workers_insert"):
        original = getattr(writers, name)

        def spy(built, _original=original, _name=name):
            used.append(_name)
            return _original(built)

        monkeypatch.setattr(writers, name, spy)
    run = services.import_request(
        kind="workers",
        upload=upload(csv_bytes(HEADER, _people_rows(12))),
        actor=world.users["official"],
    )
    run = services.import_process(import_id=str(run.pk))
    expected = "workers_copy" if connection.vendor == "postgresql" else "workers_insert"
    assert used == [expected]
    imported = list(Worker.objects.filter(channel=RegistrationChannel.IMPORT).order_by("pk"))
    assert len(imported) == 12 and len({w.registration_number for w in imported}) == 12
    alphabet = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    for number in (w.registration_number for w in imported):
        assert len(number) == 14 and number[:3] == "VN-" and number[8] == "-"
        assert set(number[3:8] + number[9:]) <= alphabet
    for worker in imported:
        document = worker.documents.get()
        assert document.number_hash == IdentityDocument.hash_for(
            kind=document.kind, issuing_country=document.issuing_country, number=document.number
        )
        assert worker.version == 1 and worker.created_at is not None
        # The keys the check at registration looks people up by are written too.
        assert worker.key_surname1 and worker.key_given and worker.key_pair_hi
    # The sequences moved past the ids taken for COPY: ordinary inserts still work.
    later = WorkerFactory(jurisdiction=world.hn)
    assert later.pk > imported[-1].pk
    assert IdentityDocumentFactory(worker=later).pk > max(
        IdentityDocument.objects.filter(worker__in=imported).values_list("pk", flat=True)
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY path exists only on PostgreSQL"
)
def test_the_copy_path_writes_what_bulk_create_would(world, occupations):
    run = services.import_request(
        kind="workers", upload=upload(csv_bytes(HEADER, [row()])), actor=world.users["official"]
    )
    services.import_process(import_id=str(run.pk))
    worker = Worker.objects.get(channel=RegistrationChannel.IMPORT)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number FROM registry_identitydocument WHERE worker_id = %s", [worker.pk]
        )
        stored = cursor.fetchone()[0]
    assert "0501" not in stored  # encrypted at rest
    assert worker.documents.get().number == "0501-1994-04417"
    assert worker.consents.get().given_at is not None


def test_a_large_file_is_checked_in_a_helper_process_with_the_same_outcome(
    world, occupations, monkeypatch
):
    """The helper process is real (spawned, not mocked): forcing it on a small file must give
    exactly the rows, errors and counts of checking in this process."""
    rows = _people_rows(25)
    rows[3] = [*rows[3]]
    rows[3][HEADER.index("birth_date")] = "2030-01-01"
    rows[9] = [*rows[9]]
    rows[9][HEADER.index("sex")] = "Q"
    content = csv_bytes(HEADER, rows)
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    outcomes = []
    cache_before = _sqlite_cache_size()
    for threshold in (10**12, 0):  # in this process, then in a helper process
        monkeypatch.setattr(services, "PARALLEL_MIN_BYTES", threshold)
        Worker.objects.filter(channel=RegistrationChannel.IMPORT).delete()
        run = services.import_request(
            kind="workers", upload=upload(content), actor=world.users["official"]
        )
        run = services.import_process(import_id=str(run.pk))
        outcomes.append(
            (
                run.status,
                run.rows_created,
                run.rows_failed,
                _errors(run),
                sorted(
                    Worker.objects.filter(channel=RegistrationChannel.IMPORT).values_list(
                        "given_names", "first_surname", "phone"
                    )
                ),
            )
        )
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1:3] == (23, 2)
    assert {(row, column) for row, column, _code in outcomes[0][3]} == {
        (5, "birth_date"),
        (11, "sex"),
    }
    # The helper sealed each document number: stored encrypted, read back in clear, found by
    # its hash.
    first = rows[0]
    number = first[HEADER.index("document_number")]
    document = IdentityDocument.objects.get(search_hash=IdentityDocument.search_hash_for(number))
    assert (
        document.number == number
        and document.worker.given_names == first[HEADER.index("given_names")]
    )
    # The larger page cache for a large file on SQLite is given back afterwards.
    assert _sqlite_cache_size() == cache_before


def _sqlite_cache_size() -> int | None:
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


def test_the_cycle_collector_is_paused_while_batches_are_written_and_back_after(
    world, occupations, monkeypatch
):
    """Each batch's thousands of young objects are not re-scanned by Python's cycle collector
    while the import runs; it is on again afterwards, also when the import fails."""
    import gc

    seen: list[bool] = []
    write = services.batch_write

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return write(*args, **kwargs)

    monkeypatch.setattr(services, "batch_write", watched)
    run = services.import_request(
        kind="workers",
        upload=upload(csv_bytes(HEADER, _people_rows(3))),
        actor=world.users["official"],
    )
    run = services.import_process(import_id=str(run.pk))
    assert run.status == RunStatus.DONE and seen == [False]
    assert gc.isenabled()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "batch_write", broken)
    run = services.import_request(
        kind="workers",
        upload=upload(csv_bytes(HEADER, _people_rows(2))),
        actor=world.users["official"],
    )
    with pytest.raises(RuntimeError):
        services.import_process(import_id=str(run.pk))
    assert Import.objects.get(pk=run.pk).status == RunStatus.FAILED
    assert gc.isenabled()


def test_a_prepared_row_takes_each_default_once_and_makes_callable_ones_per_row():
    from vinculo.imports.bulk import Table

    table = Table(Worker)
    number = table.columns.index("registration_number")
    a, b = table.row({}), table.row({})
    assert a[number] != b[number]  # `new_registration_number`, drawn for each row
    assert table.row({"registration_number": "VN-1"})[number] == "VN-1"
    assert a[table.columns.index("version")] == 1  # a plain default, the same for every row
    occupation = Table(WorkerOccupation)
    years = occupation.columns.index("years_experience")
    assert occupation.row({"occupation_id": FRUIT_PICKER})[years] == 0
