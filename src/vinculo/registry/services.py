"""Writes of the worker registry: registration (self, desk, fair), corrections, consents and the
worker's own data. Every write locks what it changes, checks, writes and audits in one
transaction. Employers and agencies are in `registry.organisations`; bulk import in `imports`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import acting_user, user_can_in
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.lockout import account_locked, account_unlock
from vinculo.core.models import Actor, Jurisdiction, Membership, User
from vinculo.core.permissions import Perm, Role
from vinculo.core.services import audit_record, audit_value
from vinculo.core.values import FieldInvalid, message_for
from vinculo.reference.countries import is_country
from vinculo.reference.models import IscoGroup, Occupation
from vinculo.registry import domain
from vinculo.registry.changes import worker_registered, workers_changed
from vinculo.registry.identity import MATCH_SOURCES
from vinculo.registry.models import (
    Consent,
    ConsentPurpose,
    DocumentKind,
    IdentityDocument,
    NotTheSame,
    RegistrationChannel,
    RegistrationDraft,
    Worker,
    WorkerLanguage,
    WorkerOccupation,
)
from vinculo.registry.selectors import worker_get, worker_own

DOCUMENT_ALREADY_REGISTERED = _(
    "This document is already registered. If it is yours, ask a ministry office for help."
)
WORKER_CHANGED_MEANWHILE = _(
    "Someone else changed this record while you were editing it. Reload it and make your change "
    "again."
)
WORKER_MERGED = _(
    "This record was merged into another record of the same person: correct that one instead."
)
ALREADY_REGISTERED = _("You are already registered.")
NO_AUTHORITY_FOR_COUNTRY = _(
    "No authority of this country registers workers in Vínculo yet. Ask a ministry office."
)
OCCUPATION_UNKNOWN = _("Choose an occupation from the list.")
CONSENT_UNKNOWN = _("A consent named here is not one this registry asks for.")
CONFIRMED_AT_DESK = _("Confirmed as another person when registering or correcting a record")
PHONE_HAS_ACCOUNT = _("This phone number already has an account. Sign in instead.")
ACCOUNT_NOT_LOCKED = _("This worker's sign-in is not locked.")

# The fields that identify a person: a change to any of them is audited with before and after.
IDENTITY_FIELDS = ("given_names", "first_surname", "second_surname", "sex", "birth_date")
IDENTITY_FIELDS += ("nationality",)
PROFILE_FIELDS = (
    "phone",
    "residence_country",
    "subdivision",
    "municipality",
    "education_level",
    "available_from",
    "available_to",
    "relocate_within_country",
    "work_abroad",
)


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    issuing_country: str
    number: str
    expires_on: date | None = None


@dataclass(frozen=True)
class WorkerInput:
    """Everything a registration asks, already validated by a form or an API serializer."""

    given_names: str
    first_surname: str
    sex: str
    birth_date: date
    nationality: str
    document: DocumentInput
    second_surname: str = ""
    phone: str = ""
    residence_country: str = ""
    subdivision: str = ""
    municipality: str = ""
    education_level: str = ""
    available_from: date | None = None
    available_to: date | None = None
    relocate_within_country: bool = False
    work_abroad: bool = False
    # (ESCO occupation id, or a four-digit ISCO-08 unit group named on its own; years)
    occupations: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)  # (ISO 639-1, CEFR level)
    consents: list[str] = field(default_factory=list)  # ConsentPurpose values


PASSPORT_EXPIRY_NEEDED = _("A passport has an expiry date: write it here.")
DOCUMENT_EXPIRED = _("This document has expired.")


def worker_input_clean(data: WorkerInput) -> WorkerInput:
    """Every check a registration passes, whoever sends it: the desk page, the worker's own
    steps, the API. Raises ValidationFailed naming each field that fails, by the names of
    WorkerInput (the document's as `number`, `expires_on`...); returns the input with the
    document number and the phone in their standard forms. Occupations are checked when they
    are written (`worker_occupations`)."""
    errors: list[tuple[str, str, Any]] = []
    values = {name: getattr(data, name) for name in (*IDENTITY_FIELDS, *PROFILE_FIELDS)}
    person = _person_checked(values, errors)
    number = _document_checked(data.document, errors)
    for language, level in data.languages:
        _attempt(
            errors, "languages", lambda language=language: domain.language_code_check(language)
        )
        _attempt(errors, "languages", lambda level=level: domain.cefr_level_parse(level))
    if set(data.consents) - set(ConsentPurpose.values):
        errors.append(("consents", "consent_unknown", CONSENT_UNKNOWN))
    _refuse(errors)
    return replace(data, **person, document=replace(data.document, number=number))


def _attempt(errors: list[tuple[str, str, Any]], name: str, check: Any) -> Any:
    """check()'s answer, or None with its failure added to `errors` under `name`."""
    try:
        return check()
    except FieldInvalid as error:
        errors.append((name, error.code, error.message))
        return None


def _refuse(errors: list[tuple[str, str, Any]]) -> None:
    if errors:
        field_name, code, message = errors[0]
        raise ValidationFailed(message, code=code, field=field_name, errors=errors)


def _person_checked(
    values: dict[str, Any], errors: list[tuple[str, str, Any]], only: set[str] | None = None
) -> dict[str, Any]:
    """The checks of a person's own fields (IDENTITY_FIELDS and PROFILE_FIELDS in `values`), on
    a registration or a correction: names given, sex, an adult's birth date, countries, a phone
    valid in the country of residence, a department of that country, an ISCED level, and the
    last day available not before the first. `only`, on a correction, limits them to the fields
    that change (the pair of availability dates when either does), so an old value nobody
    touches never blocks a correction. Returns the phone and department in standard form."""

    def checked(*names: str) -> bool:
        return only is None or bool(only & set(names))

    def fail(name: str, code: str, **params: Any) -> None:
        errors.append((name, code, message_for(code, params)))

    for name in ("given_names", "first_surname"):
        if checked(name) and not " ".join((values.get(name) or "").split()):
            fail(name, "required")
    if checked("sex"):
        _attempt(errors, "sex", lambda: domain.sex_parse(values.get("sex") or ""))
    birth = values.get("birth_date")
    if checked("birth_date"):
        if birth is None:
            fail("birth_date", "required")
        else:
            today = timezone.localdate()
            _attempt(errors, "birth_date", lambda: domain.birth_date_check(birth, today=today))
    for name in ("nationality", "residence_country"):
        value = values.get(name) or ""
        if checked(name) and (value or name == "nationality") and not is_country(value):
            fail(name, "country_unknown", value=value)
    country = values.get("residence_country") or values.get("nationality") or ""
    phone, subdivision = values.get("phone") or "", (values.get("subdivision") or "").strip()
    if phone and checked("phone", "residence_country", "nationality"):
        phone = _attempt(errors, "phone", lambda: domain.phone_normalise(phone, country)) or ""
    if subdivision and checked("subdivision", "residence_country"):
        subdivision = (
            _attempt(errors, "subdivision", lambda: domain.subdivision_check(subdivision, country))
            or ""
        )
    education = values.get("education_level") or ""
    if education and checked("education_level"):
        _attempt(errors, "education_level", lambda: domain.education_level_parse(education))
    if checked("available_from", "available_to"):
        start, end = values.get("available_from"), values.get("available_to")
        _attempt(errors, "available_to", lambda: domain.availability_check(start, end))
    return {"phone": phone, "subdivision": subdivision.upper()}


def document_input_clean(document: DocumentInput) -> DocumentInput:
    """The identity document's checks alone (a step of the worker's own registration): its
    number in the format of its kind and country, not registered already, a passport's expiry
    date given and not passed. Raises ValidationFailed naming each field that fails."""
    errors: list[tuple[str, str, Any]] = []
    number = _document_checked(document, errors)
    _refuse(errors)
    return replace(document, number=number)


def _document_checked(document: DocumentInput, errors: list[tuple[str, str, Any]]) -> str | None:
    """The document's number in its printed form, or None; each failure is added to `errors`."""
    try:
        number = domain.document_number_check(
            document.kind, document.issuing_country, document.number
        )
    except FieldInvalid as error:
        errors.append(("number", error.code, error.message))
        number = None
    if number and document_is_registered(
        kind=document.kind, issuing_country=document.issuing_country, number=number
    ):
        errors.append(("number", "document_already_registered", DOCUMENT_ALREADY_REGISTERED))
    if document.kind == DocumentKind.PASSPORT and not document.expires_on:
        errors.append(("expires_on", "required", PASSPORT_EXPIRY_NEEDED))
    elif document.expires_on and document.expires_on <= timezone.localdate():
        errors.append(("expires_on", "document_expired", DOCUMENT_EXPIRED))
    return number


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def worker_occupations(worker: Worker, claimed: list[tuple[Any, int]]) -> list[WorkerOccupation]:
    """The occupation rows of (key, years) pairs, unsaved. A key is an ESCO occupation id, which
    brings its unit group, or a four-digit ISCO-08 unit group code, stored as the group alone. A
    key not in the reference is refused."""
    years_of = {str(key): years for key, years in claimed}
    units = {k for k in years_of if k.isdigit() and len(k) == 4}
    unit_of = {
        str(esco_id): unit
        for esco_id, unit in Occupation.objects.filter(
            pk__in=[k for k in years_of if k not in units and _is_uuid(k)]
        ).values_list("esco_id", "isco_group_id")
    }
    unit_of |= {
        code: code
        for code in IscoGroup.objects.filter(code__in=units).values_list("code", flat=True)
    }
    if set(years_of) - set(unit_of):
        raise ValidationFailed(OCCUPATION_UNKNOWN, code="occupation_unknown", field="occupation")
    return [
        WorkerOccupation(
            worker=worker,
            occupation_id=None if key in units else key,
            isco_group_id=unit_of[key],
            years_experience=years,
        )
        for key, years in years_of.items()
    ]


@transaction.atomic
def worker_profile_view(*, actor: Actor, worker_id: Any) -> Worker:
    """Open a worker's full profile. Seeing a whole personal record is itself audited: who looked,
    at whom, when and from where."""
    worker = worker_get(actor=actor, worker_id=worker_id)
    audit_record(verb=AuditVerb.PROFILE_VIEWED, actor=actor, obj=worker)
    return worker


def document_is_registered(*, kind: str, issuing_country: str, number: str) -> bool:
    return IdentityDocument.objects.filter(
        number_hash=IdentityDocument.hash_for(
            kind=kind, issuing_country=issuing_country, number=number
        )
    ).exists()


def jurisdiction_for_country(country: str) -> Jurisdiction | None:
    """The authority that registers the residents of a country: the first one created for it
    (Costa Rica's labour ministry before its migration directorate)."""
    return (
        Jurisdiction.objects.filter(country=country.upper(), is_active=True).order_by("pk").first()
    )


def _document_create(worker: Worker, document: DocumentInput) -> IdentityDocument:
    return IdentityDocument.objects.create(
        worker=worker,
        kind=document.kind,
        issuing_country=document.issuing_country.upper(),
        number=document.number,
        number_hash=IdentityDocument.hash_for(
            kind=document.kind, issuing_country=document.issuing_country, number=document.number
        ),
        search_hash=IdentityDocument.search_hash_for(document.number),
        expires_on=document.expires_on,
    )


@transaction.atomic
def worker_register(
    *,
    data: WorkerInput,
    jurisdiction: Jurisdiction,
    channel: str,
    actor: Actor,
    user: User | None = None,
    unlike: tuple[str, ...] = (),
) -> Worker:
    """Register one worker with their document, occupations, languages and consents: all of it
    or nothing. Self-registration passes the worker's own account as `user`; an official at a desk
    or a fair registers within a jurisdiction of theirs. `unlike` holds the registration numbers
    of probable matches the official confirmed to be other people: the audit keeps them."""
    if channel not in (RegistrationChannel.SELF, RegistrationChannel.PERMIT) and not user_can_in(
        actor, Perm.REGISTER_WORKERS, jurisdiction.pk
    ):
        raise NotAllowed(_("You may not register workers here."), code="not_allowed")
    if user is not None and Worker.objects.filter(user=user).exists():
        raise Conflict(ALREADY_REGISTERED, code="already_registered")
    data = worker_input_clean(data)
    worker = Worker(
        jurisdiction=jurisdiction,
        user=user,
        channel=channel,
        registered_by=acting_user(actor),
        second_surname=data.second_surname,
        **{
            name: getattr(data, name)
            for name in (*IDENTITY_FIELDS, *PROFILE_FIELDS)
            if name != "second_surname"
        },
    )
    worker.keys_refresh()
    worker.save(force_insert=True)
    try:
        with transaction.atomic():  # a savepoint, so the unique clash is a clean answer
            _document_create(worker, data.document)
    except IntegrityError:
        raise ValidationFailed(
            DOCUMENT_ALREADY_REGISTERED, code="document_already_registered", field="number"
        ) from None
    WorkerOccupation.objects.bulk_create(worker_occupations(worker, data.occupations))
    WorkerLanguage.objects.bulk_create(
        WorkerLanguage(worker=worker, language=language, level=level)
        for language, level in dict(data.languages).items()
    )
    Consent.objects.bulk_create(Consent(worker=worker, purpose=p) for p in set(data.consents))
    audit_record(
        verb=AuditVerb.WORKER_REGISTERED,
        actor=actor,
        obj=worker,
        after={
            "registration_number": worker.registration_number,
            "channel": channel,
            "consents": sorted(set(data.consents)),
            **({"confirmed_not_the_same_as": sorted(unlike)} if unlike else {}),
        },
    )
    _not_the_same_record(worker, unlike, actor)
    worker_registered.send(sender=Worker, worker=worker, channel=channel)
    return worker


@transaction.atomic
def identity_document_add(
    *, worker: Worker, document: DocumentInput, actor: Actor
) -> IdentityDocument:
    """Another identity document on a record: the worker's own (the passport a work permit asks
    of someone registered with their national identity card), or by an official allowed to edit
    the record. Checked as at registration; audited; told to matching."""
    own = worker.user_id is not None and worker.user_id == getattr(actor, "pk", None)
    if not own and not user_can_in(actor, Perm.EDIT_WORKERS, worker.jurisdiction_id):
        raise NotAllowed(_("You may not change this record."), code="not_allowed")
    document = document_input_clean(document)
    try:
        with transaction.atomic():  # a savepoint, so a concurrent twin is a clean answer
            created = _document_create(worker, document)
    except IntegrityError:
        raise ValidationFailed(
            DOCUMENT_ALREADY_REGISTERED, code="document_already_registered", field="number"
        ) from None
    audit_record(
        verb=AuditVerb.WORKER_CHANGED,
        actor=actor,
        obj=worker,
        after={
            "document_added": {"kind": created.kind, "issuing_country": created.issuing_country}
        },
    )
    workers_changed([worker.pk])
    return created


def _not_the_same_record(worker: Worker, numbers: Iterable[str], actor: Actor) -> None:
    """An official who registers or corrects a worker despite probable matches has said those
    are other people: remember it, so no later check proposes them again."""
    if not numbers:
        return
    others = Worker.objects.filter(
        registration_number__in=list(numbers), jurisdiction_id=worker.jurisdiction_id
    ).exclude(pk=worker.pk)
    workers_not_the_same(
        pairs=[(worker.pk, other.pk) for other in others],
        actor=actor,
        reason=str(CONFIRMED_AT_DESK),
    )


def workers_not_the_same(*, pairs: Iterable[tuple[int, int]], actor: Actor, reason: str) -> None:
    """Record that each pair of records are different people (once per pair)."""
    NotTheSame.objects.bulk_create(
        [
            NotTheSame(
                worker_a_id=min(a, b),
                worker_b_id=max(a, b),
                decided_by=acting_user(actor),
                reason=reason,
            )
            for a, b in pairs
            if a != b
        ],
        ignore_conflicts=True,
    )


def _worker_for_update(worker_id: int) -> Worker:
    return Worker.objects.select_for_update().get(pk=worker_id)


@transaction.atomic
def worker_update(
    *,
    worker: Worker,
    version: int,
    changes: dict[str, Any],
    actor: Actor,
    unlike: tuple[str, ...] = (),
    occupations: list[tuple[Any, int]] | None = None,
    languages: list[tuple[str, str]] | None = None,
) -> Worker:
    """Correct a worker's record, by the worker or an official allowed to edit it.

    `occupations` ((ESCO id or ISCO-08 unit code, years) pairs) and `languages` ((ISO 639-1,
    CEFR level) pairs), when given, replace the record's: only the rows that differ are written.
    Any change is told to the matching index (changes.workers_changed).

    `version` is the one the editor read; if the record moved on since, the change is refused
    rather than silently overwriting someone else's. Identity changes are audited apart, with
    their before and after values, so they can be reviewed (they are what fraud would change).
    `unlike` holds the registration numbers of probable matches the official confirmed to be
    other people: the first audit event keeps them."""
    allowed = set(IDENTITY_FIELDS) | set(PROFILE_FIELDS)
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here."), details={"fields": sorted(unknown)}
        )
    own = worker.user_id is not None and worker.user_id == getattr(actor, "pk", None)
    if not own and not user_can_in(actor, Perm.EDIT_WORKERS, worker.jurisdiction_id):
        raise NotAllowed(_("You may not change this record."), code="not_allowed")
    locked = _worker_for_update(worker.pk)
    if locked.merged_into_id is not None:
        raise Conflict(WORKER_MERGED, code="worker_merged")
    if locked.version != version:
        raise Conflict(WORKER_CHANGED_MEANWHILE, code="worker_changed_meanwhile")
    changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
    errors: list[tuple[str, str, Any]] = []
    values = {name: getattr(locked, name) for name in allowed} | changed
    person = _person_checked(values, errors, only=set(changed))
    _refuse(errors)
    changed |= {k: v for k, v in person.items() if k in changed}
    before = {k: audit_value(getattr(locked, k)) for k in changed}
    after = {k: audit_value(v) for k, v in changed.items()}
    if occupations is not None:
        old, new = _occupations_replace(locked, occupations)
        if old != new:
            before["occupations"], after["occupations"] = old, new
    if languages is not None:
        old, new = _languages_replace(locked, languages)
        if old != new:
            before["languages"], after["languages"] = old, new
    if not before:
        return locked  # nothing changed: nothing written, no version, no audit
    identity = {k for k in changed if k in IDENTITY_FIELDS}
    for name, value in changed.items():
        setattr(locked, name, value)
    keys = locked.keys_refresh() if set(changed) & set(MATCH_SOURCES) else []
    locked.version += 1
    locked.save(update_fields=[*changed, *keys, "version", "updated_at"])
    note = {"confirmed_not_the_same_as": sorted(unlike)} if unlike else {}
    for verb, names in (
        (AuditVerb.WORKER_IDENTITY_CHANGED, identity),
        (AuditVerb.WORKER_CHANGED, set(before) - identity),
    ):
        if names:
            audit_record(
                verb=verb,
                actor=actor,
                obj=locked,
                before={k: before[k] for k in sorted(names)},
                after={**{k: after[k] for k in sorted(names)}, **note},
            )
            note = {}
    _not_the_same_record(locked, unlike, actor)
    workers_changed([locked.pk])
    return locked


def _occupations_replace(worker: Worker, claimed: list[tuple[Any, int]]) -> tuple[list, list]:
    """Make the worker's occupations the claimed ones; (before, after) as audit values."""

    def key(o: WorkerOccupation) -> str:
        return str(o.occupation_id) if o.occupation_id else o.isco_group_id

    rows = {key(o): o for o in WorkerOccupation.objects.filter(worker=worker).order_by("pk")}
    wanted = {key(o): o for o in worker_occupations(worker, claimed)}
    before = sorted([k, o.years_experience] for k, o in rows.items())
    after = sorted([k, o.years_experience] for k, o in wanted.items())
    if before == after:
        return before, after
    for k, row in rows.items():
        if k not in wanted:
            row.delete()
    for k, row in wanted.items():
        kept = rows.get(k)
        if kept is None:
            row.save()
        elif kept.years_experience != row.years_experience:
            kept.years_experience = row.years_experience
            kept.save(update_fields=["years_experience"])
    return before, after


def _languages_replace(worker: Worker, claimed: list[tuple[str, str]]) -> tuple[list, list]:
    """Make the worker's languages the claimed ones; (before, after) as audit values."""
    rows = {x.language: x for x in WorkerLanguage.objects.filter(worker=worker)}
    wanted = dict(claimed)
    before = sorted([code, x.level] for code, x in rows.items())
    after = sorted([code, level] for code, level in wanted.items())
    if before == after:
        return before, after
    for code, row in rows.items():
        if code not in wanted:
            row.delete()
    for code, level in wanted.items():
        kept = rows.get(code)
        if kept is None:
            WorkerLanguage.objects.create(worker=worker, language=code, level=level)
        elif kept.level != level:
            kept.level = level
            kept.save(update_fields=["level"])
    return before, after


@transaction.atomic
def consent_give(*, worker: Worker, purpose: str, actor: Actor) -> Consent:
    consent = Consent.objects.filter(worker=worker, purpose=purpose, withdrawn_at__isnull=True)
    existing = consent.first()
    if existing:
        return existing
    created = Consent.objects.create(worker=worker, purpose=purpose)
    workers_changed([worker.pk])
    audit_record(verb=AuditVerb.CONSENT_GIVEN, actor=actor, obj=worker, after={"purpose": purpose})
    return created


@transaction.atomic
def consent_withdraw(*, worker: Worker, purpose: str, actor: Actor) -> None:
    """Withdrawal keeps the consent's row with its date: what was agreed, and until when. The
    matching index hears of it, so a worker who withdraws the matching consent leaves every
    ranking at once."""
    active = Consent.objects.select_for_update().filter(
        worker=worker, purpose=purpose, withdrawn_at__isnull=True
    )
    now = timezone.now()
    if active.update(withdrawn_at=now):
        workers_changed([worker.pk])
        audit_record(
            verb=AuditVerb.CONSENT_WITHDRAWN, actor=actor, obj=worker, before={"purpose": purpose}
        )


@transaction.atomic
def worker_own_data(*, actor: Actor) -> dict[str, Any]:
    """Everything Vínculo holds about the signed-in worker, as one JSON-ready document. Handing
    out a whole personal record is audited like any export."""
    worker = worker_own(actor=actor)
    audit_record(verb=AuditVerb.WORKER_DATA_DOWNLOADED, actor=actor, obj=worker)
    return worker_document(worker)


def worker_document(worker: Worker) -> dict[str, Any]:
    fields = ("registration_number", *IDENTITY_FIELDS, *PROFILE_FIELDS, "channel", "created_at")
    return {
        "worker": {name: _json(getattr(worker, name)) for name in fields},
        "registered_by_authority": worker.jurisdiction.code,
        "identity_documents": [
            {
                "kind": d.kind,
                "issuing_country": d.issuing_country,
                "number": d.number,
                "expires_on": _json(d.expires_on),
            }
            for d in worker.documents.all()
        ],
        "occupations": [
            {
                # None when the worker named the ISCO-08 unit group alone.
                "esco_id": str(o.occupation_id) if o.occupation_id else None,
                "isco": o.isco_group_id,
                "label": o.label,
                "years_experience": o.years_experience,
            }
            for o in worker.occupations.select_related("occupation", "isco_group")
        ],
        "languages": [{"language": x.language, "level": x.level} for x in worker.languages.all()],
        "consents": [
            {
                "purpose": c.purpose,
                "given_at": _json(c.given_at),
                "withdrawn_at": _json(c.withdrawn_at),
            }
            for c in worker.consents.all()
        ],
        # What the worker did or had done in their name elsewhere in Vínculo: every application
        # and candidacy (read through the reverse relations, so the registry imports no app that
        # imports it) and the job fairs they were registered at.
        "applications": [
            {
                "order": c.order_id,
                "verification_code": c.order.verification_code or "",
                "title": c.order.title,
                "employer": c.order.employer.name,
                "worksite_country": c.order.worksite_country,
                "status": c.status,
                "applied_at": _json(c.applied_at),
                "shortlisted_at": _json(c.shortlisted_at),
                "decided_at": _json(c.decided_at),
            }
            for c in worker.candidacies.select_related("order__employer").order_by("pk")
        ],
        "job_fairs": [
            {
                "fair": r.fair.name,
                "starts_on": _json(r.fair.starts_on),
                "registered_at": _json(r.at),
            }
            for r in worker.fair_registrations.select_related("fair").order_by("pk")
        ],
    }


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- self-registration --------------------------------------------------------------------------

REGISTRATION_STEPS = ("identity", "document", "residence", "work", "consents", "review")


@transaction.atomic
def worker_account_create(*, phone: str, password: str, language: str = "") -> User:
    """The first step of self-registration: an account named by the worker's phone number, with
    the worker role, and an empty draft to fill step by step."""
    if User.objects.filter(username=phone).exists():
        raise Conflict(PHONE_HAS_ACCOUNT, code="phone_has_account", field="phone")
    user = User(username=phone, preferred_language=language)
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, role=Role.WORKER)
    RegistrationDraft.objects.create(user=user, step=REGISTRATION_STEPS[0])
    return user


def registration_draft(*, user: User) -> RegistrationDraft | None:
    return RegistrationDraft.objects.filter(user=user).first()


def draft_answers(draft: RegistrationDraft) -> dict[str, dict[str, Any]]:
    return json.loads(draft.data or "{}")


@transaction.atomic
def registration_step_save(*, user: User, step: str, answers: dict[str, Any]) -> RegistrationDraft:
    """Keep one step's answers (JSON-ready) and move the draft to the next step not yet done."""
    draft = RegistrationDraft.objects.select_for_update().get(user=user)
    data = draft_answers(draft)
    data[step] = answers
    draft.data = json.dumps(data)
    draft.step = next((s for s in REGISTRATION_STEPS if s not in data), REGISTRATION_STEPS[-1])
    draft.save(update_fields=["data", "step", "updated_at"])
    return draft


@transaction.atomic
def registration_complete(*, user: User, data: WorkerInput) -> Worker:
    """Turn the finished draft into a worker record, in the authority of the country the worker
    lives in, and drop the draft."""
    draft = RegistrationDraft.objects.select_for_update().filter(user=user).first()
    if draft is None:
        raise Conflict(ALREADY_REGISTERED, code="already_registered")
    jurisdiction = jurisdiction_for_country(data.residence_country or data.nationality)
    if jurisdiction is None:
        raise ValidationFailed(
            NO_AUTHORITY_FOR_COUNTRY, code="no_authority_for_country", field="residence_country"
        )
    worker = worker_register(
        data=data,
        jurisdiction=jurisdiction,
        channel=RegistrationChannel.SELF,
        actor=user,
        user=user,
    )
    draft.delete()
    return worker


# --- sign-in ------------------------------------------------------------------------------------


@transaction.atomic
def worker_account_unlock(*, actor: User, worker_id: Any) -> Worker:
    """Lift the lock on a worker's sign-in, for an official who may correct that worker's record
    (checked in the worker's jurisdiction)."""
    worker = worker_get(actor=actor, worker_id=worker_id)
    if not user_can_in(actor, Perm.EDIT_WORKERS, worker.jurisdiction_id):
        raise NotAllowed(_("You may not change this record."), code="not_allowed")
    if worker.user is None or not account_locked(worker.user.username):
        raise Conflict(ACCOUNT_NOT_LOCKED, code="not_locked")
    account_unlock(worker.user.username)
    audit_record(verb=AuditVerb.ACCOUNT_UNLOCKED, actor=actor, obj=worker)
    return worker
