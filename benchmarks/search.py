"""Occupation search: Vínculo's index beside two peers, on the same queries, each in its own
process.

Queries are made from the ESCO labels themselves, with a fixed seed, the way people type them:
accents dropped, capitals changed, the other gendered form, a word cut short while typing, a
synonym instead of the preferred label, in Spanish or English. The ground truth of a query is the
ISCO-08 unit group of the occupation it came from; hit@3 says how often that group is among the
first three answers.

A second, held-out list (benchmarks/everyday_titles.py) is of everyday Central American and
Mexican titles that are not ESCO labels, written apart from the regional vocabulary; top-1 and
top-3 say how often the first answer, or one of the first three, is in an accepted unit group.
"vinculo-esco-only" is the same index without the regional vocabulary, to show what the file
adds.

Peers:
- naive: fold accents and case, keep the labels that contain every query word as a substring,
  shortest label first (what a first implementation usually does);
- sqlite-fts5: SQLite's full-text engine with the unicode61 tokenizer (diacritics removed),
  prefix match on every word, ranked by BM25.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import resource
import sqlite3
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.children import answer

SIZES = {"S": 300, "M": 3_000, "L": 20_000}
LIMIT = 10


def _entries() -> list[Any]:
    from vinculo.reference.data import esco_release
    from vinculo.reference.search import Entry

    data = esco_release()
    return [Entry("isco", g["code"], g["code"], g["title"]) for g in data["isco_groups"]] + [
        Entry("occupation", o["id"], o["isco"], o["label"], o["alt"]) for o in data["occupations"]
    ]


def make_queries(count: int, seed: int) -> list[tuple[str, str]]:
    from vinculo.reference.search import fold

    rng = random.Random(seed)
    occupations = [e for e in _entries() if e.kind == "occupation"]
    queries = [
        ("recolectora de fruta", "9211"),
        ("fruit picker", "9211"),
        ("soldador", "7212"),
        ("albanil", "7112"),
    ]
    while len(queries) < count:
        entry = rng.choice(occupations)
        lang = rng.choice(["es", "es", "en"])
        labels = [entry.label[lang], *entry.alt.get(lang, [])]
        label = rng.choice(rng.choice(labels).split("/"))  # one gendered form
        words = label.split()
        if len(words) > 3:
            words = words[:3]
        style = rng.random()
        if style < 0.3:
            text = fold(" ".join(words))
        elif style < 0.5:
            text = " ".join(words).upper()
        elif style < 0.7 and len(words[-1]) > 5:
            text = " ".join([*words[:-1], words[-1][: rng.randint(4, len(words[-1]) - 1)]])
        else:
            text = " ".join(words)
        queries.append((text, entry.isco))
    return queries[:count]


def vinculo_method() -> Callable[[str], list[str]]:
    from vinculo.reference.data import regional_terms
    from vinculo.reference.search import OccupationIndex

    index = OccupationIndex(_entries(), regional_terms())
    return lambda q: [h.entry.isco for h in index.search(q, LIMIT)]


def vinculo_esco_only_method() -> Callable[[str], list[str]]:
    from vinculo.reference.search import OccupationIndex

    index = OccupationIndex(_entries())
    return lambda q: [h.entry.isco for h in index.search(q, LIMIT)]


def everyday_titles() -> list[tuple[str, set[str]]]:
    """The held-out list, refused if any query is word for word a title of the vocabulary."""
    from benchmarks.everyday_titles import EVERYDAY_TITLES
    from vinculo.reference.data import regional_terms
    from vinculo.reference.search import fold_accents

    def words(text: str) -> str:
        return " ".join(fold_accents(text).replace("ñ", "n").split())

    vocabulary = {words(form) for term in regional_terms() for form in term.forms}
    literal = [query for query, _ in EVERYDAY_TITLES if words(query) in vocabulary]
    if literal:
        raise SystemExit(f"everyday titles that are vocabulary entries: {literal}")
    return EVERYDAY_TITLES


def naive_method() -> Callable[[str], list[str]]:
    from vinculo.reference.search import fold

    rows = []
    for entry in _entries():
        labels = [*entry.label.values(), *(x for alts in entry.alt.values() for x in alts)]
        rows += [(fold(label), entry.isco) for label in labels]

    def search(query: str) -> list[str]:
        words = fold(query).split()
        if not words:
            return []
        found = sorted((len(text), isco) for text, isco in rows if all(w in text for w in words))
        seen: list[str] = []
        for _, isco in found:
            if len(seen) == LIMIT:
                break
            seen.append(isco)
        return seen

    return search


def fts5_method() -> Callable[[str], list[str]]:
    from vinculo.reference.search import fold

    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE labels USING fts5(text, isco UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    rows = []
    for entry in _entries():
        labels = [*entry.label.values(), *(x for alts in entry.alt.values() for x in alts)]
        rows += [(label, entry.isco) for label in labels]
    db.executemany("INSERT INTO labels VALUES (?, ?)", rows)

    def search(query: str) -> list[str]:
        words = fold(query).split()
        if not words:
            return []
        match = " OR ".join(f'"{w}"*' for w in words)
        return [
            r[0]
            for r in db.execute(
                "SELECT isco FROM labels WHERE labels MATCH ? ORDER BY bm25(labels) LIMIT ?",
                (match, LIMIT),
            )
        ]

    return search


METHODS = {
    "vinculo": vinculo_method,
    "vinculo-esco-only": vinculo_esco_only_method,
    "naive": naive_method,
    "sqlite-fts5": fts5_method,
}


def _percentile(latencies: list[float], p: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def _run(
    name: str,
    queries: list[tuple[str, str]],
    everyday: list[tuple[str, set[str]]],
    out: Any,
) -> None:
    started = time.perf_counter()
    search = METHODS[name]()
    build = time.perf_counter() - started
    latencies, hit3, hit10 = [], 0, 0
    for text, isco in queries:
        t0 = time.perf_counter()
        answer = search(text)
        latencies.append((time.perf_counter() - t0) * 1000)
        hit3 += isco in answer[:3]
        hit10 += isco in answer[:LIMIT]
    latencies.sort()

    def pct(p: float) -> float:
        return _percentile(latencies, p)

    everyday_latencies, top1, top3, misses = [], 0, 0, []
    for text, accepted in everyday:
        t0 = time.perf_counter()
        answer = search(text)
        everyday_latencies.append((time.perf_counter() - t0) * 1000)
        top1 += bool(answer) and answer[0] in accepted
        found = bool(accepted & set(answer[:3]))
        top3 += found
        if not found:
            misses.append((text, answer[:3]))

    out.put(
        {
            "method": name,
            "build_s": build,
            "p50": pct(0.50),
            "p95": pct(0.95),
            "p99": pct(0.99),
            "mean": statistics.fmean(latencies),
            "qps": len(queries) / (sum(latencies) / 1000),
            "hit3": hit3 / len(queries),
            "hit10": hit10 / len(queries),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "top1": top1 / len(everyday),
            "top3": top3 / len(everyday),
            "everyday_p50": _percentile(everyday_latencies, 0.50),
            "everyday_p99": _percentile(everyday_latencies, 0.99),
            "misses": misses,
        }
    )


def main(*, size: str, seed: int) -> int:
    queries = make_queries(SIZES[size], seed)
    everyday = everyday_titles()
    context = mp.get_context("spawn")
    results = []
    for name in METHODS:
        out = context.Queue()
        process = context.Process(target=_run, args=(name, queries, everyday, out))
        process.start()
        results.append(answer(process, out))
    ours = results[0]
    print(
        f"\nOccupation search, {len(queries):,} queries (size {size}, seed {seed}), "
        f"top {LIMIT}, over 2,942 ESCO occupations + 619 ISCO-08 groups\n"
    )
    print(
        "| method | p50 ms | p95 ms | p99 ms | queries/s | hit@3 | hit@10 | build s "
        "| peak RSS MB | p99 vs Vínculo |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['method']} | {r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} | "
            f"{r['qps']:,.0f} | {r['hit3']:.1%} | {r['hit10']:.1%} | {r['build_s']:.2f} | "
            f"{r['peak_mb']:.0f} | {r['p99'] / ours['p99']:.1f}x |"
        )
    print(
        f"\nEveryday Central American and Mexican titles that are not ESCO labels: "
        f"{len(everyday)} held-out queries (benchmarks/everyday_titles.py)\n"
    )
    print("| method | top-1 | top-3 | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['method']} | {r['top1']:.1%} | {r['top3']:.1%} | "
            f"{r['everyday_p50']:.2f} | {r['everyday_p99']:.2f} |"
        )
    if ours["misses"]:
        print("\nVínculo's misses on the everyday titles (its first three unit groups):")
        for text, found in ours["misses"]:
            print(f"- {text!r}: {', '.join(found) or 'nothing'}")
    return 0
