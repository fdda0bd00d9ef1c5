"""Loading the demo: authorities, organisations, one login per role and thousands of workers."""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from vinculo.core.audit import AuditVerb
from vinculo.core.models import (
    Jurisdiction,
    Membership,
    Organisation,
    OrganisationKind,
    User,
    VerificationState,
)
from vinculo.core.permissions import Role
from vinculo.core.services import audit_record
from vinculo.demo import catalogue, synthetic
from vinculo.demo.generator import DemoDocument, DemoPerson, PeopleGenerator
from vinculo.demo.permits import permits_load
from vinculo.demo.season import season_load
from vinculo.jobs import services as jobs
from vinculo.jobs.models import JobOrder
from vinculo.matching.index import index_build
from vinculo.reference.models import Occupation
from vinculo.registry.models import (
    AgencyLicence,
    CefrLevel,
    Consent,
    ConsentPurpose,
    Establishment,
    IdentityDocument,
    LicenceEvent,
    RegistrationChannel,
    VerificationEvent,
    Worker,
    WorkerLanguage,
    WorkerOccupation,
)

BATCH = 2000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    workers: int
    organisations: int
    users: list[tuple[str, str]]  # (username, role label)


def demo_is_loaded() -> bool:
    return User.objects.exists()


def _jurisdictions() -> dict[str, Jurisdiction]:
    for code, country, name_es, name_en in catalogue.JURISDICTIONS:
        Jurisdiction.objects.update_or_create(
            code=code, defaults={"country": country, "name_es": name_es, "name_en": name_en}
        )
    return {j.code: j for j in Jurisdiction.objects.all()}


REGISTERED_ON = datetime(2026, 1, 15, 15, tzinfo=UTC)  # the demo's organisations registered


def _organisations(jurisdictions: dict[str, Jurisdiction]) -> dict[str, Organisation]:
    found = {}
    for key, kind, name, country, jurisdiction, tax_id, sector, city in catalogue.ORGANISATIONS:
        found[key], _ = Organisation.objects.update_or_create(
            name=name,
            country=country,
            defaults={
                "kind": kind,
                "jurisdiction": jurisdictions[jurisdiction],
                "tax_id": tax_id,
                "sector": sector,
                "city": city,
            },
        )
    for organisation in found.values():
        if organisation.kind in (OrganisationKind.EMPLOYER, OrganisationKind.EMPLOYER_ASSOCIATION):
            note = catalogue.REJECTED_VERIFICATION.get(organisation.name, "")
            if organisation.name in catalogue.PENDING_VERIFICATION:
                state = VerificationState.PENDING
            else:
                state = VerificationState.REJECTED if note else VerificationState.VERIFIED
            organisation.verification_state = state
            organisation.verification_note = note
            organisation.verified_at = (
                None if state == VerificationState.PENDING else datetime(2026, 2, 2, 15, tzinfo=UTC)
            )
            organisation.save(
                update_fields=["verification_state", "verification_note", "verified_at"]
            )
            # Registered before it was decided, and the decision on its timeline.
            Organisation.objects.filter(pk=organisation.pk).update(created_at=REGISTERED_ON)
            if state != VerificationState.PENDING and not organisation.verification_events.exists():
                VerificationEvent.objects.create(
                    employer=organisation,
                    from_state=VerificationState.PENDING,
                    to_state=state,
                    reason=note,
                    at=organisation.verified_at,
                )
            Establishment.objects.get_or_create(
                organisation=organisation,
                name=organisation.city or organisation.name,
                defaults={"country": organisation.country, "municipality": organisation.city},
            )
    for key, number, state, countries, sectors in catalogue.LICENCES:
        licence, _ = AgencyLicence.objects.update_or_create(
            number=number,
            defaults={
                "agency": found[key],
                "jurisdiction": found[key].jurisdiction,
                "state": state,
                "destination_countries": countries,
                "sectors": sectors,
                "valid_from": None if state == "applied" else date(2024, 1, 15),
                "valid_to": None if state == "applied" else date(2027, 1, 14),
            },
        )
        if not licence.events.exists():
            history = LicenceEvent.objects.bulk_create(
                LicenceEvent(
                    licence=licence,
                    from_state=before,
                    to_state=after,
                    reason=reason,
                    at=datetime.fromisoformat(at).replace(hour=15, tzinfo=UTC),
                )
                for before, after, reason, at in catalogue.LICENCE_HISTORY.get(number, [])
            )
            # The application came before the first decision on it.
            applied = min((e.at for e in history), default=REGISTERED_ON) - timedelta(days=30)
            AgencyLicence.objects.filter(pk=licence.pk).update(created_at=applied)
    return found


def _users(
    jurisdictions: dict[str, Jurisdiction], organisations: dict[str, Organisation]
) -> dict[str, User]:
    password = make_password(catalogue.DEMO_PASSWORD)
    users = {}
    for username, role, org_key, jurisdiction, first, last in catalogue.USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                # Staff read their notices by e-mail (the outbox, in the demo); workers by SMS.
                "email": "" if role == Role.WORKER else f"{username}@demo.vinculo.example",
                "password": password,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        Membership.objects.get_or_create(
            user=user,
            role=role,
            organisation=organisations[org_key] if org_key else None,
            jurisdiction=jurisdictions[jurisdiction] if jurisdiction else None,
        )
        users[username] = user
    return users


CONSENT_DATE = datetime(2026, 3, 2, 16, tzinfo=UTC)
EDUCATION_SHARE = {"1": 30, "2": 30, "3": 28, "4": 5, "5": 3, "6": 4}


OPEN_AVAILABILITY = 0.7  # of the demo's workers are available from now to the end of next year


def _profile(rng: random.Random, today: date) -> dict:
    """Education (ISCED), availability and willingness to move of one demo worker.

    Dates are relative to the day the demo is loaded, like its job orders (which run in the next
    calendar year): most people registered for seasonal work abroad are available from now until
    after next year's seasons; the rest for a window of four to nine months some time in the
    next half year, so the filter on availability has people on both sides of it."""
    if rng.random() < OPEN_AVAILABILITY:
        start = today + timedelta(days=rng.randrange(0, 60))
        end = date(today.year + 1, 12, 31) + timedelta(days=rng.randrange(0, 180))
    else:
        start = today + timedelta(days=7 * rng.randrange(0, 26))
        end = start + timedelta(days=30 * rng.randrange(4, 10))
    return {
        "education_level": rng.choices(list(EDUCATION_SHARE), list(EDUCATION_SHARE.values()))[0],
        "available_from": start,
        "available_to": end,
        "relocate_within_country": rng.random() < 0.6,
        "work_abroad": rng.random() < 0.8,
        "channel": rng.choice(
            [RegistrationChannel.DESK, RegistrationChannel.FAIR, RegistrationChannel.SELF]
        ),
    }


def _demo_worker_person(generator: PeopleGenerator) -> DemoPerson:
    """The worker behind the `trabajador` login: a Honduran fruit picker with a passport."""
    base = generator.person()
    return DemoPerson(
        registration_number=base.registration_number,
        given_names="María José",
        first_surname="Hernández",
        second_surname="López",
        sex="F",
        birth_date=date(1994, 5, 12),
        nationality="HN",
        registered_in="HN",
        phone="+50494561234",
        subdivision="HN-CR",
        municipality="Choloma",
        documents=[
            DemoDocument("national_id", "HN", "0501-1994-04417", None),
            DemoDocument("passport", "HN", "E4417021", date(2031, 3, 1)),
        ],
        isco_units=[("9211", 6), ("6111", 3)],
    )


FARM_UNITS = ("9211", "6111", "9212", "6121")  # crop and livestock labourers and growers
FARM_SHARE = 0.35  # of those with other trades have also worked on farms


def _with_farm_work(units: list[tuple[str, int]], rng: random.Random) -> list[tuple[str, int]]:
    """The demo registers people for seasonal programmes, which recruit mostly farm workers:
    beside their trade, a share of them has farm experience too, so the farm vacancies of the
    tour rank a realistic pool (the generator's own draws, shared with the benchmarks, stay as
    they are)."""
    if any(unit in FARM_UNITS for unit, _ in units) or rng.random() >= FARM_SHARE:
        return units
    return [*units, (rng.choice(FARM_UNITS), rng.randint(1, 12))]


def _write_people(
    people: list[DemoPerson],
    jurisdictions: dict[str, Jurisdiction],
    occupations_by_unit: dict[str, list],
    rng: random.Random,
) -> list[Worker]:
    jurisdiction_of = catalogue.JURISDICTION_OF_COUNTRY
    today = timezone.localdate()
    unsaved = [
        Worker(
            registration_number=p.registration_number,
            jurisdiction=jurisdictions[jurisdiction_of[p.registered_in]],
            given_names=p.given_names,
            first_surname=p.first_surname,
            second_surname=p.second_surname,
            sex=p.sex,
            birth_date=p.birth_date,
            nationality=p.nationality,
            phone=p.phone,
            subdivision=p.subdivision,
            municipality=p.municipality,
            residence_country=p.registered_in,
            **_profile(rng, today),
        )
        for p in people
    ]
    for worker in unsaved:  # whatever writes a record writes its keys
        worker.keys_refresh()
    workers = Worker.objects.bulk_create(
        unsaved,
        batch_size=BATCH,
    )
    documents, skills, languages, consents = [], [], [], []
    for worker, person in zip(workers, people, strict=True):
        languages.append(WorkerLanguage(worker=worker, language="es", level=CefrLevel.NATIVE))
        if rng.random() < 0.3:
            level = rng.choice([CefrLevel.A1, CefrLevel.A2, CefrLevel.B1, CefrLevel.B2])
            languages.append(WorkerLanguage(worker=worker, language="en", level=level))
        if rng.random() < 0.85:
            consents.append(
                Consent(worker=worker, purpose=ConsentPurpose.MATCHING, given_at=CONSENT_DATE)
            )
        for d in person.documents:
            documents.append(
                IdentityDocument(
                    worker=worker,
                    kind=d.kind,
                    issuing_country=d.issuing_country,
                    number=d.number,
                    number_hash=IdentityDocument.hash_for(
                        kind=d.kind, issuing_country=d.issuing_country, number=d.number
                    ),
                    search_hash=IdentityDocument.search_hash_for(d.number),
                    expires_on=d.expires_on,
                )
            )
        for unit, years in _with_farm_work(person.isco_units, rng):
            skills.append(
                WorkerOccupation(
                    worker=worker,
                    occupation_id=rng.choice(occupations_by_unit[unit]),
                    isco_group_id=unit,
                    years_experience=years,
                )
            )
    IdentityDocument.objects.bulk_create(documents, batch_size=BATCH)
    WorkerLanguage.objects.bulk_create(languages, batch_size=BATCH)
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    WorkerOccupation.objects.bulk_create(skills, batch_size=BATCH, ignore_conflicts=True)
    return workers


@transaction.atomic
def demo_load(
    *, size: str = "small", seed: int = 2026, progress: Progress | None = None
) -> DemoSummary:
    """Load the whole demo in one transaction: it lands complete or not at all."""
    count = catalogue.SIZES[size]
    jurisdictions = _jurisdictions()
    organisations = _organisations(jurisdictions)
    users = _users(jurisdictions, organisations)
    generator = PeopleGenerator(seed=seed)
    rng = random.Random(seed)
    occupations_by_unit: dict[str, list] = {}
    for esco_id, unit in Occupation.objects.order_by("esco_id").values_list(
        "esco_id", "isco_group_id"
    ):
        occupations_by_unit.setdefault(unit, []).append(esco_id)

    own = _write_people([_demo_worker_person(generator)], jurisdictions, occupations_by_unit, rng)[
        0
    ]
    # María José is the worker's tour: willing to go abroad, available for next year's seasons
    # and consenting to be matched, so "My vacancies" has the board's vacancies to show her.
    own.user = users["trabajador"]
    own.work_abroad = own.relocate_within_country = True
    own.available_from = timezone.localdate()
    own.available_to = date(timezone.localdate().year + 2, 6, 30)
    own.save(
        update_fields=[
            "user",
            "work_abroad",
            "relocate_within_country",
            "available_from",
            "available_to",
        ]
    )
    Consent.objects.get_or_create(
        worker=own, purpose=ConsentPurpose.MATCHING, defaults={"given_at": CONSENT_DATE}
    )
    done = 1
    while done < count:
        batch = generator.people(min(BATCH, count - done))
        batch = _with_second_registrations(batch, generator, rng)
        _write_people(batch, jurisdictions, occupations_by_unit, rng)
        done += len(batch)
        if progress:
            progress(done, count)
    _job_orders(users, organisations)
    index_build()
    season_load(users, organisations)
    permits_load(users, organisations)
    audit_record(
        verb=AuditVerb.DEMO_LOADED,
        actor_label="system",
        after={"size": size, "seed": seed, "workers": count},
    )
    return DemoSummary(
        workers=Worker.objects.count(),
        organisations=len(organisations),
        users=[(u, str(Role(r).label)) for u, r, *_ in catalogue.USERS],
    )


def _job_orders(users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    """The tour's job orders, filed and decided through the services (so each carries its
    check, its history and its audit lines) by the demo's employer, agency and official."""
    year = timezone.localdate().year + 1
    official = users["oficial.hn"]
    for filer, employer, authority, state, unit, terms in catalogue.JOB_ORDERS:
        values = {k: v for k, v in terms.items() if k not in ("start", "end")}
        values["start_date"] = date(year, *terms["start"])
        values["end_date"] = date(year, *terms["end"])
        values["occupation"] = (
            Occupation.objects.filter(isco_group_id=unit).order_by("label_en").first()
        )
        order = jobs.order_create(
            actor=users[filer],
            employer_id=organisations[employer].pk,
            values=values,
            jurisdiction=authority,
        )
        steps = {"draft": [], "submitted": ["submitted"]}.get(
            state, ["submitted", "approved", "published"]
        )
        for to in steps:
            actor = users[filer] if to == "submitted" else official
            jobs.order_move(actor=actor, order_id=order.pk, to=to)
    # A fair in San Pedro Sula offering Honduras' published vacancies: the kiosk in the tour.
    fair = jobs.fair_create(
        actor=official,
        values=jobs.FairValues(
            name="Feria de Empleo Temporal en el Extranjero · San Pedro Sula",
            country="HN",
            subdivision="HN-CR",
            municipality="San Pedro Sula",
            venue="Centro de Convenciones",
            starts_on=timezone.localdate() + timedelta(days=30),
            ends_on=timezone.localdate() + timedelta(days=31),
        ),
    )
    published = JobOrder.objects.filter(
        jurisdiction=official.memberships.get().jurisdiction, state="published"
    )
    jobs.fair_offer(
        actor=official, fair_id=fair.pk, order_ids=list(published.values_list("pk", flat=True))
    )


SECOND_REGISTRATIONS = 0.02  # of the demo's workers are someone registered a second time


def _with_second_registrations(
    people: list[DemoPerson], generator: PeopleGenerator, rng: random.Random
) -> list[DemoPerson]:
    """Replace a few people of a batch by second registrations of others in it, written with
    the errors desks make (`demo.synthetic.corrupt`) and without a document (the registry
    refuses one twice): what the duplicate review finds in the demo."""
    again = int(len(people) * SECOND_REGISTRATIONS)
    if not again:
        return people
    kept = people[: len(people) - again]
    copies = []
    for person in rng.sample(kept, again):
        record = synthetic.corrupt(
            rng,
            synthetic.Record(
                id="",
                person=0,
                given=person.given_names,
                first=person.first_surname,
                second=person.second_surname,
                birth=person.birth_date,
                sex=person.sex,
                document="",
                phone=person.phone,
                municipality=person.municipality,
            ),
            lambda: generator.person().phone,
        )
        copies.append(
            replace(
                person,
                registration_number=generator.registration_number(),
                given_names=record.given,
                first_surname=record.first,
                second_surname=record.second,
                birth_date=record.birth or person.birth_date,
                phone=record.phone,
                documents=[],
            )
        )
    return kept + copies


def database_wipe() -> None:
    """Drop everything, for `vinculo demo --reset`. The audit log is append-only by design, so a
    reset removes the database itself rather than deleting rows."""
    if connection.vendor == "sqlite":
        path = settings.DATABASES["default"]["NAME"]
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            target = f"{path}{suffix}"
            with contextlib.suppress(FileNotFoundError):
                os.remove(target)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
