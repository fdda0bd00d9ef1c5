"""A synthetic foreign registry with planted duplicates: the kind of file `vinculo dedup` is
promised for but Vínculo did not make.

English given and family names (a few common, most rare, as in a real population), street
addresses with a house number, a street and sometimes a unit, localities with their postcodes,
a social-security-like number, and a date of birth that is missing from a quarter of the records.
Each duplicated person is registered one to three more times with the errors of such registries:
typing slips, a nickname for the given name (Bill for William), the house number mistyped, the
street type abbreviated (St for Street) or the unit left out, a postcode digit wrong, the
locality misspelt or left out, the number mistyped or missing, and the date of birth lost, its
digits transposed, day and month swapped or the year a year off.

The point of the file is that the date of birth cannot be relied on for blocking, as it can on
the Central American registry of `demo.synthetic`. The ground truth is written to its own
file. The same seed gives the same file.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

COLUMNS = [
    "rec_id",
    "given_name",
    "surname",
    "address",
    "suburb",
    "postcode",
    "date_of_birth",
    "soc_sec_id",
]
# The roles of `vinculo dedup` for these columns.
ROLES = {
    "given_name": "given_name",
    "family_name": "surname",
    "address": "address",
    "locality": "suburb",
    "postcode": "postcode",
    "birth_date": "date_of_birth",
    "document_number": "soc_sec_id",
}


def _words(text: str) -> list[str]:
    return text.split()


# Given names, commonest first; each with the nicknames it is written as.
GIVEN = {
    "James": ["Jim", "Jimmy"], "John": ["Jack", "Johnny"], "Robert": ["Bob", "Rob"],
    "Michael": ["Mike"], "William": ["Bill", "Will"], "David": ["Dave"], "Richard": ["Rick"],
    "Joseph": ["Joe"], "Thomas": ["Tom"], "Charles": ["Charlie"], "Christopher": ["Chris"],
    "Daniel": ["Dan"], "Matthew": ["Matt"], "Anthony": ["Tony"], "Mark": [], "Donald": ["Don"],
    "Steven": ["Steve"], "Paul": [], "Andrew": ["Andy", "Drew"], "Joshua": ["Josh"],
    "Kenneth": ["Ken"], "Kevin": [], "Brian": [], "George": [], "Timothy": ["Tim"],
    "Ronald": ["Ron"], "Edward": ["Ed", "Ted"], "Jason": [], "Jeffrey": ["Jeff"], "Ryan": [],
    "Jacob": ["Jake"], "Gary": [], "Nicholas": ["Nick"], "Eric": [], "Jonathan": ["Jon"],
    "Stephen": ["Steve"], "Larry": [], "Justin": [], "Scott": [], "Brandon": [],
    "Benjamin": ["Ben"], "Samuel": ["Sam"], "Gregory": ["Greg"], "Alexander": ["Alex"],
    "Patrick": ["Pat"], "Frank": [], "Raymond": ["Ray"], "Jack": [], "Dennis": [], "Jerry": [],
    "Tyler": [], "Aaron": [], "Henry": ["Harry"], "Douglas": ["Doug"], "Peter": ["Pete"],
    "Adam": [], "Nathan": ["Nate"], "Zachary": ["Zach"], "Walter": ["Walt"], "Kyle": [],
    "Harold": ["Hal"], "Carl": [], "Jeremy": [], "Keith": [], "Roger": [], "Gerald": ["Gerry"],
    "Ethan": [], "Arthur": ["Art"], "Terry": [], "Christian": [], "Sean": [], "Lawrence": [],
    "Austin": [], "Joe": [], "Noah": [], "Jesse": [], "Albert": ["Al"], "Bryan": [],
    "Billy": [], "Bruce": [], "Willie": [], "Jordan": [], "Dylan": [], "Alan": [],
    "Ralph": [], "Gabriel": ["Gabe"], "Roy": [], "Juan": [], "Wayne": [], "Eugene": [],
    "Logan": [], "Randy": [], "Louis": ["Lou"], "Russell": ["Russ"], "Vincent": ["Vince"],
    "Philip": ["Phil"], "Bobby": [], "Johnny": [], "Bradley": ["Brad"],
    "Mary": ["Molly"], "Patricia": ["Patty", "Trish"], "Jennifer": ["Jenny", "Jen"],
    "Linda": [], "Elizabeth": ["Liz", "Beth", "Betty"], "Barbara": ["Barb"], "Susan": ["Sue"],
    "Jessica": ["Jess"], "Sarah": [], "Karen": [], "Lisa": [], "Nancy": [], "Betty": [],
    "Margaret": ["Maggie", "Peggy"], "Sandra": ["Sandy"], "Ashley": [], "Kimberly": ["Kim"],
    "Emily": [], "Donna": [], "Michelle": [], "Carol": [], "Amanda": ["Mandy"],
    "Dorothy": ["Dot"], "Melissa": ["Mel"], "Deborah": ["Debbie", "Deb"], "Stephanie": [],
    "Rebecca": ["Becky"], "Sharon": [], "Laura": [], "Cynthia": ["Cindy"], "Kathleen": ["Kathy"],
    "Amy": [], "Angela": ["Angie"], "Shirley": [], "Anna": [], "Brenda": [], "Pamela": ["Pam"],
    "Emma": [], "Nicole": ["Nikki"], "Helen": [], "Samantha": ["Sam"], "Katherine": ["Kate"],
    "Christine": ["Chris"], "Debra": [], "Rachel": [], "Carolyn": [], "Janet": [],
    "Catherine": ["Cathy"], "Maria": [], "Heather": [], "Diane": [], "Ruth": [], "Julie": [],
    "Olivia": [], "Joyce": [], "Virginia": ["Ginny"], "Victoria": ["Vicky", "Tori"],
    "Kelly": [], "Lauren": [], "Christina": ["Tina"], "Joan": [], "Evelyn": [], "Judith": ["Judy"],
    "Megan": [], "Andrea": [], "Cheryl": [], "Hannah": [], "Jacqueline": ["Jackie"],
    "Martha": [], "Gloria": [], "Teresa": ["Terri"], "Ann": [], "Sara": [], "Madison": [],
    "Frances": ["Fran"], "Kathryn": [], "Janice": [], "Jean": [], "Abigail": ["Abby"],
    "Alice": [], "Judy": [], "Sophia": [], "Grace": [], "Denise": [], "Amber": [], "Doris": [],
    "Marilyn": [], "Danielle": [], "Beverly": ["Bev"], "Isabella": ["Bella"], "Theresa": [],
    "Diana": [], "Natalie": [], "Brittany": [], "Charlotte": [], "Marie": [], "Kayla": [],
    "Alexis": [], "Lori": [],
}  # fmt: skip
SURNAMES = _words("""
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin
Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill
Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards
Collins Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Kelly Howard
Ward Cox Richardson Wood Watson Brooks Bennett Gray James Hughes Price Sanders Myers Long Ross
Foster Powell Jenkins Perry Russell Sullivan Fisher Henderson Coleman Simmons Patterson Jordan
Reynolds Hamilton Graham Wallace Cole West Stone Hayes Gibson Ellis Marshall Owens Harrison
McDonald Kennedy Wells Palmer Webb Mason Hunt Robertson Black Holmes Dixon Warren Mills Grant
Hunter Freeman Burns Ryan Gordon Hart Lane Armstrong Weaver Elliott Knight Berry Spencer Payne
Fox Rose Lawrence Little Chapman Carroll Duncan Snyder Hudson Dunn Ford Pearce Lambert Walsh
Shaw Barker Hopkins Fletcher Newman Burke Lloyd Quinn Reid Ryder Moss Hale Norris Fowler Walton
Byrne Doyle Fraser Kerr Nolan Riley Sharp Tucker Vaughan Wade Barnes Booth Bishop Dawson Day
Flynn Gill Hammond Hodges Hogan Holland Jennings Keller Kemp Lowe Lynch Marsh Nash Norton
Osborne Parsons Pratt Rhodes Rowe Saunders Stevens Swan Thornton Todd Townsend Tyler Walters
Whitaker Wilkinson Yates Abbott Ashford Beck Bradshaw Brennan Buckley Caldwell Cartwright
Chambers Clayton Connolly Crawford Dalton Donovan Drake Eaton Farrell Finch Garner Gilbert
Goodwin Griffin Hancock Hardy Harper Hawkins Hickman Horton Ingram Jarvis Kirby Lindsay Manning
Maxwell McKenzie Middleton Monroe Mullins Nichols Oakley Pearson Pickering Preston Ramsey Rankin
Rees Sheridan Sinclair Slater Stanley Sutton Thorne Underwood Vickers Wheeler Whitfield Winter
Woodward Wyatt Ashton Bancroft Blackwell Carver Delaney Fairbanks Gallagher Halloway Kingsley
Lockwood Merriweather Pemberton Quigley Rutherford Stanfield Thackeray Wainwright Yardley
""")
STREETS = _words("""
Acacia Albert Alexander Ann Arthur Ash Banksia Bay Beach Bellevue Birch Boundary Bridge
Bristol Brook Cambridge Canning Carrington Cedar Charles Church Clarence Cliff College Coral
Crown Cypress Dalton Darling Duke Edward Elizabeth Elm Esplanade Fairview Ferry Fig Forest
Francis George Gladstone Glen Gordon Grange Grove Hampton Harbour Heath Henry High Highfield
Hill Hope Jacaranda James John Kent King Lake Laurel Lime Macquarie Main Manor Maple Market
Marine Mill Mitchell Moore Mount Murray Myrtle Nelson Newcastle North Oak Ocean Old Orchard
Oxford Palm Park Pine Pitt Queen Railway Regent River Rose Russell Salisbury Sandy School
Short Smith South Spring Station Stirling Sunset Sydney Thomas Victoria View Wattle Waverley
Wellington West William Willow Windsor York
""")
STREET_TYPES = {
    "Street": "St",
    "Road": "Rd",
    "Avenue": "Ave",
    "Drive": "Dr",
    "Lane": "Ln",
    "Court": "Ct",
    "Place": "Pl",
    "Crescent": "Cres",
    "Parade": "Pde",
    "Terrace": "Tce",
}
_PLACE_STEMS = _words("""
Ash Bay Beech Bell Black Bright Brook Burn Camp Castle Clear Cold Deer Dun East Elm Fair Fern
Glen Gold Green Hawk High Holly King Lake Lang Lind Long Mar Mid Mill Moor New North Oak Pine
Red Rich River Rock Rose Sand Silver Spring Stone Sun Thorn West White Wild Wind Wood
""")
_PLACE_ENDS = _words(
    "ton field wood ville ford dale bury ridge vale mount haven worth ley stead port"
)


@dataclass
class Record:
    id: str
    person: int
    given: str
    surname: str
    number: str
    street: str
    street_type: str
    unit: str
    locality: str
    postcode: str
    birth: date | None
    ssn: str


def _zipf(items: list[str], exponent: float) -> list[float]:
    """Weights falling with rank, as name frequencies do: a few very common, most rare."""
    return [1 / (i + 1) ** exponent for i in range(len(items))]


class _Population:
    """Who lives where: localities with postcodes, names at their frequencies."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        names = sorted({s + e for s in _PLACE_STEMS for e in _PLACE_ENDS})
        rng.shuffle(names)
        self.localities = names[:600]
        # Postcodes of four digits, neighbouring localities sometimes sharing one.
        self.postcode = {}
        code = 2000
        for place in self.localities:
            if rng.random() < 0.8:
                code += rng.randint(1, 9)
            self.postcode[place] = str(code)
        self.given = list(GIVEN)
        self.given_w = _zipf(self.given, 0.8)
        self.surnames = SURNAMES
        self.surname_w = _zipf(self.surnames, 0.6)
        self.locality_w = _zipf(self.localities, 0.5)
        self.ssns: set[str] = set()

    def ssn(self) -> str:
        while True:
            number = f"{self.rng.randint(100_000_000, 899_999_999)}"
            if number not in self.ssns:
                self.ssns.add(number)
                return number

    def person(self, person_id: int) -> Record:
        rng = self.rng
        locality = rng.choices(self.localities, self.locality_w)[0]
        birth = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 75))
        return Record(
            id="",
            person=person_id,
            given=rng.choices(self.given, self.given_w)[0],
            surname=rng.choices(self.surnames, self.surname_w)[0],
            number=str(rng.choice([rng.randint(1, 60), rng.randint(1, 250), rng.randint(1, 999)])),
            street=rng.choice(STREETS),
            street_type=rng.choice(list(STREET_TYPES)),
            unit=str(rng.randint(1, 30)) if rng.random() < 0.2 else "",
            locality=locality,
            postcode=self.postcode[locality],
            birth=None if rng.random() < 0.2 else birth,
            ssn=self.ssn(),
        )


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.3:  # a letter dropped
        return text[:i] + text[i + 1 :]
    if kind < 0.55:  # two letters swapped
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind < 0.7:  # a letter doubled
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice("aeiourlnstmc") + text[i + 1 :]  # a letter mistyped


def _digit_typo(rng: random.Random, digits: str) -> str:
    if len(digits) < 2:
        return str((int(digits or "0") + rng.randint(1, 8)) % 10 or 1)
    i = rng.randrange(len(digits) - 1)
    if rng.random() < 0.5:  # two digits transposed
        return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
    return digits[:i] + str((int(digits[i]) + rng.randint(1, 9)) % 10) + digits[i + 1 :]


def birth_error(rng: random.Random, birth: date) -> date | None:
    """A date of birth as it is mistyped: two digits transposed, day and month swapped, or the
    year one off. A transposition that makes no date loses it (the file says 1985-13-02)."""
    kind = rng.random()
    if kind < 0.35:
        text = birth.strftime("%Y%m%d")
        i = rng.choice([2, 4, 6])  # within the year's last digits, the month or the day
        text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    if kind < 0.65 and birth.day <= 12 and birth.day != birth.month:
        return date(birth.year, birth.day, birth.month)
    try:
        return birth.replace(year=birth.year + rng.choice([-1, 1]))
    except ValueError:  # 29 February
        return birth + timedelta(days=1)


def corrupt(rng: random.Random, record: Record, population: _Population) -> Record:
    """Another registration of the same person: one to four errors."""
    r = replace(record)
    errors = rng.sample(
        [
            "typo_given",
            "typo_surname",
            "nickname",
            "number",
            "street_type",
            "unit",
            "typo_street",
            "postcode",
            "locality",
            "no_locality",
            "birth",
            "birth",
            "no_birth",
            "ssn",
            "no_ssn",
            "moved",
        ],
        rng.choice([1, 2, 2, 3, 3, 4]),
    )
    for error in errors:
        if error == "typo_given":
            r.given = _typo(rng, r.given)
        elif error == "typo_surname":
            r.surname = _typo(rng, r.surname)
        elif error == "nickname" and GIVEN.get(r.given):
            r.given = rng.choice(GIVEN[r.given])
        elif error == "number":
            r.number = _digit_typo(rng, r.number)
        elif error == "street_type":
            r.street_type = STREET_TYPES.get(r.street_type, r.street_type)
        elif error == "unit":
            r.unit = "" if r.unit else str(rng.randint(1, 30))
        elif error == "typo_street":
            r.street = _typo(rng, r.street)
        elif error == "postcode":
            r.postcode = _digit_typo(rng, r.postcode)
        elif error == "locality":
            r.locality = _typo(rng, r.locality)
        elif error == "no_locality":
            r.locality = ""
        elif error == "birth" and r.birth:
            r.birth = birth_error(rng, r.birth)
        elif error == "no_birth":
            r.birth = None
        elif error == "ssn":
            r.ssn = _digit_typo(rng, r.ssn)
        elif error == "no_ssn":
            r.ssn = ""
        elif error == "moved":  # a new address in another locality: names and dates remain
            moved = population.person(r.person)
            r.number, r.street, r.street_type = moved.number, moved.street, moved.street_type
            r.unit, r.locality, r.postcode = moved.unit, moved.locality, moved.postcode
    return r


def address_text(rng: random.Random, r: Record) -> str:
    """The address as a clerk writes it: the unit before or after, or as 4/12."""
    street = f"{r.number} {r.street} {r.street_type}"
    if not r.unit:
        return street
    form = rng.random()
    if form < 0.4:
        return f"Unit {r.unit}, {street}"
    if form < 0.7:
        return f"{street}, Apt {r.unit}"
    return f"{r.unit}/{street}"


def ssn_text(rng: random.Random, digits: str) -> str:
    """Written 123-45-6789 or 123456789, as it came."""
    if len(digits) == 9 and rng.random() < 0.5:
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    return digits


def date_text(rng: random.Random, value: date | None) -> str:
    if value is None:
        return ""
    form = rng.random()
    if form < 0.6:
        return value.strftime("%Y%m%d")
    if form < 0.85:
        return value.isoformat()
    return value.strftime("%d/%m/%Y")


def records(count: int, *, seed: int = 2026, duplicate_share: float = 0.3) -> Iterator[Record]:
    """`count` records, about `duplicate_share` of them further registrations (one to three per
    duplicated person) of someone among the others, shuffled within each block of 10,000."""
    rng = random.Random(seed)
    population = _Population(random.Random(seed + 7))
    made, person_id, block = 0, 0, []
    # A duplicated person has 1.5 more records on average, so this share of people is.
    duplicated = duplicate_share / (1.5 * (1 - duplicate_share))
    while made < count:
        person_id += 1
        original = population.person(person_id)
        copies = [original]
        if rng.random() < min(duplicated, 1.0):
            copies += [
                corrupt(rng, original, population)
                for _ in range(rng.choices([1, 2, 3], [0.6, 0.3, 0.1])[0])
            ]
        for copy in copies[: count - made]:
            made += 1
            copy.id = f"rec-{made:07d}"
            block.append(copy)
        if len(block) >= 10_000 or made >= count:
            rng.shuffle(block)
            yield from block
            block = []


def write(path: Path, truth_path: Path, count: int, *, seed: int = 2026) -> int:
    """Write the registry and its truth (rec_id, person); return the number of true pairs. The
    truth file's columns are those of `demo.synthetic`'s, so one scorer reads both."""
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
                    r.surname,
                    address_text(rng, r),
                    r.locality,
                    r.postcode,
                    date_text(rng, r.birth),
                    ssn_text(rng, r.ssn),
                ]
            )
            truth.writerow([r.id, r.person])
            sizes[r.person] = sizes.get(r.person, 0) + 1
    return sum(n * (n - 1) // 2 for n in sizes.values())
