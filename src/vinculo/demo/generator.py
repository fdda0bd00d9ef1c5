"""A deterministic, seeded generator of realistic demo people. Plain Python, no ORM.

Identity numbers follow each country's format, check digits included:
HN DNI (department, municipality, birth year, sequence), GT CUI/DPI (mod-11 verifier), SV DUI
(mod-10 verifier), NI cédula (municipality, birth date, sequence, mod-23 letter), MX CURP (18
characters with its check digit), VE cédula (V-########). Phones are valid mobile numbers.
"""

from __future__ import annotations

import random
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import phonenumbers

DATA = Path(__file__).resolve().parent / "data" / "people.toml"
NATIONALITY_SHARE = {"HN": 35, "GT": 20, "SV": 12, "NI": 10, "MX": 13, "VE": 10}
# Country of the authority that registers workers of each nationality.
REGISTERED_IN = {"HN": "HN", "GT": "GT", "SV": "SV", "NI": "NI", "MX": "MX", "VE": "MX"}
# ISCO unit groups of the work the demo's programmes recruit for.
DEMO_ISCO_UNITS = [
    "9211",
    "6111",
    "9212",
    "6121",
    "7112",
    "7212",
    "7511",
    "9329",
    "8219",
    "5120",
    "9112",
    "8332",
    "7411",
    "7126",
    "5322",
    "9313",
    "8160",
]
CURP_STATES = {
    "MX-CHP": "CS",
    "MX-OAX": "OC",
    "MX-GRO": "GR",
    "MX-VER": "VZ",
    "MX-PUE": "PL",
    "MX-MIC": "MN",
    "MX-NLE": "NL",
    "MX-CMX": "DF",
    "MX-BCN": "BC",
}
CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
NI_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXY"


@dataclass(frozen=True)
class DemoDocument:
    kind: str
    issuing_country: str
    number: str
    expires_on: date | None


@dataclass(frozen=True)
class DemoPerson:
    registration_number: str
    given_names: str
    first_surname: str
    second_surname: str
    sex: str
    birth_date: date
    nationality: str
    registered_in: str
    phone: str
    subdivision: str
    municipality: str
    documents: list[DemoDocument] = field(default_factory=list)
    isco_units: list[tuple[str, int]] = field(default_factory=list)


@cache
def people_data() -> dict:
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


def _weighted(items: list[str]) -> tuple[list[str], list[int]]:
    names, weights = [], []
    for item in items:
        name, _, weight = item.rpartition(":")
        names.append(name)
        weights.append(int(weight))
    return names, weights


def _ascii_upper(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0303")


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _fill(rng: random.Random, pattern: str) -> str:
    return "".join(rng.choice("0123456789") if c == "#" else c for c in pattern)


def gt_cui(rng: random.Random, dept: str, muni: int) -> str:
    while True:
        body = _digits(rng, 8)
        check = sum(int(d) * (i + 2) for i, d in enumerate(body)) % 11
        if check < 10:
            return f"{body} {check}{dept}{muni:02d}"


def gt_cui_valid(number: str) -> bool:
    digits = number.replace(" ", "")
    body, check = digits[:8], int(digits[8])
    return sum(int(d) * (i + 2) for i, d in enumerate(body)) % 11 == check


def sv_dui(rng: random.Random) -> str:
    body = _digits(rng, 8)
    total = sum(int(d) * (9 - i) for i, d in enumerate(body))
    return f"{body}-{(10 - total % 10) % 10}"


def sv_dui_valid(number: str) -> bool:
    body, check = number.split("-")
    total = sum(int(d) * (9 - i) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == int(check)


def ni_cedula(rng: random.Random, birth: date) -> str:
    muni = rng.choice(["001", "081", "121", "161", "241", "441", "281"])
    digits = f"{muni}{birth:%d%m%y}{_digits(rng, 4)}"
    return f"{digits[:3]}-{digits[3:9]}-{digits[9:]}{NI_LETTERS[int(digits) % 23]}"


def ni_cedula_valid(number: str) -> bool:
    digits = number.replace("-", "")
    return NI_LETTERS[int(digits[:13]) % 23] == digits[13]


def _first_internal(text: str, vowels: bool) -> str:
    for c in text[1:]:
        if (c in "AEIOU") == vowels and c.isalpha():
            return "X" if c == "Ñ" else c
    return "X"


def curp(
    person_names: tuple[str, str, str], birth: date, sex: str, state: str, rng: random.Random
) -> str:
    given, first, second = (_ascii_upper(n).replace("\u0303", "") for n in person_names)
    given_word = given.split()[0]
    if given_word in ("MARIA", "JOSE") and len(given.split()) > 1:
        given_word = given.split()[1]  # CURP skips María and José when another name follows
    second = second or "X"
    body = (
        first[0]
        + _first_internal(first, True)
        + second[0]
        + given_word[0]
        + f"{birth:%y%m%d}"
        + ("M" if sex == "F" else "H")
        + state
        + _first_internal(first, False)
        + _first_internal(second, False)
        + _first_internal(given_word, False)
        # The homoclave tells namesakes born the same day in the same state apart: a digit
        # before 2000, a letter since. Drawn, so the generator never runs out of numbers.
        + rng.choice("0123456789" if birth.year < 2000 else "ABCDEFGHIJKLMNPQRSTUVWXYZ")
    )
    return body + str(curp_check_digit(body))


def curp_check_digit(first17: str) -> int:
    total = sum(CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(first17))
    return (10 - total % 10) % 10


def valid_phone(rng: random.Random, patterns: list[str]) -> str:
    for _ in range(100):
        candidate = _fill(rng, rng.choice(patterns))
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            return candidate
    raise RuntimeError(f"no valid phone number from {patterns}")


class PeopleGenerator:
    def __init__(self, seed: int = 2026, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.today = today or date(2026, 11, 1)
        self.data = people_data()
        self._pools = {
            country: {
                key: _weighted(self.data[country][key]) for key in ("female", "male", "surnames")
            }
            for country in NATIONALITY_SHARE
        }
        self._hn_sequence = 0
        self._numbers_used: set[tuple[str, str, str]] = set()

    def _pick(self, country: str, key: str) -> str:
        names, weights = self._pools[country][key]
        return self.rng.choices(names, weights)[0]

    def registration_number(self) -> str:
        alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        body = "".join(self.rng.choice(alphabet) for _ in range(10))
        return f"VN-{body[:5]}-{body[5:]}"

    def person(self) -> DemoPerson:
        rng = self.rng
        nationality = rng.choices(list(NATIONALITY_SHARE), list(NATIONALITY_SHARE.values()))[0]
        sex = rng.choices(["M", "F", "X"], [62, 37, 1])[0]
        key = "female" if sex == "F" or (sex == "X" and rng.random() < 0.5) else "male"
        given = self._pick(nationality, key)
        first = self._pick(nationality, "surnames")
        second = self._pick(nationality, "surnames") if rng.random() < 0.97 else ""
        birth = self.today - timedelta(days=rng.randint(18 * 365 + 5, 56 * 365))
        municipalities = self.data[nationality]["municipalities"]
        subdivision = rng.choice(sorted(municipalities))
        municipality = rng.choice(municipalities[subdivision])
        documents = [
            self._unique(
                lambda: self._national_id(
                    nationality, birth, sex, (given, first, second), subdivision
                )
            )
        ]
        if rng.random() < 0.55 or nationality == "VE":
            expires = self.today + timedelta(days=rng.randint(-400, 9 * 365))
            documents.append(
                self._unique(
                    lambda: DemoDocument(
                        "passport",
                        nationality,
                        _fill(rng, self.data[nationality]["passport"]),
                        expires,
                    )
                )
            )
        units = rng.sample(DEMO_ISCO_UNITS, rng.choice([1, 1, 2]))
        return DemoPerson(
            registration_number=self.registration_number(),
            given_names=given,
            first_surname=first,
            second_surname=second,
            sex=sex,
            birth_date=birth,
            nationality=nationality,
            registered_in=REGISTERED_IN[nationality],
            phone=valid_phone(rng, self.data[nationality]["phone"]),
            subdivision=subdivision,
            municipality=municipality,
            documents=documents,
            isco_units=[(unit, rng.randint(0, 15)) for unit in units],
        )

    def _unique(self, make: Callable[[], DemoDocument]) -> DemoDocument:
        """Random numbers collide at large sizes: draw again until the number is new."""
        while True:
            document = make()
            key = (document.kind, document.issuing_country, document.number)
            if key not in self._numbers_used:
                self._numbers_used.add(key)
                return document

    def _national_id(
        self, country: str, birth: date, sex: str, names: tuple[str, str, str], subdivision: str
    ) -> DemoDocument:
        rng = self.rng
        if country == "HN":
            self._hn_sequence += 1
            dept = f"{rng.randint(1, 18):02d}{rng.randint(1, 28):02d}"
            number = f"{dept}-{birth.year}-{self._hn_sequence % 100000:05d}"
        elif country == "GT":
            number = gt_cui(rng, f"{rng.randint(1, 22):02d}", rng.randint(1, 20))
        elif country == "SV":
            number = sv_dui(rng)
        elif country == "NI":
            number = ni_cedula(rng, birth)
        elif country == "MX":
            number = curp(names, birth, sex, CURP_STATES.get(subdivision, "NE"), rng)
        else:
            number = f"V-{rng.randint(10_000_000, 32_000_000)}"
        return DemoDocument("national_id", country, number, None)

    def people(self, count: int) -> list[DemoPerson]:
        return [self.person() for _ in range(count)]
