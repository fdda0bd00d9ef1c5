"""Occupation search: accent- and case-insensitive, any word, prefix or synonym, in Spanish,
English or French. Plain Python, no ORM, so it can be tested and benchmarked alone.

Each label (preferred, each gendered form of it, every alternative label, the ISCO title) is one
*field*. A query token matches a field exactly, by Snowball stem in the field's language
("recolectora" ~ "recolector", "frutas" ~ "fruta"), or as a prefix of one of its words (type-ahead:
"sold" → "soldador"). A field's score is the IDF-weighted share of the query it covers, damped by
the words of the label the query did not ask for, times the weight of the kind of label. An entry
scores as its best field. Inverted indexes keep a query to the fields that share a token with it.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

STEMMERS = {
    lang: snowballstemmer.stemmer(name)
    for lang, name in (("es", "spanish"), ("en", "english"), ("fr", "french"))
}
STOPWORDS = frozenset(
    {
        # es
        "a",
        "al",
        "con",
        "de",
        "del",
        "e",
        "el",
        "en",
        "la",
        "las",
        "los",
        "o",
        "para",
        "por",
        "un",
        "una",
        "y",
        # en
        "an",
        "and",
        "as",
        "at",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        # fr
        "au",
        "aux",
        "d",
        "des",
        "du",
        "et",
        "l",
        "le",
        "les",
        "ou",
        "pour",
        "sur",
    }
)
EXACT, STEM, PREFIX = 1.0, 0.85, 0.6
PREFERRED, ALTERNATIVE, GROUP_TITLE = 1.0, 0.92, 0.95
MAX_PREFIX_EXPANSION = 300
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed: "Albañil/Albañila" → "albanil albanila"."""
    # NFKD splits "ñ" into "n" + a combining tilde, which the ASCII encoding then drops. Labels
    # are in Latin scripts (es, en, fr), so nothing else is lost.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", stripped).strip()


def tokens(text: str) -> list[str]:
    return [t for t in fold(text).split() if t not in STOPWORDS]


@lru_cache(maxsize=65536)
def stem(token: str, lang: str) -> str:
    return STEMMERS[lang].stemWord(token)


@dataclass(frozen=True)
class Entry:
    """An occupation (kind "occupation", key = ESCO id) or an ISCO group (key = its code)."""

    kind: str
    key: str
    isco: str
    label: dict[str, str]
    alt: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: str
    matched_lang: str


@dataclass(frozen=True)
class _Field:
    entry: int
    text: str
    lang: str
    weight: float
    words: tuple[str, ...]


def _label_forms(label: str) -> list[str]:
    """ESCO writes gendered pairs as "soldador/soldadora": each form is searchable alone."""
    forms = [part.strip() for part in label.split("/") if part.strip()]
    return [label, *forms] if len(forms) > 1 else [label]


class OccupationIndex:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = list(entries)
        self.fields: list[_Field] = []
        self._exact: dict[str, set[int]] = defaultdict(set)
        self._stem: dict[tuple[str, str], set[int]] = defaultdict(set)
        self._codes: list[tuple[str, int]] = []
        for number, entry in enumerate(self.entries):
            self._codes.append((entry.isco if entry.kind == "isco" else "", number))
            weight = GROUP_TITLE if entry.kind == "isco" else PREFERRED
            for lang, label in entry.label.items():
                for form in _label_forms(label):
                    self._add(number, form, lang, weight)
            for lang, labels in entry.alt.items():
                for label in labels:
                    self._add(number, label, lang, ALTERNATIVE)
        self._vocabulary = sorted(self._exact)
        self._codes.sort()
        self._fields_count = len(self.fields)

    def _add(self, entry: int, text: str, lang: str, weight: float) -> None:
        words = tuple(tokens(text))
        if not words:
            return
        index = len(self.fields)
        self.fields.append(_Field(entry, text, lang, weight, words))
        for word in words:
            self._exact[word].add(index)
            self._stem[(lang, stem(word, lang))].add(index)

    def _idf(self, matches: int) -> float:
        return math.log(1 + self._fields_count / (1 + matches))

    def _prefixed(self, token: str) -> set[int]:
        start = bisect.bisect_left(self._vocabulary, token)
        found: set[int] = set()
        for word in self._vocabulary[start : start + MAX_PREFIX_EXPANSION]:
            if not word.startswith(token):
                break
            found |= self._exact[word]
        return found

    def _by_code(self, code: str) -> list[Hit]:
        start = bisect.bisect_left(self._codes, (code, -1))
        hits = []
        for isco, number in self._codes[start:]:
            if not isco.startswith(code):
                break
            entry = self.entries[number]
            exact = isco == code
            hits.append(
                Hit(
                    entry,
                    1.0 if exact else 0.9 - 0.05 * (len(isco) - len(code)),
                    entry.isco,
                    "code",
                )
            )
        return hits

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        words = tokens(query)
        if not words:
            return []
        if all(word.isdigit() for word in words):
            return sorted(self._by_code(words[0]), key=lambda h: -h.score)[:limit]

        per_token: list[tuple[float, set[int], set[int], set[int]]] = []
        for position, word in enumerate(words):
            exact = self._exact.get(word, set())
            stemmed: set[int] = set()
            for lang in STEMMERS:
                stemmed |= self._stem.get((lang, stem(word, lang)), set())
            # Every word is a prefix candidate while typing, but one- or two-letter words other
            # than the last add nothing but noise.
            prefixed = (
                self._prefixed(word) if len(word) >= 3 or position == len(words) - 1 else set()
            )
            idf = self._idf(len(exact | stemmed) or len(prefixed))
            per_token.append((idf, exact, stemmed, prefixed))

        total = sum(idf for idf, *_ in per_token)
        candidates: set[int] = set()
        for _, exact, stemmed, prefixed in per_token:
            candidates |= exact | stemmed | prefixed

        best: dict[int, Hit] = {}
        for number in candidates:
            fld = self.fields[number]
            covered, matched_words = 0.0, 0
            for idf, exact, stemmed, prefixed in per_token:
                if number in exact:
                    grade = EXACT
                elif number in stemmed:  # keyed by the field's own language, see _add
                    grade = STEM
                elif number in prefixed:
                    grade = PREFIX
                else:
                    continue
                covered += idf * grade
                matched_words += 1
            unasked = max(0, len(fld.words) - matched_words)
            score = (covered / total) * fld.weight / (1 + 0.12 * unasked)
            current = best.get(fld.entry)
            if current is None or score > current.score:
                best[fld.entry] = Hit(self.entries[fld.entry], round(score, 4), fld.text, fld.lang)
        ranked = sorted(
            best.values(),
            key=lambda h: (-h.score, h.entry.kind != "occupation", h.entry.isco, h.entry.key),
        )
        return ranked[:limit]
