"""Keys for finding the same person twice among Central American and Mexican records.

Pure functions, no database: the online check at registration, the batch linkage and
`vinculo dedup` all compare records through these keys, so they agree.

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

import re
from datetime import date

from vinculo.core.crypto import normalise_document_number
from vinculo.registry.domain import fold

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
