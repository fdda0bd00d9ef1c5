"""Batch record linkage with Splink on embedded DuckDB: prepare records, train, score, cluster.

Records come in with roles (given_name, family_name, ...) whatever their file called them; each
is turned into the keys of `linkage.domain` in Python, and the Fellegi-Sunter model compares
those keys. For national scale the same settings run on Spark (`splink.SparkAPI`, see
docs/linkage.md): only the database API changes.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from vinculo.registry.identity import (
    address_key,
    birth_date_variants,
    document_key,
    given_name_root,
    name_tokens,
    phone_key,
    phonetic,
)

ROLES = (
    "given_name",
    "family_name",
    "second_family_name",
    "full_name",
    "birth_date",
    "sex",
    "document_number",
    "phone",
    "address",
    "locality",
    "postcode",
)
# Columns of a prepared record, in order.
PREPARED = (
    "unique_id",
    "source_dataset",
    "gn",
    "gn1",
    "gn_ph",
    "gn1_ph",
    "gn1_root",
    "fn",
    "fn_ph",
    "sn",
    "sn_ph",
    "sp_lo",
    "sp_hi",
    "dob",
    "dob_year",
    "dob_swapped",
    "sex",
    "doc",
    "phone",
    "addr",
    "addr_no",
    "addr_st",
    "loc",
    "postcode",
)
Progress = Callable[[str, int, int], None]  # (stage, done, total)

_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})"),
    re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)


def date_parse(text: str) -> date | None:
    """A date in the forms registries write: 1994-05-12, 12/05/1994, 12-05-1994, 12.05.1994,
    12/05/94, 19940512. Day before month, as in the region; a first number over 12 is a day
    anyway, and a second one over 12 means the writer put the month first (05/25/1994)."""
    text = (text or "").strip()
    for form in _DATE_FORMS:
        match = form.match(text)
        if not match:
            continue
        y, m, d = (int(match.group(k)) for k in ("y", "m", "d"))
        if y < 100:
            y += 1900 if y > 30 else 2000
        if m > 12 >= d:
            m, d = d, m
        try:
            return date(y, m, d)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Source:
    """One input file and how its columns map to roles."""

    path: Path
    id_column: str
    fields: dict[str, str]  # role -> column
    name: str = "a"


def _names(role_values: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    given = name_tokens(role_values.get("given_name", ""))
    first = name_tokens(role_values.get("family_name", ""))
    second = name_tokens(role_values.get("second_family_name", ""))
    full = role_values.get("full_name", "")
    if full and not (given or first):
        tokens = name_tokens(full)
        if len(tokens) >= 3:
            given, first, second = tokens[:-2], [tokens[-2]], [tokens[-1]]
        elif len(tokens) == 2:
            given, first = tokens[:1], tokens[1:]
        else:
            given = tokens
    return given, first, second


def prepare(unique_id: str, source: str, role_values: dict[str, str]) -> tuple:
    """One record's comparison keys, in PREPARED order (None where a value is missing)."""
    given, first, second = _names(role_values)

    def joined(tokens: list[str]) -> str | None:
        return " ".join(tokens) or None

    def sound(tokens: list[str]) -> str | None:
        return " ".join(phonetic(t) for t in tokens) or None

    fn_ph, sn_ph = sound(first), sound(second)
    pair = sorted(p for p in (fn_ph, sn_ph) if p)
    birth = date_parse(role_values.get("birth_date", ""))
    swapped = [v for v in birth_date_variants(birth) if v != birth]
    sex = (role_values.get("sex") or "").strip().upper()[:1] or None
    address = address_key(role_values.get("address", ""))
    return (
        unique_id,
        source,
        joined(given),
        given[0] if given else None,
        sound(given),
        phonetic(given[0]) if given else None,
        given_name_root(given[0]) if given else None,
        joined(first),
        fn_ph,
        joined(second),
        sn_ph,
        pair[0] if pair else None,
        pair[1] if len(pair) > 1 else None,
        birth.isoformat() if birth else None,
        birth.year if birth else None,
        swapped[0].isoformat() if swapped else None,
        sex,
        document_key(role_values.get("document_number", "")) or None,
        phone_key(role_values.get("phone", "")) or None,
        address.text or None,
        address.number or None,
        address.street or None,
        " ".join(name_tokens(role_values.get("locality", ""))) or None,
        re.sub(r"\s+", "", role_values.get("postcode", "")).upper() or None,
    )


def read(source: Source) -> Iterator[tuple]:
    with source.path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [
            c
            for c in [source.id_column, *source.fields.values()]
            if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise ValueError(f"{source.path.name}: no column {', '.join(missing)}")
        for row in reader:
            values = {role: row.get(column) or "" for role, column in source.fields.items()}
            yield prepare(row[source.id_column], source.name, values)


# --- the model -----------------------------------------------------------------------------------


def _level(sql: str, label: str, *, null: bool = False) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "is_null_level": null}


def _else() -> dict[str, Any]:
    return _level("ELSE", "all other")


def comparisons(present: set[str] | None = None) -> list[dict[str, Any]]:
    """How two records are compared, field by field, from strongest agreement to none. Names
    are compared by their folded text, then by their Spanish sound key, then by Jaro-Winkler;
    surnames in either order; dates of birth with day and month swapped."""
    jw = "jaro_winkler_similarity"
    present = set(PREPARED) if present is None else present
    every = [
        {
            "output_column_name": "given_name",
            "comparison_levels": [
                _level('"gn_l" IS NULL OR "gn_r" IS NULL', "null", null=True),
                _level('"gn_l" = "gn_r"', "exact"),
                _level('"gn_ph_l" = "gn_ph_r"', "sounds the same"),
                _level(f'{jw}("gn_l", "gn_r") >= 0.92', "Jaro-Winkler >= 0.92"),
                _level('"gn1_ph_l" = "gn1_ph_r"', "first name sounds the same"),
                _level('"gn1_root_l" = "gn1_root_r"', "first name a diminutive of the other"),
                _level(f'{jw}("gn_l", "gn_r") >= 0.80', "Jaro-Winkler >= 0.80"),
                _else(),
            ],
        },
        {
            "output_column_name": "surnames",
            "comparison_levels": [
                _level('"fn_l" IS NULL OR "fn_r" IS NULL', "null", null=True),
                _level('"fn_l" = "fn_r" AND "sn_l" = "sn_r"', "both exact"),
                _level('"sp_lo_l" = "sp_lo_r" AND "sp_hi_l" = "sp_hi_r"', "both sound the same"),
                _level(
                    '"fn_ph_l" = "fn_ph_r" AND ("sn_l" IS NULL OR "sn_r" IS NULL)',
                    "first sounds the same, a second missing",
                ),
                _level(
                    f'{jw}("fn_l", "fn_r") >= 0.9 AND (("sn_l" IS NULL AND "sn_r" IS NULL) OR '
                    f"{jw}(coalesce(\"sn_l\", ''), coalesce(\"sn_r\", '')) >= 0.9)",
                    "both close",  # or the one surname close, in a file of one surname each
                ),
                _level(
                    '"fn_ph_l" IN ("sp_lo_r", "sp_hi_r") OR "sn_ph_l" IN ("sp_lo_r", "sp_hi_r")',
                    "one surname sounds the same",
                ),
                _else(),
            ],
        },
        {
            "output_column_name": "birth_date",
            "comparison_levels": [
                _level('"dob_l" IS NULL OR "dob_r" IS NULL', "null", null=True),
                _level('"dob_l" = "dob_r"', "exact"),
                _level('"dob_l" = "dob_swapped_r"', "day and month swapped"),
                _level(
                    'abs(date_diff(\'day\', CAST("dob_l" AS DATE), CAST("dob_r" AS DATE))) <= 1',
                    "a day apart",
                ),
                # A year one off is the commonest slip (the age counted instead of the year); a
                # year further off, up to a decade, is a digit mistyped, and namesakes born on
                # the same day of different years share it far more often: its own level.
                _level(
                    'substr("dob_l", 6) = substr("dob_r", 6) AND '
                    'abs("dob_year_l" - "dob_year_r") = 1',
                    "same day and month, year one off",
                ),
                _level(
                    'substr("dob_l", 6) = substr("dob_r", 6) AND '
                    'abs("dob_year_l" - "dob_year_r") <= 10',
                    "same day and month, year mistyped",
                ),
                _level(
                    'damerau_levenshtein("dob_l", "dob_r") <= 1',
                    "two digits transposed or one mistyped",
                ),
                _level('"dob_year_l" = "dob_year_r"', "same year"),
                _else(),
            ],
        },
        _exact("document", "doc", unique=True),
        _exact("phone", "phone", unique=True),
        _exact("sex", "sex"),
        _exact("locality", "loc"),
    ]
    if {"addr", "postcode"} & present:
        # A street address, a postcode and a locality say one thing, where the person lives:
        # compared apart, neighbours would agree three times and a person who moved disagree
        # three times, each counted as independent evidence.
        every = [c for c in every if c["output_column_name"] != "locality"] + [_place(present)]
    return [c for c in every if _main_column(c) in present]


def _place(present: set[str]) -> dict[str, Any]:
    """Where the person lives, from the address, postcode and locality the input has."""
    jw = "jaro_winkler_similarity"
    same_area = '("postcode_l" = "postcode_r" OR "loc_l" = "loc_r")'
    levels = [
        (
            {"addr", "addr_no", "addr_st"},
            '"addr_no_l" = "addr_no_r" AND "addr_st_l" = "addr_st_r"',
            "same house number and street",
        ),
        ({"addr"}, f'{jw}("addr_l", "addr_r") >= 0.88 AND {same_area}', "address close, same area"),
        ({"postcode", "loc"}, '"postcode_l" = "postcode_r" AND "loc_l" = "loc_r"', "same area"),
        ({"postcode"}, '"postcode_l" = "postcode_r"', "same postcode"),
        ({"loc"}, '"loc_l" = "loc_r"', "same locality"),
        (
            {"postcode"},
            'damerau_levenshtein("postcode_l", "postcode_r") <= 1',
            "postcode one digit off",
        ),
    ]
    null = " AND ".join(
        f'("{c}_l" IS NULL OR "{c}_r" IS NULL)' for c in ("addr", "postcode", "loc") if c in present
    )
    return {
        "output_column_name": "place",
        "comparison_levels": [
            _level(null, "null", null=True),
            *(_level(sql, label) for columns, sql, label in levels if columns <= present),
            _else(),
        ],
    }


def _main_column(comparison: dict[str, Any]) -> str:
    """The prepared column a comparison is about: the one its first (null) level tests."""
    return _COLUMN.findall(comparison["comparison_levels"][0]["sql_condition"])[0][: -len("_l")]


def _exact(name: str, column: str, *, unique: bool = False) -> dict[str, Any]:
    """Agreement on one value. For values that identify a person (`unique`: a document, a phone)
    random pairs almost never agree, so the sampling that trains u rarely sees it: their u
    starts at about one in a million, which training refines when it does see some."""
    exact = _level(f'"{column}_l" = "{column}_r"', "exact")
    levels = [_level(f'"{column}_l" IS NULL OR "{column}_r" IS NULL', "null", null=True), exact]
    if unique:
        exact["u_probability"] = 1e-6
        levels.append(_level(f'damerau_levenshtein("{column}_l", "{column}_r") <= 1', "one typo"))
        levels[-1]["u_probability"] = 1e-5
    return {"output_column_name": name, "comparison_levels": [*levels, _else()]}


# Compound blocking rules: a common surname (Hernández is 4% of Honduras) never forms a block on
# its own, only with a date of birth (or a part of it) and a given name or a place, so the pairs
# grow about linearly with the registry. Each is an equality the database joins on; an OR inside
# a rule would make it compare every pair that shares the rest.
BLOCKING_RULES = [
    'l."doc" = r."doc"',
    'l."phone" = r."phone"',
    'l."sp_lo" = r."sp_lo" AND l."sp_hi" = r."sp_hi" AND l."dob" = r."dob"',
    'l."fn_ph" = r."fn_ph" AND l."dob" = r."dob"',
    'l."gn1_ph" = r."gn1_ph" AND l."dob" = r."dob"',
    'l."gn1_ph" = r."gn1_ph" AND l."dob" = r."dob_swapped"',
    # the same names, the date of birth wrong by a day or two (same year) or in its year
    'l."gn1_ph" = r."gn1_ph" AND l."sp_lo" = r."sp_lo" AND l."sp_hi" = r."sp_hi"'
    ' AND l."dob_year" = r."dob_year"',
    'l."gn1_ph" = r."gn1_ph" AND l."sp_lo" = r."sp_lo" AND l."sp_hi" = r."sp_hi"'
    ' AND substr(l."dob", 6) = substr(r."dob", 6)',
    'l."gn1_ph" = r."gn1_ph" AND l."fn_ph" = r."fn_ph" AND l."loc" = r."loc"'
    ' AND l."dob_year" = r."dob_year"',
    # one surname moved to the other place, the other missing or different
    'l."gn1_ph" = r."gn1_ph" AND l."fn_ph" = r."sn_ph"'
    ' AND substr(l."dob", 1, 7) = substr(r."dob", 1, 7)',
    'l."gn1_ph" = r."gn1_ph" AND l."sn_ph" = r."fn_ph"'
    ' AND substr(l."dob", 1, 7) = substr(r."dob", 1, 7)',
    # Without the date of birth: files that lack it for many records, or mistype it (a
    # foreign registry with street addresses and postcodes). Each needs a place as small as a
    # postcode, an address or a locality besides a name, so no block is one common name.
    'l."fn_ph" = r."fn_ph" AND l."postcode" = r."postcode"',
    'l."gn1_ph" = r."gn1_ph" AND l."postcode" = r."postcode"',
    'l."addr_no" = r."addr_no" AND l."addr_st" = r."addr_st"'
    ' AND substr(l."fn", 1, 1) = substr(r."fn", 1, 1)',
    'l."fn_ph" = r."fn_ph" AND l."loc" = r."loc" AND substr(l."gn", 1, 1) = substr(r."gn", 1, 1)',
    'l."gn1_ph" = r."gn1_ph" AND l."fn_ph" = r."fn_ph" AND l."addr_no" = r."addr_no"',
    # a document number with a typo in one half, the other half and the surname the same
    'l."fn_ph" = r."fn_ph" AND left(l."doc", 5) = left(r."doc", 5)',
    'l."fn_ph" = r."fn_ph" AND right(l."doc", 4) = right(r."doc", 4)',
]
# Rules whose pairs are almost always the same person: used to estimate how many pairs match.
DETERMINISTIC_RULES = [
    'l."doc" = r."doc" AND l."dob" = r."dob"',
    'l."gn" = r."gn" AND l."fn" = r."fn" AND l."sn" = r."sn" AND l."dob" = r."dob"',
]
# EM sessions: each blocks on fields it then cannot train, so between them every field is
# trained. Those whose columns a file lacks are skipped, and so is one that finds no pairs.
TRAINING_BLOCKS = [
    'l."doc" = r."doc"',
    'l."dob" = r."dob" AND l."gn1_ph" = r."gn1_ph"',
    'l."phone" = r."phone"',
]
_COLUMN = re.compile(r'"(\w+)"')


def _usable(rules: list[str], present: set[str]) -> list[str]:
    """The rules whose every column has values in the input."""
    return [rule for rule in rules if set(_COLUMN.findall(rule)) <= present]


def _present(con: Any, tables: list[str]) -> set[str]:
    """Prepared columns with at least one value in every input (a file without phones makes
    the phone comparison and its rules pointless)."""
    present = set(PREPARED)
    for table in tables:
        counts = con.table(table).aggregate(", ".join(f"count({c})" for c in PREPARED))
        present &= {c for c, n in zip(PREPARED, counts.fetchall()[0], strict=True) if n}
    return present


def settings(link: bool, present: set[str] | None = None) -> dict[str, Any]:
    present = set(PREPARED) if present is None else present
    return {
        "link_type": "link_only" if link else "dedupe_only",
        "unique_id_column_name": "unique_id",
        "source_dataset_column_name": "source_dataset",
        "comparisons": comparisons(present),
        "blocking_rules_to_generate_predictions": _usable(BLOCKING_RULES, present),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


def _train(linker: Any, present: set[str]) -> None:
    from splink.internals.exceptions import EMTrainingException

    deterministic = _usable(DETERMINISTIC_RULES, present)
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=2026)
    for rule in _usable(TRAINING_BLOCKS, present):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except EMTrainingException:
            continue  # no pairs share this block in this file: the others train the model


# --- the expected match rate, from what the model learns ----------------------------------------


def _logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def _sigmoid2(weight: float) -> float:
    if weight < -60:  # 2**60 would overflow nothing, but the answer is 0 to double precision
        return 0.0
    return 1 / (1 + 2.0**-weight)


@dataclass(frozen=True)
class Calibration:
    """The prior of the model as training left it and as the compared pairs say it should be.

    `start` comes from the deterministic rules and a guess of their recall (0.7): on a file
    whose dates are often missing, or without a second surname, those rules find few of the
    duplicates and the guess is far off. `prior` is the share of all pairs that are the same
    person that agrees with the model's own evidence: the compared pairs, each counted by its
    probability under that prior, add up to it (the EM step for the mixing proportion, with the
    m and u probabilities the model learned held fixed). Pairs no blocking rule makes count for
    nothing, so it errs low, like `start`."""

    start: float
    prior: float
    pairs_total: int
    threshold: float  # match probability asked for

    @property
    def bayes_factor_weight(self) -> float:
        """The evidence (log2 Bayes factor, without the prior) a pair needs to be proposed."""
        return _logit2(self.threshold) - _logit2(self.prior)

    @property
    def splink_weight(self) -> float:
        """The same threshold in Splink's match weights, which include the `start` prior."""
        return self.bayes_factor_weight + _logit2(self.start)


def calibrated_prior(
    histogram: Iterable[tuple[float, int]], *, pairs_total: int, start: float
) -> float:
    """The share of all `pairs_total` pairs that are the same person, λ, such that the compared
    pairs' probabilities add up to λ times pairs_total. `histogram` holds (Bayes-factor weight,
    number of compared pairs with it). Bounded by one match in the file and by every compared
    pair being one (and by one half: beyond, a pair with no evidence at all would be a match)."""
    bins = [(w, n) for w, n in histogram if n]
    compared = sum(n for _, n in bins)
    if not bins or pairs_total < 1:
        return start
    low, high = 1 / pairs_total, min(0.5, compared / pairs_total)
    if high <= low:
        return high
    prior = min(max(start, low), high)
    for _ in range(500):  # a fixed point reached from any start: f is increasing and concave
        logit = _logit2(prior)
        expected = sum(n * _sigmoid2(w + logit) for w, n in bins)
        following = min(max(expected / pairs_total, low), high)
        if abs(following - prior) <= 1e-6 * prior:
            return following
        prior = following
    return prior


def _calibrate(con: Any, scored: Any, *, start: float, pairs_total: int, threshold: float):
    """The calibration of `scored` (Splink's predictions, whose match weights include `start`),
    from a histogram of their weights in steps of 0.01."""
    offset = _logit2(start)
    rows = scored.aggregate(
        f"round(match_weight - {offset!r}, 2) AS w, count(*) AS n", "w"
    ).fetchall()
    prior = calibrated_prior(rows, pairs_total=pairs_total, start=start)
    return Calibration(start=start, prior=prior, pairs_total=pairs_total, threshold=threshold)


@dataclass
class Result:
    records: int
    pairs: int
    clusters: int
    pairs_path: Path
    clusters_path: Path
    compared: int = 0  # pairs the blocking rules made, each scored by the model
    blocking_rules: list[str] = field(default_factory=list)  # those the input's columns allow
    calibration: Calibration | None = None


def _load(con: Any, name: str, rows: Iterable[tuple], progress: Callable[[int], None]) -> int:
    """Prepared records into a DuckDB table, 50,000 at a time through Arrow."""
    import pyarrow as pa

    types = {
        c: (pa.int32(), "INTEGER") if c == "dob_year" else (pa.string(), "VARCHAR")
        for c in PREPARED
    }
    schema = pa.schema([(c, types[c][0]) for c in PREPARED])
    con.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {types[c][1]}' for c in PREPARED)})")
    done, chunk = 0, []

    def flush() -> None:
        columns = [
            pa.array(values, type=schema.field(i).type)
            for i, values in enumerate(zip(*chunk, strict=True))
        ]
        con.register("prepared_chunk", pa.table(columns, schema=schema))
        con.execute(f"INSERT INTO {name} SELECT * FROM prepared_chunk")  # noqa: S608 (our name)
        con.unregister("prepared_chunk")

    for row in rows:
        chunk.append(row)
        if len(chunk) >= 50_000:
            flush()
            done += len(chunk)
            chunk = []
            progress(done)
    if chunk:
        flush()
        done += len(chunk)
    progress(done)
    return done


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(
            0, sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1
        )


@dataclass(frozen=True)
class Records:
    """Prepared records (see `prepare`) of one input, and how many there are, for progress."""

    rows: Iterable[tuple]
    total: int


def run(
    sources: list[Source],
    out_dir: Path,
    *,
    threshold: float = 0.9,
    progress: Progress | None = None,
    memory_limit: str = "6GB",
    con: Any = None,
    calibrate: bool = True,
) -> Result:
    """Link or deduplicate the files `sources` (see `link`)."""
    inputs = [Records(read(s), _count_rows(s.path)) for s in sources]
    return link(
        inputs,
        out_dir,
        threshold=threshold,
        progress=progress,
        memory_limit=memory_limit,
        con=con,
        calibrate=calibrate,
    )


def link(
    inputs: list[Records],
    out_dir: Path,
    *,
    threshold: float = 0.9,
    progress: Progress | None = None,
    memory_limit: str = "6GB",
    con: Any = None,
    calibrate: bool = True,
) -> Result:
    """Link two inputs, or deduplicate one, and write DIR/pairs.csv (id_a,id_b,probability, one
    row per proposed pair at or above `threshold`) and DIR/clusters.csv (cluster_id,id). The
    probabilities are those of the prior calibrated on the compared pairs (`Calibration`), unless
    `calibrate` is false. The records are left in tables records_0 (and records_1) of `con`
    when one is given."""
    import duckdb
    from splink import DuckDBAPI, Linker

    report = progress or (lambda stage, done, total: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    own = con is None
    con = duckdb.connect() if own else con
    spill = tempfile.mkdtemp(prefix="vinculo-linkage-")  # not the working directory
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # our own progress goes to `progress`
    total = sum(i.total for i in inputs)
    tables, count = [], 0
    for i, records in enumerate(inputs):
        tables.append(f"records_{i}")
        count += _load(
            con, tables[-1], records.rows, lambda d, c=count: report("read", c + d, total)
        )
    db_api = DuckDBAPI(con)
    frames = [db_api.register(t, table_name=f"input_{t}") for t in tables]
    present = _present(con, tables)
    linker = Linker(frames, settings(len(frames) > 1, present), log_level="WARNING")
    report("train", 0, 1)
    _train(linker, present)
    report("train", 1, 1)
    report("score", 0, 1)
    predictions = linker.inference.predict()  # every pair compared: they calibrate the prior
    scored = con.table(predictions.physical_name)
    compared = scored.count("*").fetchall()[0][0]
    sizes = [con.table(t).count("*").fetchall()[0][0] for t in tables]
    pairs_total = sizes[0] * sizes[1] if len(sizes) > 1 else sizes[0] * (sizes[0] - 1) // 2
    start = linker.misc.save_model_to_json()["probability_two_random_records_match"]
    calibration = (
        _calibrate(con, scored, start=start, pairs_total=pairs_total, threshold=threshold)
        if calibrate
        else Calibration(start, start, pairs_total, threshold)
    )
    report("score", 1, 1)
    pairs_path, clusters_path = out_dir / "pairs.csv", out_dir / "clusters.csv"
    # The probability under the calibrated prior: the weight without `start`, with `prior`.
    shift = _logit2(calibration.prior) - _logit2(calibration.start)
    found = (
        scored.filter(f"match_weight >= {calibration.splink_weight!r}")
        .project(
            "unique_id_l AS id_a, unique_id_r AS id_b, "
            f"round(1 / (1 + pow(2, -(match_weight + {shift!r}))), 4) AS probability"
        )
        .order("probability DESC, id_a, id_b")
    )
    found.write_csv(str(pairs_path), header=True)
    pairs = found.count("*").fetchall()[0][0]
    report("cluster", 0, 1)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=calibration.splink_weight
    )
    grouped = (
        con.table(clusters.physical_name)
        .project("cluster_id, unique_id AS id")
        .order("cluster_id, id")
    )
    grouped.write_csv(str(clusters_path), header=True)
    cluster_count = grouped.aggregate("count(DISTINCT cluster_id)").fetchall()[0][0]
    report("cluster", 1, 1)
    if own:
        con.close()
    shutil.rmtree(spill, ignore_errors=True)
    rules = settings(len(frames) > 1, present)["blocking_rules_to_generate_predictions"]
    return Result(
        count, pairs, cluster_count, pairs_path, clusters_path, compared, rules, calibration
    )
