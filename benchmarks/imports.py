"""Bulk import of workers: Vínculo's import beside a naive per-row loop, on the same CSV file,
each in its own process on a fresh database (SQLite, and PostgreSQL when it is reachable).

The file is made by the demo's people generator with a fixed seed: national identity documents
in each country's format, valid phones, one or two ISCO-08 occupations, languages, consent.

Peers:
- vinculo: `services.import_request` then the background task (immediate backend): streamed
  reading, the same row checks, batches of 5,000 rows per transaction, bulk INSERT on SQLite and
  COPY on PostgreSQL. Timed to the end of the import task; the matching index build that the
  import then queues (a task of its own, run inline by the immediate backend) is timed apart;
- naive: the loop a first implementation writes: for each row, the same checks, a query for the
  document, then Worker(...).save(), IdentityDocument(...).save(), one save per occupation,
  language and consent, each in its own autocommit transaction. Its rate does not depend on the
  file's size, so beyond NAIVE_CAP rows it runs on the first NAIVE_CAP rows only (said in the
  table).
"""

from __future__ import annotations

import csv
import multiprocessing as mp
import os
import resource
import tempfile
import time
from typing import Any

from benchmarks.children import answer

SIZES = {"S": 5_000, "M": 100_000, "L": 1_000_000}
NAIVE_CAP = 20_000
ROUNDS = {"S": 1, "M": 3, "L": 1}
PG_ADMIN_URL = os.environ.get("VINCULO_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def make_csv(path: str, count: int, seed: int) -> None:
    from vinculo.demo.generator import PeopleGenerator
    from vinculo.imports.domain import column_names

    header = column_names("workers")
    generator = PeopleGenerator(seed=seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        done = 0
        while done < count:
            for person in generator.people(min(5_000, count - done)):
                document = person.documents[-1]  # the passport when there is one
                values = {
                    "given_names": person.given_names,
                    "first_surname": person.first_surname,
                    "second_surname": person.second_surname,
                    "sex": person.sex,
                    "birth_date": person.birth_date.isoformat(),
                    "nationality": person.nationality,
                    "document_kind": document.kind,
                    "document_number": document.number,
                    "document_country": document.issuing_country,
                    "document_expiry": document.expires_on.isoformat()
                    if document.expires_on
                    else "",
                    "phone": person.phone,
                    "residence_country": person.registered_in,
                    "subdivision": "" if person.nationality == "VE" else person.subdivision,
                    "municipality": person.municipality,
                    "occupations": "|".join(f"{u}:{y}" for u, y in person.isco_units),
                    "languages": "es:native|en:A2" if done % 3 == 0 else "es:native",
                    "education_level": str(done % 5),
                    "work_abroad": "yes",
                    "consent_matching": "yes" if done % 4 else "no",
                }
                writer.writerow([values.get(c, "") for c in header])
                done += 1


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception:
        return False
    return True


def _pg_database(name: str, *, drop: bool = False) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup(database_url: str | None, data_dir: str) -> Any:
    os.environ["DJANGO_SETTINGS_MODULE"] = "vinculo.settings"
    os.environ["VINCULO_DATA_DIR"] = data_dir
    os.environ["VINCULO_TASKS"] = "immediate"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from vinculo.core.models import Jurisdiction, Membership, User
    from vinculo.reference.services import reference_load

    call_command("migrate", interactive=False, verbosity=0)
    reference_load()
    hn = Jurisdiction.objects.create(code="HN-STSS", country="HN", name_es="HN", name_en="HN")
    official = User.objects.create(username="official.bench")
    Membership.objects.create(user=official, role="official", jurisdiction=hn)
    return official


def vinculo_import(path: str, limit: int, official: Any) -> dict:
    from django.core.files import File
    from django.utils import timezone

    from vinculo.imports import services
    from vinculo.imports.models import Import

    started = timezone.now()
    with open(path, "rb") as handle:
        run = services.import_request(
            kind="workers", upload=File(handle, name="bench.csv"), actor=official
        )
    run = Import.objects.get(pk=run.pk)
    assert run.status == "done", (run.status, run.error)
    return {
        "rows": run.done,
        "created": run.rows_created,
        "failed": run.rows_failed,
        # The import task ends here; what follows is the index build it queued.
        "seconds": (run.finished_at - started).total_seconds(),
    }


def naive_import(path: str, limit: int, official: Any) -> dict:
    from django.utils import timezone

    from vinculo.imports.domain import worker_row_parse
    from vinculo.imports.writers import occupation_reference
    from vinculo.registry.models import (
        Consent,
        IdentityDocument,
        RegistrationChannel,
        Worker,
        WorkerLanguage,
        WorkerOccupation,
    )

    hn_id = official.memberships.get().jurisdiction_id
    reference, today = occupation_reference(), timezone.localdate()
    rows = created = failed = 0
    with open(path, newline="", encoding="utf-8") as handle:
        for cells in csv.DictReader(handle):
            if rows >= limit:
                break
            rows += 1
            r, errors = worker_row_parse(cells, today=today, occupations=reference)
            if errors:
                failed += 1
                continue
            number_hash = IdentityDocument.hash_for(
                kind=r.document_kind, issuing_country=r.document_country, number=r.document_number
            )
            if IdentityDocument.objects.filter(number_hash=number_hash).exists():
                continue
            worker = Worker(
                jurisdiction_id=hn_id,
                given_names=r.given_names,
                first_surname=r.first_surname,
                second_surname=r.second_surname,
                sex=r.sex,
                birth_date=r.birth_date,
                nationality=r.nationality,
                phone=r.phone,
                residence_country=r.residence_country,
                subdivision=r.subdivision,
                municipality=r.municipality,
                education_level=r.education_level,
                work_abroad=r.work_abroad,
                channel=RegistrationChannel.IMPORT,
                registered_by=official,
            )
            worker.save()
            IdentityDocument(
                worker=worker,
                kind=r.document_kind,
                issuing_country=r.document_country,
                number=r.document_number,
                number_hash=number_hash,
                search_hash=IdentityDocument.search_hash_for(r.document_number),
                expires_on=r.document_expiry,
            ).save()
            for esco_id, unit, years in r.occupations:
                WorkerOccupation(
                    worker=worker, occupation_id=esco_id, isco_group_id=unit, years_experience=years
                ).save()
            for code, level in r.languages:
                WorkerLanguage(worker=worker, language=code, level=level).save()
            if r.consent_matching:
                Consent(worker=worker, purpose="matching").save()
            created += 1
    return {"rows": rows, "created": created, "failed": failed}


METHODS = {"vinculo": vinculo_import, "naive": naive_import}


def _run(method: str, database: str, path: str, limit: int, out: Any) -> None:
    data_dir = tempfile.mkdtemp(prefix="vinculo-bench-import-")
    url = None
    if database == "postgresql":
        name = f"vinculo_bench_{os.getpid()}"
        _pg_database(name)
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        official = _setup(url, data_dir)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        counts = METHODS[method](path, limit, official)
        elapsed = time.perf_counter() - started
        seconds = counts.pop("seconds", elapsed)
        out.put(
            {
                "method": method,
                "database": database,
                **counts,
                "seconds": seconds,
                "after": elapsed - seconds,
                "rate": counts["rows"] / seconds,
                "rss_before": rss_before,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                # The helper process that checks rows of a large file, if one was started.
                "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    finally:
        if url:
            from django.db import connections

            connections.close_all()
            _pg_database(url.rsplit("/", 1)[1], drop=True)


def main(*, size: str, seed: int) -> int:
    count = SIZES[size]
    workdir = tempfile.mkdtemp(prefix="vinculo-bench-csv-")
    path = os.path.join(workdir, "workers.csv")
    started = time.perf_counter()
    make_csv(path, count, seed)
    made = time.perf_counter() - started
    print(
        f"\nBulk import of workers: {count:,} rows (size {size}, seed {seed}), "
        f"{os.path.getsize(path) / 1e6:.1f} MB of CSV, made in {made:.0f} s"
    )
    databases = ["sqlite"] + (["postgresql"] if _pg_reachable() else [])
    if len(databases) == 1:
        print("(PostgreSQL is not reachable at VINCULO_BENCH_PG: SQLite only)")
    context = mp.get_context("spawn")
    rounds = ROUNDS[size]
    runs: dict[tuple[str, str], list[dict]] = {}
    for database in databases:
        # The methods take turns, round after round: a machine that slows down for a while
        # (other work, the disk) then weighs on both, and the median is what is reported.
        for _round in range(rounds):
            for method in METHODS:
                limit = count if method == "vinculo" else min(count, NAIVE_CAP)
                out = context.Queue()
                process = context.Process(target=_run, args=(method, database, path, limit, out))
                process.start()
                runs.setdefault((database, method), []).append(answer(process, out))
    print(
        f"\n{rounds} round(s) per method; the row is the median round by rate."
        "\n\n| database | method | rows | created | bad rows | import s | rows/s "
        "| then index build s | peak RSS MB (before import) | helper process peak MB "
        "| rows/s vs naive |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios: dict[str, list[float]] = {}
    for (database, method), results in runs.items():
        naive = runs[(database, "naive")]
        r = sorted(results, key=lambda x: x["rate"])[len(results) // 2]
        median_naive = sorted(x["rate"] for x in naive)[len(naive) // 2]
        after = f"{r['after']:.1f}" if method != "naive" else "—"
        if method != "naive":
            ratios[database] = [v["rate"] / n["rate"] for v, n in zip(results, naive, strict=True)]
        print(
            f"| {database} | {method} | {r['rows']:,} | {r['created']:,} | "
            f"{r['failed']:,} | {r['seconds']:.1f} | {r['rate']:,.0f} | "
            f"{after} | {r['peak_mb']:.0f} ({r['rss_before']:.0f}) | {r['child_mb']:.0f} | "
            f"{r['rate'] / median_naive:.1f}x |"
        )
    for database, values in ratios.items():
        print(
            f"\n{database}: vinculo vs naive in each round: "
            + ", ".join(f"{v:.1f}x" for v in values)
        )
    os.remove(path)
    return 0
