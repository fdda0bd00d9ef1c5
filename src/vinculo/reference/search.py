"""Occupation search: accent- and case-insensitive, any word, prefix or synonym, in Spanish,
English or French, with the region's own Spanish titles. Plain Python, no ORM, so it can be tested
and benchmarked alone.

Each label (preferred, each gendered form of it, every alternative label, the ISCO title, each form
of a regional term) is one *field*. A query token matches a field exactly, by Snowball stem in the
field's language ("recolectora" ~ "recolector", "frutas" ~ "fruta"), or as a prefix of one of its
words (type-ahead: "sold" → "soldador"). A field's score is the IDF-weighted share of the query it
covers, damped by the words of the label the query did not ask for, times the weight of the kind
of label. An entry scores as its best field. Inverted indexes keep a query to the fields that share
a token with it.

Accents and case are folded on vowels, but ñ is a letter of its own: "año" is not "ano", and
"ordeñador" (a milker) is not "ordenador" (a computer). A query word typed without ñ still finds
the ñ word ("albanil" → "albañil", people often have no ñ key) as a weaker match, below any exact
one. A query word that matches nothing at all is taken as a typo of the nearest words of the
vocabulary (one edit, two for long words), weaker still, so a typo never outranks a real hit.

A regional term (data/regional_occupations.csv) is a field of its ISCO-08 unit group; a hit on it
also brings the group's ESCO occupations, so a picker that offers occupations offers them too.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

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
# ñ typed as n: below an exact or stem match of the word as written, above a prefix.
WITHOUT_TILDE = 0.8
# A typo: one grade per edit. Below every real match so that exact hits are never drowned.
TYPO = (0.55, 0.45)
PREFERRED, ALTERNATIVE, GROUP_TITLE = 1.0, 0.92, 0.95
# A regional term is what the person actually calls the job: as strong as ESCO's preferred label.
REGIONAL = 1.0
# The ESCO occupations a regional term brings with its group rank just below the group itself.
REGIONAL_OCCUPATION = 0.97
MAX_REGIONAL_OCCUPATIONS = 6
MAX_PREFIX_EXPANSION = 300
TYPO_MIN_LENGTH = 4
_NON_WORD = re.compile(r"[^0-9a-z]+")
_NON_WORD_N = re.compile(r"[^0-9a-zñ]+")


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed: "Albañil/Albañila" → "albanil albanila"."""
    # NFKD splits "ñ" into "n" + a combining tilde, which the ASCII encoding then drops. Labels
    # are in Latin scripts (es, en, fr), so nothing else is lost.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", stripped).strip()


def fold_accents(text: str) -> str:
    """Like fold(), but ñ stays a letter: "Año/Albañil" → "año albañil"."""
    # Fold each stretch between the ñ's as fold() does (C-speed; the index folds every label),
    # then put the ñ's back. NFC first, so that an n followed by a combining tilde is one ñ too.
    parts = unicodedata.normalize("NFC", text.casefold()).split("ñ")
    folded = "ñ".join(
        unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode("ascii")
        for part in parts
    )
    return _NON_WORD_N.sub(" ", folded).strip()


def tokens(text: str) -> list[str]:
    """The words the index keys on: accents and case folded on vowels, ñ kept."""
    return [t for t in fold_accents(text).split() if t not in STOPWORDS]


def without_tilde(word: str) -> str:
    return word.replace("ñ", "n")


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
class RegionalTerm:
    """A title as it is used in Latin America, mapped to an ISCO-08 unit group.

    countries are ISO 3166-1 alpha-2 codes, or "419" (UN M49: Latin America and the Caribbean)
    for general Latin American use; source is "regional usage" unless a national classification
    is known to list the title.
    """

    masculine: str
    feminine: str
    isco: str
    countries: tuple[str, ...]
    source: str

    @property
    def forms(self) -> list[str]:
        return list(dict.fromkeys(f for f in (self.masculine, self.feminine) if f))


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: str
    matched_lang: str
    regional: RegionalTerm | None = None


@dataclass(frozen=True)
class _Field:
    entry: int
    text: str
    lang: str
    weight: float
    words: tuple[str, ...]
    regional: RegionalTerm | None = None


def _label_forms(label: str) -> list[str]:
    """ESCO writes gendered pairs as "soldador/soldadora": each form is searchable alone."""
    forms = [part.strip() for part in label.split("/") if part.strip()]
    return [label, *forms] if len(forms) > 1 else [label]


def _typo_budget(word: str) -> int:
    return 1 if len(word) < 8 else 2


class OccupationIndex:
    def __init__(self, entries: Iterable[Entry], regional: Iterable[RegionalTerm] = ()) -> None:
        self.entries: list[Entry] = list(entries)
        self.fields: list[_Field] = []
        self._exact: dict[str, set[int]] = defaultdict(set)
        self._stem: dict[tuple[str, str], set[int]] = defaultdict(set)
        self._codes: list[tuple[str, int]] = []
        self._groups: dict[str, int] = {}
        self._members: dict[str, list[int]] = defaultdict(list)
        for number, entry in enumerate(self.entries):
            self._codes.append((entry.isco if entry.kind == "isco" else "", number))
            if entry.kind == "isco":
                self._groups[entry.isco] = number
            else:
                self._members[entry.isco].append(number)
            weight = GROUP_TITLE if entry.kind == "isco" else PREFERRED
            for lang, label in entry.label.items():
                for form in _label_forms(label):
                    self._add(number, form, lang, weight)
            for lang, labels in entry.alt.items():
                for label in labels:
                    self._add(number, label, lang, ALTERNATIVE)
        self.regional: list[RegionalTerm] = []
        for term in regional:
            group = self._groups.get(term.isco)
            if group is None:
                raise ValueError(f"regional term {term.masculine!r}: no ISCO group {term.isco}")
            self.regional.append(term)
            for form in term.forms:
                self._add(group, form, "es", REGIONAL, term)
        for code, members in self._members.items():
            group = self._groups.get(code)
            if group is not None:
                members.sort(key=self._generality(self.entries[group]))
        self._vocabulary = sorted(self._exact)
        # Words with ñ, keyed as typed on a keyboard without it.
        self._untilded: dict[str, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            if "ñ" in word:
                self._untilded[without_tilde(word)].append(word)
        self._untilded_vocabulary = sorted(self._untilded)
        # Typo candidates by first letter and length: people rarely mistype the first letter, and
        # the bucket keeps a typo look-up to a few hundred words instead of the whole vocabulary.
        self._by_start: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self._vocabulary:
            if not word.isdigit():
                self._by_start[(without_tilde(word[0]), len(word))].append(word)
        self._codes.sort()
        self._fields_count = len(self.fields)
        self._field_entry = np.array([f.entry for f in self.fields], np.intp)
        self._field_weight = np.array([f.weight for f in self.fields])
        self._field_words = np.array([len(f.words) for f in self.fields], np.intp)

    def _generality(self, group: Entry) -> Callable[[int], tuple[float, int, int]]:
        """The order a regional hit lists a group's occupations in when the query says nothing
        more: those whose labels say what the group's title says first ("waiter/waitress" for
        Waiters, not "head sommelier"), then the shorter labels."""
        title = {
            (lang, stem(word, lang)) for lang, text in group.label.items() for word in tokens(text)
        }

        def key(number: int) -> tuple[float, int, int]:
            entry = self.entries[number]
            best = 0.0  # the largest share of a label's words that are the title's words
            for lang, label in entry.label.items():
                for form in _label_forms(label):
                    words = tokens(form)
                    if words:
                        shared = sum((lang, stem(word, lang)) in title for word in words)
                        best = max(best, shared / len(words))
            return (-best, len(entry.label.get("es", "")), number)

        return key

    def _add(
        self,
        entry: int,
        text: str,
        lang: str,
        weight: float,
        regional: RegionalTerm | None = None,
    ) -> None:
        words = tuple(tokens(text))
        if not words:
            return
        index = len(self.fields)
        self.fields.append(_Field(entry, text, lang, weight, words, regional))
        for word in words:
            self._exact[word].add(index)
            self._stem[(lang, stem(word, lang))].add(index)

    def _idf(self, matches: int) -> float:
        return math.log(1 + self._fields_count / (1 + matches))

    def _prefixed(self, token: str) -> set[int]:
        found: set[int] = set()
        for word in self._words_with_prefix(self._vocabulary, token):
            found |= self._exact[word]
        if "ñ" not in token:
            for key in self._words_with_prefix(self._untilded_vocabulary, token):
                for word in self._untilded[key]:
                    found |= self._exact[word]
        return found

    @staticmethod
    def _words_with_prefix(vocabulary: list[str], token: str) -> list[str]:
        start = bisect.bisect_left(vocabulary, token)
        words = []
        for word in vocabulary[start : start + MAX_PREFIX_EXPANSION]:
            if not word.startswith(token):
                break
            words.append(word)
        return words

    def _matches(self, word: str) -> tuple[set[int], set[int]]:
        exact = self._exact.get(word, set())
        stemmed: set[int] = set()
        for lang in STEMMERS:
            stemmed |= self._stem.get((lang, stem(word, lang)), set())
        return exact, stemmed

    def _typos(self, word: str) -> list[tuple[str, int]]:
        """The vocabulary words one edit away (two for long words), transpositions included."""
        budget = _typo_budget(word)
        candidates: list[str] = []
        first = without_tilde(word[0])
        for length in range(len(word) - budget, len(word) + budget + 1):
            candidates += self._by_start.get((first, length), [])
        found = process.extract(
            word, candidates, scorer=OSA.distance, score_cutoff=budget, limit=20
        )
        return [(text, int(distance)) for text, distance, _ in found if distance > 0]

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

        # For each query word, the fields it reaches, in tiers from the best grade down; a field
        # counts at the first tier that holds it. Sets keep the unions and look-ups in C.
        per_token: list[tuple[float, list[tuple[float, set[int]]]]] = []
        for position, word in enumerate(words):
            exact, stemmed = self._matches(word)
            tiers = [(EXACT, exact), (STEM, stemmed)]
            if "ñ" not in word:
                for spelled in self._untilded.get(word, ()):
                    exact_n, stemmed_n = self._matches(spelled)
                    tiers += [(WITHOUT_TILDE, exact_n), (STEM * WITHOUT_TILDE, stemmed_n)]
            reached = set().union(*(fields for _, fields in tiers))
            direct = len(reached)
            # Every word is a prefix candidate while typing, but one- or two-letter words other
            # than the last add nothing but noise.
            if len(word) >= 3 or position == len(words) - 1:
                prefixed = self._prefixed(word)
                tiers.append((PREFIX, prefixed))
                reached |= prefixed
            if not reached and len(word) >= TYPO_MIN_LENGTH and not word.isdigit():
                for spelled, distance in self._typos(word):
                    exact_t, stemmed_t = self._matches(spelled)
                    grade = TYPO[min(distance, len(TYPO)) - 1]
                    tiers += [(grade, exact_t), (grade * STEM, stemmed_t)]
                    reached |= exact_t | stemmed_t
                direct = len(reached)
            tiers = sorted((tier for tier in tiers if tier[1]), key=lambda t: -t[0])
            per_token.append((self._idf(direct or len(reached)), tiers))

        total = sum(idf for idf, _ in per_token)
        best = self._best_fields(per_token, total)
        if not best:
            return []
        brought = self._bring_group_occupations(best, limit)
        scores = {entry: score for entry, (score, _) in best.items()}
        for entry, (score, _) in brought.items():
            scores[entry] = max(score, scores.get(entry, 0.0))
        # Only the entries that can reach the first `limit` are made Hits and sorted.
        floor = heapq.nlargest(limit, scores.values())[-1]
        hits = []
        for entry, score in scores.items():
            if score < floor:
                continue
            if entry in best and best[entry][0] == score:
                fld = self.fields[best[entry][1]]
            else:
                fld = self.fields[best[brought[entry][1]][1]]  # the field that found its group
            hits.append(Hit(self.entries[entry], score, fld.text, fld.lang, fld.regional))
        hits.sort(
            # On a tie, the regional title first: its file states the region's usage on purpose,
            # where an ESCO label of the same words may be Spain's (or, as with ESCO's Spanish
            # "enfermero/enfermera" on phlebotomists, a slip).
            key=lambda h: (
                -h.score,
                h.regional is None,
                h.entry.kind != "occupation",
                h.entry.isco,
                h.entry.key,
            ),
        )
        return hits[:limit]

    def _best_fields(
        self, per_token: list[tuple[float, list[tuple[float, set[int]]]]], total: float
    ) -> dict[int, tuple[float, int]]:
        """Each entry's best (score rounded to 4 places, field). A field's score is the share of
        the query's IDF it covers, each word at the best grade it reaches the field with, times
        the label's weight, damped by the words of the label the query did not ask for. Scored
        in bulk over the candidate fields: a short prefix can reach thousands of them."""
        tiers_as_arrays = [
            [(grade, np.fromiter(fields, np.intp, len(fields))) for grade, fields in tiers]
            for _, tiers in per_token
        ]
        if not any(tiers_as_arrays):
            return {}
        candidates = np.unique(np.concatenate([a for tiers in tiers_as_arrays for _, a in tiers]))
        covered = np.zeros(len(candidates))
        matched = np.zeros(len(candidates), np.intp)
        for (idf, _), tiers in zip(per_token, tiers_as_arrays, strict=True):
            grade = np.zeros(len(candidates))
            for value, fields in reversed(tiers):  # the best grade is written last and stays
                grade[np.searchsorted(candidates, fields)] = value
            covered += idf * grade
            matched += grade > 0
        unasked = self._field_words[candidates] - matched
        damping = np.where(unasked > 0, 1 + 0.12 * unasked, 1.0)
        score = covered / total * self._field_weight[candidates] / damping
        entries = self._field_entry[candidates]
        # Per entry, the highest score (on a tie, the first field): sort, keep each run's first.
        order = np.lexsort((candidates, -score, entries))
        entries = entries[order]
        first = order[np.concatenate(([True], entries[1:] != entries[:-1]))]
        return {
            entry: (round(value, 4), field)
            for entry, value, field in zip(
                self._field_entry[candidates[first]].tolist(),
                score[first].tolist(),
                candidates[first].tolist(),
                strict=True,
            )
        }

    def _bring_group_occupations(
        self, best: dict[int, tuple[float, int]], limit: int
    ) -> dict[int, tuple[float, int]]:
        """A group found by a regional term brings its ESCO occupations: "mesero" is a waiter
        even though no ESCO label says so. Those that matched the query on their own keep the
        better of the two scores; among the rest, the group's most general labels come first.
        Returns each brought occupation's score and the group that brought it."""
        fields = self.fields
        regional = sorted(
            (
                (score, entry)
                for entry, (score, field) in best.items()
                if fields[field].regional is not None and self.entries[entry].kind == "isco"
            ),
            key=lambda found: -found[0],
        )[:limit]
        brought: dict[int, tuple[float, int]] = {}
        for group_score, group in regional:
            members = self._members.get(self.entries[group].isco, [])
            own = sorted((n for n in members if n in best), key=lambda n: -best[n][0])
            rest = [n for n in members if n not in best]
            for rank, number in enumerate([*own, *rest][:MAX_REGIONAL_OCCUPATIONS]):
                score = max(round(group_score * REGIONAL_OCCUPATION - 0.001 * rank, 4), 1e-4)
                if score > best.get(number, (0.0, 0))[0]:
                    brought[number] = (score, group)
        return brought
