"""Record linkage of a synthetic registry: Vínculo's model beside Splink's library defaults.

Data: `vinculo.demo.synthetic` (the demo's Honduran, Guatemalan, ... name frequencies, about
15% planted second registrations with desk errors), its ground truth in a separate file.

Peers, on the same file, each in its own process (beyond 100,000 records the peer, whose
blocking compares every same-name pair, runs on the file's first 100,000 records, and Vínculo
runs there too for the ratio):
- vinculo: `linkage.engine.run`, the model `vinculo dedup` uses (phonetic Spanish name keys,
  surnames in either order, swapped day/month, compound blocking rules);
- splink-defaults: Splink with its comparison library's defaults on the raw columns (NameComparison,
  DateOfBirthComparison, ExactMatch) and plain blocking rules, the same training steps.

Then the same two on a foreign-style registry (`vinculo.demo.synthetic_foreign`: English
names with nicknames and typos, street addresses, postcodes, localities, a social-security-like
number, dates of birth missing from a quarter of the records or mistyped), where the peer is a
general-purpose Splink set-up: its library comparisons on every column and plain blocking rules
on names, date of birth, number, address and postcode.

Reported: pairwise precision, recall and F1 at probability 0.9; the pairs the blocking rules
compare; the share of true pairs that they keep; wall time; peak memory of the process.

Then the check at registration (`linkage.selectors.likely_matches`, what the desk page calls
before a save) against the same number of workers registered in SQLite: the latency of each
of 1,000 checks (half of them a new registration of someone already there, with desk errors;
half someone new), its percentiles, and how often the person already there was shown.
"""

from __future__ import annotations

import csv
import itertools
import multiprocessing as mp
import os
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.children import answer

SIZES = {"S": 100_000, "M": 1_000_000, "L": 1_000_000}
# The foreign-style file is smaller: the peer's blocking on a postcode or a date alone grows
# with the square of the file.
FOREIGN_SIZES = {"S": 20_000, "M": 100_000, "L": 100_000}
THRESHOLD = 0.9
CHECKS = 1_000


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinculo.settings")
    os.environ.setdefault("VINCULO_DATA_DIR", tempfile.mkdtemp(prefix="vinculo-bench-link-"))
    import django

    django.setup()


def _true_pairs(truth: Path) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    with truth.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            members[row["persona"]].append(row["id_registro"])
    return {
        tuple(sorted(pair))
        for group in members.values()
        if len(group) > 1
        for pair in itertools.combinations(group, 2)
    }


def _scores(pairs_path: Path, true_pairs: set[tuple[str, str]]) -> dict[str, float]:
    with pairs_path.open(newline="", encoding="utf-8") as handle:
        found = {tuple(sorted((r["id_a"], r["id_b"]))) for r in csv.DictReader(handle)}
    hits = len(found & true_pairs)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(true_pairs)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"pairs": len(found), "precision": precision, "recall": recall, "f1": f1}


def _blocking_recall(con: Any, table: str, rules: list[str], truth: Path) -> float:
    """Share of true pairs that at least one blocking rule generates."""
    con.execute(
        "CREATE TABLE truth AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
        [str(truth)],
    )
    con.execute(
        "CREATE TABLE true_pairs AS SELECT a.id_registro AS a, b.id_registro AS b FROM truth a "
        "JOIN truth b ON a.persona = b.persona AND a.id_registro < b.id_registro"
    )
    either = " OR ".join(f"({rule})" for rule in rules)
    kept, total = con.execute(
        f"SELECT count(*) FILTER (WHERE {either}), count(*) FROM true_pairs t "  # noqa: S608
        f"JOIN {table} l ON l.unique_id = t.a JOIN {table} r ON r.unique_id = t.b"
    ).fetchall()[0]
    return kept / total if total else 1.0


def vinculo(path: Path, truth: Path, out: Path, kind: str) -> dict[str, Any]:
    import duckdb

    from vinculo.demo import synthetic, synthetic_foreign
    from vinculo.linkage import engine

    con = duckdb.connect()
    if kind == "foreign":
        source = engine.Source(path, "rec_id", synthetic_foreign.ROLES)
    else:
        source = engine.Source(path, "id_registro", synthetic.ROLES)
    result = engine.run([source], out, threshold=THRESHOLD, con=con)
    return {
        "records": result.records,
        "pairs_path": result.pairs_path,
        "compared": result.compared,
        "blocking": _blocking_recall(con, "records_0", result.blocking_rules, truth),
    }


def _predict(con: Any, linker: Any, out: Path) -> tuple[Path, int]:
    """Score every pair the blocking rules make (to count them), write those at THRESHOLD."""
    predictions = linker.inference.predict()
    table = con.table(predictions.physical_name)
    out.mkdir(parents=True, exist_ok=True)
    pairs_path = out / "pairs.csv"
    table.filter(f"match_probability >= {THRESHOLD}").project(
        "unique_id_l AS id_a, unique_id_r AS id_b, match_probability AS probability"
    ).write_csv(str(pairs_path), header=True)
    return pairs_path, table.count("*").fetchall()[0][0]


def splink_defaults(path: Path, truth: Path, out: Path, kind: str) -> dict[str, Any]:
    if kind == "foreign":
        return splink_general(path, truth, out)
    return splink_spanish_defaults(path, truth, out)


def splink_spanish_defaults(path: Path, truth: Path, out: Path) -> dict[str, Any]:
    """Splink as its documentation starts: library comparisons on the raw (lower-cased,
    unaccented) columns, blocking on first name + surname, surname + date of birth, document."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{tempfile.mkdtemp(prefix='link-spill-')}'")
    con.execute("SET memory_limit = '6GB'")
    con.execute("SET enable_progress_bar = false")
    con.execute(
        "CREATE TABLE raw AS SELECT id_registro AS unique_id, "
        "lower(strip_accents(nombres)) AS first_name, "
        "lower(strip_accents(primer_apellido)) AS surname, "
        "lower(strip_accents(segundo_apellido)) AS second_surname, "
        "coalesce(try_strptime(fecha_nacimiento, '%Y-%m-%d'), try_strptime(fecha_nacimiento, "
        "'%d/%m/%Y'), try_strptime(fecha_nacimiento, '%d-%m-%Y'))::DATE AS dob, "
        "nullif(documento, '') AS document, telefono AS phone "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [str(path)],
    )
    blocking = [
        block_on("first_name", "surname"),
        block_on("surname", "dob"),
        block_on("document"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.NameComparison("second_surname"),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.ExactMatch("document"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=blocking,
    )
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("raw", table_name="input_raw"), settings, log_level="ERROR")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=2026)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    pairs_path, compared = _predict(con, linker, out)
    rules = [
        'l."first_name" = r."first_name" AND l."surname" = r."surname"',
        'l."surname" = r."surname" AND l."dob" = r."dob"',
        'l."document" = r."document"',
    ]
    return {
        "records": con.table("raw").count("*").fetchall()[0][0],
        "pairs_path": pairs_path,
        "compared": compared,
        "blocking": _blocking_recall(con, "raw", rules, truth),
    }


def splink_general(path: Path, truth: Path, out: Path) -> dict[str, Any]:
    """A general-purpose Splink set-up for a registry of English names and street addresses,
    as Splink's own examples on such files do it: library comparisons on the lower-cased raw
    columns, blocking on the names, the date of birth, the number, the address and the
    postcode; the share of matches from near-certain rules, u from random pairs, m by EM."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{tempfile.mkdtemp(prefix='link-spill-')}'")
    con.execute("SET memory_limit = '6GB'")
    con.execute("SET enable_progress_bar = false")
    con.execute(
        "CREATE TABLE raw AS SELECT rec_id AS unique_id, "
        "nullif(lower(given_name), '') AS given_name, nullif(lower(surname), '') AS surname, "
        "nullif(lower(address), '') AS address, nullif(lower(suburb), '') AS suburb, "
        "nullif(postcode, '') AS postcode, "
        "coalesce(try_strptime(date_of_birth, '%Y%m%d'), try_strptime(date_of_birth, "
        "'%Y-%m-%d'), try_strptime(date_of_birth, '%d/%m/%Y'))::DATE AS dob, "
        "nullif(replace(soc_sec_id, '-', ''), '') AS soc_sec_id "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [str(path)],
    )
    blocking = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname AND l.surname = r.given_name",
        block_on("dob"),
        block_on("soc_sec_id"),
        block_on("address"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.JaroWinklerAtThresholds("address", [0.95, 0.88]),
            cl.JaroWinklerAtThresholds("suburb", [0.92]),
            cl.LevenshteinAtThresholds("postcode", [1]),
        ],
        blocking_rules_to_generate_predictions=blocking,
    )
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("raw", table_name="input_raw"), settings, log_level="ERROR")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=2026)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    pairs_path, compared = _predict(con, linker, out)
    rules = [
        'l."given_name" = r."given_name" AND l."surname" = r."surname"',
        'l."given_name" = r."surname" AND l."surname" = r."given_name"',
        'l."dob" = r."dob"',
        'l."soc_sec_id" = r."soc_sec_id"',
        'l."address" = r."address"',
        'l."postcode" = r."postcode"',
    ]
    return {
        "records": con.table("raw").count("*").fetchall()[0][0],
        "pairs_path": pairs_path,
        "compared": compared,
        "blocking": _blocking_recall(con, "raw", rules, truth),
    }


METHODS = {"vinculo": vinculo, "splink-defaults": splink_defaults}


def _run(method: str, kind: str, path: Path, truth: Path, out: Any) -> None:
    _django()
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix=f"link-{method}-"))
    result = METHODS[method](path, truth, workdir, kind)
    seconds = time.perf_counter() - started
    scores = _scores(result["pairs_path"], _true_pairs(truth))
    out.put(
        {
            "method": method,
            "records": result["records"],
            "blocking": result["blocking"],
            "compared": result["compared"],
            "seconds": seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            **scores,
        }
    )


PEER_CAP = 100_000  # Splink's default blocking compares every same-name pair: beyond this, hours


def _head(path: Path, truth: Path, count: int) -> tuple[Path, Path]:
    """The first `count` records of the registry and their truth: the same data, smaller."""
    small, small_truth = path.with_name(f"head-{path.name}"), truth.with_name(f"head-{truth.name}")
    for source, target in ((path, small), (truth, small_truth)):
        with source.open(encoding="utf-8") as reader, target.open("w", encoding="utf-8") as out:
            out.writelines(itertools.islice(reader, count + 1))
    return small, small_truth


def _measure(method: str, path: Path, truth: Path, kind: str = "honduran") -> dict[str, Any]:
    queue = mp.get_context("spawn").Queue()
    process = mp.get_context("spawn").Process(target=_run, args=(method, kind, path, truth, queue))
    process.start()
    return answer(process, queue)


def main(*, size: str, seed: int) -> int:
    _django()
    from vinculo.demo import synthetic, synthetic_foreign

    count = SIZES[size]
    workdir = Path(tempfile.mkdtemp(prefix="vinculo-bench-linkage-"))
    path, truth = workdir / "registro.csv", workdir / "verdad.csv"
    started = time.perf_counter()
    true_pairs = synthetic.write(path, truth, count, seed=seed)
    print(
        f"\nRecord linkage: {count:,} records (size {size}, seed {seed}), {true_pairs:,} true "
        f"pairs, made in {time.perf_counter() - started:.0f} s; threshold {THRESHOLD}"
    )
    results = [_measure("vinculo", path, truth)]
    files = [path, truth]
    if count > PEER_CAP:  # the peer, and Vínculo beside it, on the first records of the same file
        small, small_truth = _head(path, truth, PEER_CAP)
        files += [small, small_truth]
        results.append(_measure("vinculo", small, small_truth))
    else:
        small, small_truth = path, truth
    results.append(_measure("splink-defaults", small, small_truth))
    _table(results)
    ours, peer = results[-2], results[-1]
    print(
        f"\nvinculo / splink-defaults on {peer['records']:,} records: "
        f"F1 {ours['f1'] / max(peer['f1'], 1e-9):.2f}x, "
        f"time {ours['seconds'] / peer['seconds']:.2f}x"
    )
    foreign_count = FOREIGN_SIZES[size]
    f_path, f_truth = workdir / "foreign.csv", workdir / "foreign-truth.csv"
    started = time.perf_counter()
    f_pairs = synthetic_foreign.write(f_path, f_truth, foreign_count, seed=seed)
    print(
        f"\nForeign-style registry: {foreign_count:,} records (seed {seed}), {f_pairs:,} true "
        f"pairs, made in {time.perf_counter() - started:.0f} s; English names, addresses, "
        "postcodes, a social-security number, dates of birth often missing or mistyped"
    )
    _table(
        [
            _measure("vinculo", f_path, f_truth, "foreign"),
            _measure("splink-defaults", f_path, f_truth, "foreign"),
        ]
    )
    files += [f_path, f_truth]
    for file in files:
        file.unlink()
    online = _online(count, seed)
    print(
        f"\nCheck at registration against {online['workers']:,} workers in SQLite "
        f"(loaded in {online['load_s']:.0f} s): {CHECKS:,} checks, half of them someone "
        "already registered\n"
    )
    print("| p50 ms | p95 ms | p99 ms | max ms | already registered and shown |")
    print("|---:|---:|---:|---:|---:|")
    p = online["percentiles"]
    print(
        f"| {p[50]:.1f} | {p[95]:.1f} | {p[99]:.1f} | {p[100]:.1f} | "
        f"{online['found']}/{online['asked']} ({online['found'] / online['asked']:.1%}) |"
    )
    return 0


def _table(results: list[dict[str, Any]]) -> None:
    print(
        "\n| method | records | pairs found | precision | recall | F1 | pairs compared | "
        "true pairs kept by blocking | total s | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['method']} | {r['records']:,} | {r['pairs']:,} | {r['precision']:.4f} | "
            f"{r['recall']:.4f} | {r['f1']:.4f} | {r['compared']:,} | {r['blocking']:.2%} | "
            f"{r['seconds']:.0f} | {r['peak_mb']:,.0f} |"
        )


def _online_run(count: int, seed: int, out: Any) -> None:
    """In a fresh process and database: register `count` synthetic workers, then time the check
    for `CHECKS` people: a corrupted copy of a registered one, or a new person, in turn."""
    # A database of its own, whatever the environment points at.
    os.environ.pop("DATABASE_URL", None)
    os.environ["VINCULO_DATA_DIR"] = tempfile.mkdtemp(prefix="vinculo-bench-check-")
    _django()
    from django.core.management import call_command

    from vinculo.core.models import Jurisdiction, Membership, User
    from vinculo.demo import synthetic

    call_command("migrate", verbosity=0)
    jurisdiction = Jurisdiction.objects.create(
        code="HN-BENCH", country="HN", name_es="Banco de pruebas", name_en="Test bench"
    )
    official = User.objects.create_user(username="bench.official")
    Membership.objects.create(user=official, role="official", jurisdiction=jurisdiction)
    started = time.perf_counter()
    synthetic.registry_load(jurisdiction, count, seed=seed)
    load_s = time.perf_counter() - started
    out.put({"load_s": load_s, **online_checks(official, seed)})


def online_checks(official: Any, seed: int) -> dict[str, Any]:
    """Time `CHECKS` checks against the registry already loaded (as `official` sees it): in
    turn a registered worker written again with desk errors, and someone new."""
    import random

    from vinculo.demo import synthetic
    from vinculo.registry.identity import Person
    from vinculo.registry.models import Worker
    from vinculo.registry.selectors import DocumentGiven, likely_matches

    rng = random.Random(seed)
    top = Worker.objects.order_by("-pk").values_list("pk", flat=True).first()
    newcomers = synthetic.records(CHECKS, seed=seed + 1, duplicate_share=0)
    timings, found, asked = [], 0, 0
    for i in range(CHECKS):
        if i % 2 == 0:
            original = None
            while original is None:
                pick = rng.randint(1, top)
                original = Worker.objects.prefetch_related("documents").filter(pk=pick).first()
            numbers = [d.number for d in original.documents.all()]
            record = synthetic.Record(
                id="",
                person=0,
                given=original.given_names,
                first=original.first_surname,
                second=original.second_surname,
                birth=original.birth_date,
                sex=original.sex,
                document=numbers[0] if numbers else "",
                phone=original.phone,
                municipality=original.municipality,
            )
            record = synthetic.corrupt(rng, record, lambda: "+50431234567")
        else:
            original, record = None, next(newcomers)
        person = Person(
            given_names=record.given,
            first_surname=record.first,
            second_surname=record.second,
            birth_date=record.birth,
            phone=record.phone,
            sex=record.sex,
        )
        documents = [DocumentGiven("national_id", "HN", record.document)] if record.document else []
        begin = time.perf_counter()
        matches = likely_matches(actor=official, person=person, documents=documents)
        timings.append((time.perf_counter() - begin) * 1000)
        if original is not None:
            asked += 1
            found += any(m.worker.pk == original.pk for m in matches)
    timings.sort()
    return {
        "workers": Worker.objects.count(),
        "percentiles": {
            q: timings[min(len(timings) - 1, int(len(timings) * q / 100))]
            for q in (50, 95, 99, 100)
        },
        "found": found,
        "asked": asked,
    }


def _online(count: int, seed: int) -> dict[str, Any]:
    queue = mp.get_context("spawn").Queue()
    process = mp.get_context("spawn").Process(target=_online_run, args=(count, seed, queue))
    process.start()
    return answer(process, queue)
