"""A synthetic registry with planted duplicates, for the linkage benchmark and tests.

People come from the demo's generator (Honduran, Guatemalan and other names at their real
frequencies, documents in each country's format, valid phones). A share of them is registered a
second (or third) time with the errors that happen at registration desks: typing slips, accents
lost, b/v s/z y/ll g/j spellings, surnames swapped or one missing, a compound given name cut
short, a new phone, day and month swapped or another error in the date of birth, no document.
The ground truth (which records are the same person) is written to its own file.

The file's columns are Spanish and its dates mixed in format on purpose: `vinculo dedup` must
work on files that Vínculo did not make.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from vinculo.core.values import fold
from vinculo.demo.generator import PeopleGenerator
from vinculo.registry.models import DocumentKind, IdentityDocument, RegistrationChannel, Worker

COLUMNS = [
    "id_registro",
    "nombres",
    "primer_apellido",
    "segundo_apellido",
    "fecha_nacimiento",
    "sexo",
    "documento",
    "telefono",
    "municipio",
]
# The roles of `vinculo dedup` for these columns.
ROLES = {
    "given_name": "nombres",
    "family_name": "primer_apellido",
    "second_family_name": "segundo_apellido",
    "birth_date": "fecha_nacimiento",
    "sex": "sexo",
    "document_number": "documento",
    "phone": "telefono",
    "locality": "municipio",
}
SOUND_ALIKE = [("b", "v"), ("v", "b"), ("s", "z"), ("z", "s"), ("ll", "y"), ("y", "ll")]
SOUND_ALIKE += [("j", "g"), ("ge", "je"), ("gi", "ji"), ("ce", "se"), ("ci", "si"), ("h", "")]


@dataclass
class Record:
    id: str
    person: int
    given: str
    first: str
    second: str
    birth: date | None
    sex: str
    document: str
    phone: str
    municipality: str


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.35:  # a letter dropped
        return text[:i] + text[i + 1 :]
    if kind < 0.7:  # two letters swapped
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    letter = rng.choice("aeiourlnst")
    return text[:i] + letter + text[i + 1 :]  # a letter mistyped


def _sound_alike(rng: random.Random, text: str) -> str:
    lower = text.lower()
    options = [(a, b) for a, b in SOUND_ALIKE if a in lower]
    if not options:
        return text
    a, b = rng.choice(options)
    i = lower.index(a)
    replaced = text[:i] + b + text[i + len(a) :]
    return replaced[:1].upper() + replaced[1:] if i == 0 else replaced


def _unaccented(text: str) -> str:
    return fold(text).title()


def _birth_error(rng: random.Random, birth: date) -> date:
    kind = rng.random()
    if kind < 0.5 and birth.day <= 12 and birth.day != birth.month:
        return date(birth.year, birth.day, birth.month)
    if kind < 0.8:
        return birth + timedelta(days=rng.choice([-1, 1]))
    try:
        return birth.replace(year=birth.year + rng.choice([-1, 1, -10, 10]))
    except ValueError:
        return birth + timedelta(days=1)


def corrupt(rng: random.Random, record: Record, new_phone: Callable[[], str]) -> Record:
    """A second registration of the same person: two or three errors from the desk."""
    r = Record(**record.__dict__)
    errors = rng.sample(
        [
            "typo_given",
            "typo_surname",
            "accents",
            "sound_alike",
            "swap_surnames",
            "drop_second",
            "cut_given",
            "phone",
            "birth",
            "no_document",
            "document_typo",
        ],
        rng.choice([1, 2, 2, 3]),
    )
    for error in errors:
        if error == "typo_given":
            r.given = _typo(rng, r.given)
        elif error == "typo_surname":
            r.first = _typo(rng, r.first)
        elif error == "accents":
            r.given, r.first, r.second = map(_unaccented, (r.given, r.first, r.second))
        elif error == "sound_alike":
            if rng.random() < 0.5:
                r.first = _sound_alike(rng, r.first)
            else:
                r.given = _sound_alike(rng, r.given)
        elif error == "swap_surnames" and r.second:
            r.first, r.second = r.second, r.first
        elif error == "drop_second":
            r.second = ""
        elif error == "cut_given" and " " in r.given:
            r.given = r.given.split(" ")[0]
        elif error == "phone":
            r.phone = new_phone()
        elif error == "birth" and r.birth:
            r.birth = _birth_error(rng, r.birth)
        elif error == "no_document":
            r.document = ""
        elif error == "document_typo" and len(r.document) > 4:
            r.document = _typo(rng, r.document)
    return r


def _date_text(rng: random.Random, value: date | None) -> str:
    if value is None:
        return ""
    form = rng.random()
    if form < 0.5:
        return value.isoformat()
    if form < 0.9:
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d-%m-%Y")


def records(count: int, *, seed: int = 2026, duplicate_share: float = 0.15) -> Iterator[Record]:
    """`count` records, about `duplicate_share` of them second or third registrations of a
    person among the others, in shuffled order within each block of 10,000."""
    rng = random.Random(seed)
    people = PeopleGenerator(seed=seed)
    made, person_id, block = 0, 0, []

    def new_phone() -> str:  # another person's number: the worker changed phones
        return people.person().phone

    while made < count:
        person = people.person()
        person_id += 1
        document = person.documents[0].number
        original = Record(
            id="",
            person=person_id,
            given=person.given_names,
            first=person.first_surname,
            second=person.second_surname,
            birth=person.birth_date,
            sex=person.sex,
            document=document,
            phone=person.phone,
            municipality=person.municipality,
        )
        copies = [original]
        if rng.random() < duplicate_share / (1 - duplicate_share):
            copies.append(corrupt(rng, original, new_phone))
            if rng.random() < 0.1:
                copies.append(corrupt(rng, original, new_phone))
        for copy in copies[: count - made]:
            made += 1
            copy.id = f"R{made:07d}"
            block.append(copy)
        if len(block) >= 10_000 or made >= count:
            rng.shuffle(block)
            yield from block
            block = []


def write(path: Path, truth_path: Path, count: int, *, seed: int = 2026) -> int:
    """Write the registry and its truth (record id, person id); return the number of true pairs."""
    rng = random.Random(seed + 1)
    sizes: dict[int, int] = {}
    with (
        path.open("w", newline="", encoding="utf-8") as handle,
        truth_path.open("w", newline="", encoding="utf-8") as truth_handle,
    ):
        out, truth = csv.writer(handle), csv.writer(truth_handle)
        out.writerow(COLUMNS)
        truth.writerow(["id_registro", "persona"])
        for r in records(count, seed=seed):
            out.writerow(
                [
                    r.id,
                    r.given,
                    r.first,
                    r.second,
                    _date_text(rng, r.birth),
                    r.sex,
                    r.document,
                    r.phone,
                    r.municipality,
                ]
            )
            truth.writerow([r.id, r.person])
            sizes[r.person] = sizes.get(r.person, 0) + 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


def registry_load(jurisdiction: Any, count: int, *, seed: int = 2026) -> dict[int, int]:
    """Register `count` synthetic records as workers of `jurisdiction`, 5,000 at a time, and
    return each worker's person (the truth). A document number already taken by an earlier copy
    is left out, as the registry itself would refuse it twice; a copy whose date of birth was
    lost is left out too (the registry requires one)."""
    truth: dict[int, int] = {}
    taken: set[str] = set()
    batch: list[Record] = []

    def flush() -> None:
        workers = [
            Worker(
                jurisdiction=jurisdiction,
                given_names=r.given,
                first_surname=r.first,
                second_surname=r.second,
                sex=r.sex,
                birth_date=r.birth,
                nationality=jurisdiction.country,
                phone=r.phone,
                residence_country=jurisdiction.country,
                municipality=r.municipality,
                channel=RegistrationChannel.IMPORT,
            )
            for r in batch
        ]
        for worker in workers:  # whatever writes a record writes its keys
            worker.keys_refresh()
        Worker.objects.bulk_create(workers)
        documents = []
        for record, worker in zip(batch, workers, strict=True):
            truth[worker.pk] = record.person
            number, kind, country = record.document, DocumentKind.NATIONAL_ID, jurisdiction.country
            key = number and IdentityDocument.hash_for(
                kind=kind, issuing_country=country, number=number
            )
            if key and key not in taken:
                taken.add(key)
                documents.append(
                    IdentityDocument(
                        worker=worker,
                        kind=kind,
                        issuing_country=country,
                        number=number,
                        number_hash=key,
                        search_hash=IdentityDocument.search_hash_for(number),
                    )
                )
        IdentityDocument.objects.bulk_create(documents)
        batch.clear()

    for record in records(count, seed=seed):
        if record.birth is not None:
            batch.append(record)
        if len(batch) >= 5_000:
            flush()
    if batch:
        flush()
    return truth
