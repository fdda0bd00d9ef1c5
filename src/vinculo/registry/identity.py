"""Who a person is: the keys and the comparison that find the same person registered twice
among Central American and Mexican records.

Pure functions, no database. The registry owns them because it writes the keys with each
record (Worker.key_*); the check at registration (selectors.likely_matches), the batch linkage
(linkage.engine) and `vinculo dedup` all compare records through them, so they agree.

What the keys forgive, and why:
- accents, case and punctuation ("Hernández", "HERNANDEZ", "Hernandez-");
- particles in compound surnames ("de la Cruz" is "Cruz" for comparison);
- the spellings Spanish speakers confuse because they sound alike: b/v, s/z/c before e or i,
  y/ll, g before e or i/j, silent h, qu/k/c, initial x/j (Ximena/Jimena) — see `phonetic`;
- two surnames in either order (`surname_pair`);
- day and month swapped in a date of birth (`birth_date_variants`);
- a phone number with or without its country code (`phone_key`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from vinculo.core.crypto import normalise_document_number
from vinculo.core.values import fold

PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos"})
_NOT_LETTER = re.compile(r"[^a-z]+")
_VOWELS = frozenset("aeiou")


def name_tokens(text: str) -> list[str]:
    """The words of a name, folded (lower case, no accents, letters only), particles dropped.
    A name made of particles only keeps them: "De la O" is not nothing."""
    words = [w for w in _NOT_LETTER.split(fold(text or "")) if w]
    kept = [w for w in words if w not in PARTICLES]
    return kept or words


def name_key(text: str) -> str:
    return " ".join(name_tokens(text))


@functools.lru_cache(maxsize=65_536)  # words repeat: a registry has a few thousand surnames
def phonetic(word: str) -> str:
    """A Spanish sound key of one folded word: letters that sound alike in Latin American
    Spanish get one symbol, silent letters go, doubled letters count once.

    ll, y → y (final y → i) · v, w → b · z, c before e/i, s → s · qu, k, c → k ·
    g before e/i, j, initial x → j · gu before e/i → g · ph → f · h → (silent; ch stays)
    """
    w = word
    out: list[str] = []
    i, n = 0, len(w)
    while i < n:
        c = w[i]
        nxt = w[i + 1] if i + 1 < n else ""
        if c == "c" and nxt == "h":
            out.append("C")  # ch is one sound
            i += 2
            continue
        if c == "l" and nxt == "l":
            out.append("y")
            i += 2
            continue
        if c in "qg" and nxt == "u" and i + 2 < n and w[i + 2] in "ei":
            out.append("k" if c == "q" else "g")  # que, qui, gue, gui: the u is silent
            i += 2
            continue
        if c == "p" and nxt == "h":
            out.append("f")
            i += 2
            continue
        if c == "h":
            i += 1
            continue
        if c == "c":
            out.append("s" if nxt in ("e", "i") else "k")
        elif c in "zs":
            out.append("s")
        elif c in "qk":
            out.append("k")
        elif c == "g":
            out.append("j" if nxt in ("e", "i") else "g")
        elif c == "x":
            out.append("j" if i == 0 else "ks")
        elif c in "vbw":
            out.append("b")
        elif c == "y":
            out.append("i" if i == n - 1 or (nxt and nxt not in _VOWELS) else "y")
        else:
            out.append(c)
        i += 1
    key = "".join(out)
    return re.sub(r"(.)\1+", r"\1", key)


def phonetic_key(text: str) -> str:
    return " ".join(phonetic(t) for t in name_tokens(text))


def surname_pair(first: str, second: str) -> tuple[str, str]:
    """Both surnames' sound keys in a fixed order, so "Hernández López" and "López Hernández"
    give the same pair. A missing surname is the empty string, first."""
    a, b = phonetic_key(first), phonetic_key(second)
    return (a, b) if a <= b else (b, a)


def birth_date_variants(value: date | None) -> set[date]:
    """The date and, when it is a valid date too, the one with day and month swapped: 03/04 and
    04/03 are the commonest typing error in a date of birth."""
    if value is None:
        return set()
    variants = {value}
    if value.day <= 12 and value.day != value.month:
        variants.add(date(value.year, value.day, value.month))
    return variants


def phone_key(phone: str) -> str:
    """The last eight digits: a number is the same with or without its country code (+504), and
    Central American subscriber numbers have eight digits."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-8:] if len(digits) >= 7 else ""


def document_key(number: str) -> str:
    return normalise_document_number(number or "")


# English diminutives and the names they stand for, as a registry of English names writes
# them (Bill for William): the commonest only, folded.
NICKNAMES = {
    "abby": "abigail", "al": "albert", "alex": "alexander", "andy": "andrew", "angie": "angela",
    "art": "arthur", "barb": "barbara", "becky": "rebecca", "bella": "isabella", "ben": "benjamin",
    "beth": "elizabeth", "betty": "elizabeth", "bev": "beverly", "bill": "william",
    "billy": "william", "bob": "robert", "bobby": "robert", "brad": "bradley", "cathy": "catherine",
    "charlie": "charles", "chris": "christopher", "cindy": "cynthia", "dan": "daniel",
    "danny": "daniel", "dave": "david", "deb": "deborah", "debbie": "deborah", "don": "donald",
    "dot": "dorothy", "doug": "douglas", "drew": "andrew", "ed": "edward", "eddie": "edward",
    "fran": "frances", "gabe": "gabriel", "gerry": "gerald", "ginny": "virginia", "greg": "gregory",
    "hal": "harold", "harry": "henry", "jack": "john", "jackie": "jacqueline", "jake": "jacob",
    "jeff": "jeffrey", "jen": "jennifer", "jenny": "jennifer", "jess": "jessica", "jim": "james",
    "jimmy": "james", "joe": "joseph", "johnny": "john", "jon": "jonathan", "josh": "joshua",
    "judy": "judith", "kate": "katherine", "kathy": "kathleen", "ken": "kenneth", "kim": "kimberly",
    "liz": "elizabeth", "lou": "louis", "maggie": "margaret", "mandy": "amanda", "matt": "matthew",
    "mel": "melissa", "mike": "michael", "molly": "mary", "nate": "nathan", "nick": "nicholas",
    "nikki": "nicole", "pam": "pamela", "pat": "patrick", "patty": "patricia", "peggy": "margaret",
    "pete": "peter", "phil": "philip", "ray": "raymond", "rick": "richard", "rob": "robert",
    "ron": "ronald", "russ": "russell", "sam": "samuel", "sandy": "sandra", "steve": "steven",
    "sue": "susan", "ted": "edward", "terri": "teresa", "tim": "timothy", "tina": "christina",
    "tom": "thomas", "tony": "anthony", "tori": "victoria", "trish": "patricia",
    "vicky": "victoria", "vince": "vincent", "walt": "walter", "will": "william", "zach": "zachary",
}  # fmt: skip


def given_name_root(word: str) -> str:
    """The name a diminutive stands for (bill: william), or the word itself."""
    return NICKNAMES.get(word, word)


# Street types and their abbreviations, and the words that introduce a unit, as English-speaking
# registries write them: "12 Smith St" and "12 Smith Street" are one address, "Unit 4, 12 Smith
# Street", "12 Smith Street, Apt 4" and "4/12 Smith Street" one dwelling in it.
STREET_TYPES = {
    "st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "dr": "drive",
    "ln": "lane", "ct": "court", "pl": "place", "cres": "crescent", "cr": "crescent",
    "pde": "parade", "tce": "terrace", "hwy": "highway", "blvd": "boulevard", "cl": "close",
    "sq": "square", "cct": "circuit",
}  # fmt: skip
_UNIT = re.compile(r"\b(?:unit|apt|apartment|flat|suite|ste|no)\b\.?\s*#?\s*(\d+[a-z]?)")
_SLASH_UNIT = re.compile(r"\b(\d+[a-z]?)\s*/\s*(\d+)")
_HOUSE_NUMBER = re.compile(r"\b(\d+)[a-z]?\b")


@dataclass(frozen=True)
class AddressKey:
    text: str  # number, street words and type spelt out, the unit left out
    number: str  # the house number
    street: str  # the sound key of the street's first word


def address_key(address: str) -> AddressKey:
    """The parts of a street address that survive how it is written: the house number, the
    street (its first word by sound) and the whole with the street type spelt out. The unit is
    left out: it is the part most often dropped or moved ("Unit 4, 12 Smith St" = "12 Smith
    Street")."""
    text = fold(address or "")
    text = _UNIT.sub(" ", text)
    text = _SLASH_UNIT.sub(r" \2", text)
    number = _HOUSE_NUMBER.search(text)
    words = [STREET_TYPES.get(w, w) for w in _NOT_LETTER.split(text) if w]
    street = next((w for w in words if len(w) > 1 and w not in STREET_TYPES.values()), "")
    whole = " ".join(([number.group(1)] if number else []) + words)
    return AddressKey(whole, number.group(1) if number else "", phonetic(street) if street else "")


# --- the keys a worker is found by, kept on the worker's row --------------------------------------

MATCH_SOURCES = ("given_names", "first_surname", "second_surname", "birth_date", "phone")
MATCH_KEY_FIELDS = (
    "key_given",
    "key_surname1",
    "key_surname2",
    "key_pair_lo",
    "key_pair_hi",
    "key_birth_swapped",
    "key_phone",
)


def match_keys(
    *,
    given_names: str,
    first_surname: str,
    second_surname: str,
    birth_date: date | None,
    phone: str,
) -> dict[str, Any]:
    """The values of Worker.key_*: what the check at registration looks a person up by."""
    given = name_tokens(given_names)
    first, second = phonetic_key(first_surname), phonetic_key(second_surname)
    low, high = sorted((first, second))
    swapped = [v for v in birth_date_variants(birth_date) if v != birth_date]
    return {
        "key_given": phonetic(given[0]) if given else "",
        "key_surname1": first,
        "key_surname2": second,
        "key_pair_lo": low,
        "key_pair_hi": high,
        "key_birth_swapped": swapped[0] if swapped else None,
        "key_phone": phone_key(phone),
    }


# --- scoring a pair of people, with the evidence ------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What two registrations are compared on."""

    given_names: str
    first_surname: str
    second_surname: str
    birth_date: date | None
    phone: str = ""
    documents: frozenset[str] = frozenset()  # document_key of each number
    sex: str = ""

    @classmethod
    def of(cls, record: Any, numbers: Iterable[str] = ()) -> Person:
        """From anything with names, birth_date, phone and sex (a Worker, a WorkerInput) and
        its document numbers."""
        return cls(
            given_names=record.given_names,
            first_surname=record.first_surname,
            second_surname=record.second_surname,
            birth_date=record.birth_date,
            phone=record.phone or "",
            documents=frozenset(document_key(n) for n in numbers if n),
            sex=record.sex or "",
        )


@dataclass(frozen=True)
class Evidence:
    field: str  # given_names, surnames, birth_date, document, phone, sex
    level: str  # a code of LEVELS
    weight: float  # match weight: log2 of how much likelier this is for the same person


# Match weights (log2 Bayes factors) by field and level, strongest agreement first. They follow
# the batch model's comparisons (linkage/engine.py) with values of the size that model learns on
# the synthetic registry (docs/linkage.md); a field missing on either side weighs nothing.
LEVELS: dict[str, dict[str, float]] = {
    "given_names": {
        "exact": 6.0,
        "sounds_alike": 5.0,
        "close": 3.5,
        "first_name_sounds_alike": 2.0,
        "similar": 0.5,
        "different": -5.0,
    },
    "surnames": {
        "exact": 9.0,
        "sounds_alike": 8.0,
        "swapped": 8.0,
        "second_missing": 4.0,
        "close": 5.0,
        "one_in_common": 0.5,
        "different": -7.0,
    },
    "birth_date": {
        "exact": 8.5,
        "day_month_swapped": 6.0,
        "a_day_apart": 4.0,
        "year_mistyped": 3.0,
        "same_year": 0.5,
        "different": -6.0,
    },
    "document": {"exact": 14.0, "one_typo": 8.0, "different": -4.0},
    "phone": {"exact": 7.0, "different": -0.5},
    "sex": {"exact": 0.3, "different": -3.0},
}
FIELD_LABELS = {
    "given_names": _("Given names"),
    "surnames": _("Surnames"),
    "birth_date": _("Date of birth"),
    "document": _("Identity document"),
    "phone": _("Phone"),
    "sex": _("Sex"),
}
LEVEL_LABELS = {
    "exact": _("the same"),
    "sounds_alike": _("sound the same"),
    "close": _("nearly the same"),
    "first_name_sounds_alike": _("first name sounds the same"),
    "similar": _("similar"),
    "swapped": _("the same, in the other order"),
    "second_missing": _("first the same, second missing"),
    "one_in_common": _("one in common"),
    "day_month_swapped": _("day and month swapped"),
    "a_day_apart": _("a day apart"),
    "year_mistyped": _("same day and month, another year"),
    "same_year": _("same year"),
    "one_typo": _("one character apart"),
    "different": _("different"),
}


def strength_label(weight: float) -> str:
    """How a field's agreement weighs, in words."""
    if weight >= 6:
        return str(_("strongly for"))
    if weight >= 2:
        return str(_("for"))
    if weight > -2:
        return str(_("weak"))
    return str(_("against"))


PRIOR_WEIGHT = -17.0  # about one pair in 130,000 is the same person in a national registry


def _jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


def _given_level(a: str, b: str) -> str:
    ta, tb = name_tokens(a), name_tokens(b)
    ka, kb = " ".join(ta), " ".join(tb)
    if ka == kb:
        return "exact"
    if phonetic_key(a) == phonetic_key(b):
        return "sounds_alike"
    similarity = _jaro_winkler(ka, kb)
    if similarity >= 0.92:
        return "close"
    if phonetic(ta[0]) == phonetic(tb[0]):
        return "first_name_sounds_alike"
    return "similar" if similarity >= 0.8 else "different"


def _surnames_level(a: Person, b: Person) -> str:
    a1, a2, b1, b2 = (
        name_key(a.first_surname),
        name_key(a.second_surname),
        name_key(b.first_surname),
        name_key(b.second_surname),
    )
    if (a1, a2) == (b1, b2):
        return "exact"
    p1, p2 = phonetic_key(a.first_surname), phonetic_key(a.second_surname)
    q1, q2 = phonetic_key(b.first_surname), phonetic_key(b.second_surname)
    if (p1, p2) == (q1, q2):
        return "sounds_alike"
    if sorted((p1, p2)) == sorted((q1, q2)):
        return "swapped"
    if p1 == q1 and not (a2 and b2):
        return "second_missing"
    if _jaro_winkler(a1, b1) >= 0.9 and _jaro_winkler(a2, b2) >= 0.9:
        return "close"
    if {p1, p2} & {q1, q2} - {""}:
        return "one_in_common"
    return "different"


def _birth_level(a: date, b: date) -> str:
    if a == b:
        return "exact"
    if b in birth_date_variants(a):
        return "day_month_swapped"
    if abs((a - b).days) <= 1:
        return "a_day_apart"
    if (a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) <= 10:
        return "year_mistyped"
    return "same_year" if a.year == b.year else "different"


def _document_level(a: frozenset[str], b: frozenset[str]) -> str:
    if a & b:
        return "exact"
    if any(DamerauLevenshtein.distance(x, y) <= 1 for x in a for y in b):
        return "one_typo"
    return "different"


def compare(a: Person, b: Person) -> list[Evidence]:
    """Field by field, how strongly two registrations agree."""
    levels: list[tuple[str, str]] = []
    if name_tokens(a.given_names) and name_tokens(b.given_names):
        levels.append(("given_names", _given_level(a.given_names, b.given_names)))
    if name_tokens(a.first_surname) and name_tokens(b.first_surname):
        levels.append(("surnames", _surnames_level(a, b)))
    if a.birth_date and b.birth_date:
        levels.append(("birth_date", _birth_level(a.birth_date, b.birth_date)))
    if a.documents and b.documents:
        levels.append(("document", _document_level(a.documents, b.documents)))
    pa, pb = phone_key(a.phone), phone_key(b.phone)
    if pa and pb:
        levels.append(("phone", "exact" if pa == pb else "different"))
    if a.sex and b.sex:
        levels.append(("sex", "exact" if a.sex == b.sex else "different"))
    return [Evidence(field, level, LEVELS[field][level]) for field, level in levels]


def match_probability(evidence: list[Evidence]) -> float:
    weight = PRIOR_WEIGHT + sum(e.weight for e in evidence)
    return 1 / (1 + 2 ** (-weight))
