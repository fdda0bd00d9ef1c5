"""Writes of labour authorisation: drafts kept on the server, documents, the submission of a
complete application, each agency's decision on its own step (with the pack's rules traced and
stored), the permit an approved case issues, and its revocation or suspension.

Every write checks who acts in the jurisdiction of what it acts on, locks the rows it changes,
and writes its audit event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import scope_for, user_can, user_can_in
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.i18n import pick
from vinculo.core.lifecycle import (
    MOVE_NOT_PERMITTED,
    REASON_REQUIRED,
    Lifecycle,
    transition,
)
from vinculo.core.models import Actor, Jurisdiction, Organisation, User
from vinculo.core.notify import notify
from vinculo.core.permissions import Perm
from vinculo.core.services import audit_record, audit_value
from vinculo.core.uploads import evidence_store
from vinculo.permits import selectors
from vinculo.permits.domain import (
    PERMIT_MOVES,
    ApplicationState,
    PermitState,
    StepState,
    rules_evaluate,
    stay_end,
    trace_of,
    trace_passed,
)
from vinculo.permits.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    InfoRequest,
    Permit,
    PermitAttendance,
    PermitEvent,
    PermitSerial,
    Step,
)
from vinculo.policy.loader import LoadedPack, packs_all
from vinculo.registry.models import DocumentKind, IdentityDocument, RegistrationChannel, Worker
from vinculo.registry.services import (
    DocumentInput,
    WorkerInput,
    identity_document_add,
    worker_register,
)

NO_AUTHORISATION = _("Work permits are not issued through Vínculo in this country.")
NOT_APPLICANT = _("You may apply only for your own organisation, or for yourself.")
CATEGORY_UNKNOWN = _("Choose one of the categories of this country.")
CATEGORY_NOT_FOR_YOU = _("In this category the employer applies, not the foreign national.")
MONTHS_NOT_ALLOWED = _("Choose one of the stays this category allows.")
NOT_A_DRAFT = _("This application is no longer a draft: it cannot be changed now.")
INCOMPLETE = _("The application is not complete yet.")
DOCUMENT_UNKNOWN = _("This category does not ask for that document.")
WORKFORCE_NEEDED = _(
    "Give the employer's workers and monthly payroll by nationality: the law counts them."
)
STEP_NOT_OPEN = _("This step is not waiting for a decision.")
APPROVE_AGAINST_RULES = _(
    "The application fails a rule of the pack; it cannot be approved. Refuse it with the reasons, "
    "or ask the applicant for what is missing."
)
QUESTION_NEEDED = _("Say what the applicant has to send or explain.")
ANSWER_NEEDED = _("Write your answer.")
NO_REQUEST = _("No request is waiting for an answer.")
WORKER_NOT_FOREIGN = _("A work permit is for a foreign national; this person is a national.")

DECIDED_SUBJECT = _("Your work-permit application %(reference)s: %(outcome)s")
DECIDED_BODY = _(
    "%(agency)s has decided your application %(reference)s for %(worker)s: %(outcome)s. "
    "%(reasons)s Read the decision and its reasons in Vínculo."
)
INFO_SUBJECT = _("Your work-permit application %(reference)s: information requested")
INFO_BODY = _("%(agency)s asks for: %(question)s The clock stops until you answer in Vínculo.")
ISSUED_SUBJECT = _("Work permit %(number)s issued")
ISSUED_BODY = _(
    "Work permit %(number)s for %(worker)s with %(employer)s is valid from %(start)s to %(end)s. "
    "Its live status can be checked at any time by its QR code."
)


def authorisation_pack_for(country: str) -> LoadedPack | None:
    return selectors.pack_for_country(country)


@dataclass(frozen=True)
class PersonInput:
    """The foreign national as the applicant names them; found by their passport or registered."""

    given_names: str
    first_surname: str
    sex: str
    birth_date: date
    nationality: str
    passport_number: str
    passport_expires_on: date
    second_surname: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ApplicationInput:
    category: str
    occupation: str
    start_on: date
    months: int
    salary: Decimal
    currency: str
    weekly_hours: Decimal
    establishment_id: int | None = None
    national_workers: int | None = None
    foreign_workers: int | None = None
    national_payroll: Decimal | None = None
    foreign_payroll: Decimal | None = None


def own_employer(*, actor: Actor, employer_id: int) -> Organisation:
    """An employer the actor applies for: their own, or one their agency's licence covers."""
    organisation = next((e for e in selectors.employers_for(actor) if e.pk == employer_id), None)
    if organisation is None:
        raise ValidationFailed(NOT_APPLICANT, code="not_applicant", field="employer")
    return organisation


def _applicant_may(actor: Actor, employer: Organisation) -> Organisation | None:
    """The agency filing for the employer, or None when its own staff file; refused otherwise."""
    if employer.pk in selectors.own_organisations(actor):
        return None
    agency = selectors.agency_for(actor, employer)
    if agency is None:
        raise NotAllowed(NOT_APPLICANT, code="not_applicant")
    return agency


def _person(actor: Actor, person: PersonInput, jurisdiction: Jurisdiction) -> Worker:
    """The foreign national's registry record: the one that holds this passport, or a new one
    registered with the application (the registry's own checks and linkage apply)."""
    if person.nationality.upper() == jurisdiction.country:
        raise ValidationFailed(WORKER_NOT_FOREIGN, code="not_foreign", field="nationality")
    number_hash = IdentityDocument.hash_for(
        kind=DocumentKind.PASSPORT,
        issuing_country=person.nationality,
        number=person.passport_number.strip().upper().replace(" ", ""),
    )
    known = IdentityDocument.objects.filter(number_hash=number_hash).select_related("worker")
    document = known.first()
    if document is not None:
        return document.worker
    data = WorkerInput(
        given_names=person.given_names,
        first_surname=person.first_surname,
        second_surname=person.second_surname,
        sex=person.sex,
        birth_date=person.birth_date,
        nationality=person.nationality,
        phone=person.phone,
        residence_country=jurisdiction.country,
        document=DocumentInput(
            kind=DocumentKind.PASSPORT,
            issuing_country=person.nationality,
            number=person.passport_number,
            expires_on=person.passport_expires_on,
        ),
    )
    return worker_register(
        data=data, jurisdiction=jurisdiction, channel=RegistrationChannel.PERMIT, actor=actor
    )


FILE_MISSING = _("Choose the file to send.")
SALARY_NOT_POSITIVE = _("Write the monthly salary.")
HOURS_OUT_OF_RANGE = _("Write the hours a week: more than 0 and at most 84.")


def _check_terms(auth: Any, data: ApplicationInput, *, by_worker: bool) -> None:
    if data.salary <= 0:
        raise ValidationFailed(SALARY_NOT_POSITIVE, code="salary_not_positive", field="salary")
    if not 0 < data.weekly_hours <= 84:
        raise ValidationFailed(HOURS_OUT_OF_RANGE, code="hours_out_of_range", field="weekly_hours")
    category = auth.category(data.category)
    if category is None:
        raise ValidationFailed(CATEGORY_UNKNOWN, code="category_unknown", field="category")
    if by_worker and "foreign_national" not in category.applicants:
        raise ValidationFailed(CATEGORY_NOT_FOR_YOU, code="category_applicant", field="category")
    if data.months not in category.months:
        raise ValidationFailed(MONTHS_NOT_ALLOWED, code="months_not_allowed", field="months")


def _write_terms(application: Application, data: ApplicationInput) -> None:
    for item in fields(ApplicationInput):
        setattr(application, item.name, getattr(data, item.name))
    application.currency = data.currency.upper()


@transaction.atomic
def application_create(
    *, actor: Actor, employer: Organisation, person: PersonInput, data: ApplicationInput
) -> Application:
    """A draft application, kept on the server: the employer's staff apply for the foreign
    national they would hire, who is found by passport or registered here."""
    loaded = authorisation_pack_for(employer.jurisdiction.country)
    if loaded is None:
        raise ValidationFailed(NO_AUTHORISATION, code="no_authorisation")
    agency = _applicant_may(actor, employer)
    _check_terms(loaded.pack.authorisation, data, by_worker=False)
    worker = _person(actor, person, employer.jurisdiction)
    return _opened(actor, employer, worker, data, loaded=loaded, agency=agency)


SELF_NOT_REGISTERED = _(
    "Register yourself in Vínculo first: an application of your own is made on your record."
)
SELF_NATIONAL = _("You are a national of this country: you need no work permit to work here.")
PASSPORT_NEEDED = _("Write your passport's number and expiry date: the permit is tied to it.")


@dataclass(frozen=True)
class PassportInput:
    number: str
    expires_on: date


@transaction.atomic
def application_self_create(
    *, actor: Actor, employer_id: Any, data: ApplicationInput, passport: PassportInput | None = None
) -> Application:
    """A foreign national applies for their own permit, where the category allows it: on their
    own registry record, for the verified employer who offered them the job. A passport not yet
    on their record is added to it (checked as at registration)."""
    worker = selectors.own_worker(actor)
    if worker is None or not user_can(actor, Perm.APPLY_FOR_PERMITS):
        raise NotAllowed(SELF_NOT_REGISTERED, code="not_registered")
    employer = selectors.employers_verified().filter(pk=employer_id).first()
    loaded = authorisation_pack_for(employer.jurisdiction.country) if employer else None
    if employer is None or loaded is None:
        raise ValidationFailed(KIOSK_EMPLOYER, code="employer_unknown", field="employer")
    if worker.nationality == employer.jurisdiction.country:
        raise ValidationFailed(SELF_NATIONAL, code="not_foreign", field="employer")
    _check_terms(loaded.pack.authorisation, data, by_worker=True)
    if passport is not None:
        _passport_on_record(actor, worker, passport)
    elif selectors.worker_passport_expiry(worker) is None:
        raise ValidationFailed(PASSPORT_NEEDED, code="passport_needed", field="passport_number")
    return _opened(actor, employer, worker, data, loaded=loaded)


def _passport_on_record(actor: Actor, worker: Worker, passport: PassportInput) -> None:
    document = DocumentInput(
        kind=DocumentKind.PASSPORT,
        issuing_country=worker.nationality,
        number=passport.number,
        expires_on=passport.expires_on,
    )
    number_hash = IdentityDocument.hash_for(
        kind=document.kind,
        issuing_country=document.issuing_country,
        number=passport.number.strip().upper().replace(" ", ""),
    )
    if worker.documents.filter(number_hash=number_hash).exists():
        return
    try:
        identity_document_add(worker=worker, document=document, actor=actor)
    except ValidationFailed as error:
        field = {"number": "passport_number", "expires_on": "passport_expires_on"}
        raise ValidationFailed(
            error.message,
            code=error.code,
            field=field.get(error.field or "", error.field),
            errors=[(field.get(n, n), c, m) for n, c, m in error.errors],
        ) from None


def _opened(
    actor: Actor,
    employer: Organisation,
    worker: Worker,
    data: ApplicationInput,
    *,
    loaded: LoadedPack,
    agency: Organisation | None = None,
    border_post: str = "",
) -> Application:
    application = Application(
        jurisdiction=employer.jurisdiction,
        pack=loaded.pack.code,
        worker=worker,
        employer=employer,
        agency=agency,
        filed_by=actor,
        border_post=border_post,
    )
    _write_terms(application, data)
    application.save()
    ApplicationEvent.objects.create(
        application=application, from_state="", to_state=application.state, actor=actor
    )
    audit_record(
        verb=AuditVerb.PERMIT_DRAFTED,
        actor=actor,
        obj=application,
        jurisdiction=application.jurisdiction_id,
        after={"category": data.category, "worker": worker.registration_number},
    )
    return application


KIOSK_NOT_OFFICIAL = _("Only an official of this country registers workers on its kiosks.")
BORDER_POST_UNKNOWN = _("Choose one of the border posts of this category.")
KIOSK_EMPLOYER = _("Choose a verified employer of this country.")


@transaction.atomic
def kiosk_register(
    *,
    actor: Actor,
    employer_id: Any,
    border_post: str,
    person: PersonInput,
    data: ApplicationInput,
    passport: UploadedFile,
) -> Application:
    """A seasonal worker registered by an official on a border post's kiosk (SITLAM), on the
    employer's behalf: the person found or registered, the passport photographed, and the
    application submitted complete, in one go. The agencies then decide it as any other."""
    country = kiosk_country(actor)
    employer = selectors.employers_verified(country).filter(pk=employer_id).first()
    if employer is None:
        raise ValidationFailed(KIOSK_EMPLOYER, code="employer_unknown", field="employer")
    loaded = authorisation_pack_for(country)
    category = loaded.pack.authorisation.category(data.category) if loaded else None
    if category is None or border_post not in category.border_posts:
        raise ValidationFailed(BORDER_POST_UNKNOWN, code="border_post_unknown", field="border_post")
    _check_terms(loaded.pack.authorisation, data, by_worker=False)
    worker = _person(actor, person, employer.jurisdiction)
    application = _opened(actor, employer, worker, data, loaded=loaded, border_post=border_post)
    try:
        stored = evidence_store(passport)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, code=error.code, field="passport") from None
    ApplicationDocument.objects.create(
        application=application, kind="passport", file=stored, uploaded_by=actor
    )
    return _submitted(application, actor)


def kiosk_country(actor: Actor) -> str:
    """The country whose kiosks the official serves (their first deciding jurisdiction's)."""
    scope = scope_for(actor, Perm.DECIDE_PERMITS)
    jurisdiction = (
        Jurisdiction.objects.filter(pk__in=scope.jurisdiction_ids).order_by("pk").first()
        if not scope.all and not scope.empty
        else None
    )
    if jurisdiction is None:
        raise NotAllowed(KIOSK_NOT_OFFICIAL, code="not_allowed")
    return jurisdiction.country


def _locked_for_applicant(actor: Actor, application_id: Any) -> Application:
    visible = selectors.application_get(actor=actor, application_id=application_id)
    if selectors.APPLICANT not in selectors.application_sides(actor, visible):
        raise NotAllowed(NOT_APPLICANT, code="not_applicant")
    return Application.objects.select_for_update().get(pk=visible.pk)


DRAFT_CHANGED = _(
    "Someone changed this draft after you opened it. Read it again, then make your change."
)
NOT_WITHDRAWABLE = _("A decided application cannot be withdrawn.")
WITHDRAWABLE = (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.INFO_REQUESTED)


@transaction.atomic
def application_update(
    *, actor: Actor, application_id: Any, data: ApplicationInput, version: int
) -> Application:
    """The applicant changes a draft's terms. `version` is the one the editor read: a draft
    changed since (by a colleague, in another tab) is refused rather than overwritten."""
    application = _locked_for_applicant(actor, application_id)
    if application.state != ApplicationState.DRAFT:
        raise Conflict(NOT_A_DRAFT, code="not_a_draft")
    if version != application.version:
        raise Conflict(
            DRAFT_CHANGED, code="draft_changed", details={"version": application.version}
        )
    _check_terms(
        selectors.application_pack(application)[1],
        data,
        by_worker=selectors.self_filed(application),
    )
    names = [f.name for f in fields(ApplicationInput)]
    before = {n: getattr(application, n) for n in names}
    _write_terms(application, data)
    changed = [n for n in names if getattr(application, n) != before[n]]
    if not changed:
        return application
    application.version += 1
    application.save()
    audit_record(
        verb=AuditVerb.PERMIT_DRAFT_CHANGED,
        actor=actor,
        obj=application,
        jurisdiction=application.jurisdiction_id,
        before={n: audit_value(before[n]) for n in changed},
        after={n: audit_value(getattr(application, n)) for n in changed},
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: Actor, application_id: Any, reason: str = "") -> Application:
    """The applicant withdraws a draft or an application not yet decided: the agencies' open
    steps close, the clock stops, and the case leaves their queues."""
    application = _locked_for_applicant(actor, application_id)
    if application.state not in WITHDRAWABLE:
        raise Conflict(NOT_WITHDRAWABLE, code="not_withdrawable")
    was = application.state
    application.state = ApplicationState.WITHDRAWN
    application.decided_at = timezone.now() if application.submitted_at else None
    application.save()
    application.steps.filter(
        state__in=[StepState.WAITING, StepState.OPEN, StepState.INFO_REQUESTED]
    ).update(state=StepState.CLOSED)
    _event(application, was, actor, reason.strip())
    audit_record(
        verb=AuditVerb.PERMIT_WITHDRAWN,
        actor=actor,
        obj=application,
        jurisdiction=application.jurisdiction_id,
        before={"state": was},
        after={"state": application.state, "reason": reason.strip()},
    )
    return application


@transaction.atomic
def document_add(
    *, actor: Actor, application_id: Any, kind: str, upload: UploadedFile | None
) -> ApplicationDocument:
    """A document the category asks for: sniffed, size-capped, stored outside the web root under
    a random name (core.uploads). Added while a draft, or to answer a request."""
    application = _locked_for_applicant(actor, application_id)
    if application.state not in (ApplicationState.DRAFT, ApplicationState.INFO_REQUESTED):
        raise Conflict(NOT_A_DRAFT, code="not_a_draft")
    _pack, auth = selectors.application_pack(application)
    category = auth.category(application.category)
    if category is None or kind not in category.documents:
        raise ValidationFailed(DOCUMENT_UNKNOWN, code="document_unknown", field="kind")
    if upload is None:
        raise ValidationFailed(FILE_MISSING, code="file_missing", field="file")
    try:
        stored = evidence_store(upload)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, code=error.code, field="file") from None
    document = ApplicationDocument.objects.create(
        application=application, kind=kind, file=stored, uploaded_by=actor
    )
    audit_record(
        verb=AuditVerb.PERMIT_DOCUMENT_ADDED,
        actor=actor,
        obj=application,
        jurisdiction=application.jurisdiction_id,
        after={"document": kind},
    )
    return document


def document_opened(*, actor: Actor, document: ApplicationDocument) -> None:
    """Opening a document of a case is audited (the caller has checked who may see it)."""
    audit_record(
        verb=AuditVerb.PERMIT_DOCUMENT_OPENED,
        actor=actor,
        obj=document.application,
        jurisdiction=document.application.jurisdiction_id,
        after={"document": document.kind},
    )


def _missing(application: Application) -> list[tuple[str, str, Any]]:
    _pack, auth = selectors.application_pack(application)
    errors: list[tuple[str, str, Any]] = []
    for code in selectors.documents_missing(application):
        document = auth.document(code)
        name = document.name.model_dump() if document else {"es": code, "en": code}
        errors.append(
            (
                f"document_{code}",
                "document_missing",
                _("Missing document: %(name)s") % {"name": pick(name)},
            )
        )
    needs_share = any("national_share" in step.rules for step in auth.steps)
    if needs_share and selectors.application_workforce(application) is None:
        errors.append(("national_workers", "workforce_missing", WORKFORCE_NEEDED))
    return errors


def _steps_open(application: Application, auth: Any) -> None:
    jurisdictions = {
        j.code: j
        for j in Jurisdiction.objects.filter(code__in=[s.jurisdiction for s in auth.steps])
    }
    for position, rule in enumerate(auth.steps):
        Step.objects.create(
            application=application,
            code=rule.code,
            position=position,
            jurisdiction=jurisdictions.get(rule.jurisdiction, application.jurisdiction),
            after=rule.after,
            rules=rule.rules,
            state=StepState.WAITING if rule.after else StepState.OPEN,
        )


def _steps_trace(application: Application) -> None:
    """Run each step's rules now, so the applicant and the agencies see at once how the case
    stands; each decision traces them again on its own day."""
    pack, _auth = selectors.application_pack(application)
    facts = selectors.application_facts(application)
    for step in application.steps.all():
        if step.state in (StepState.APPROVED, StepState.REFUSED):
            continue
        step.trace = trace_of(rules_evaluate(pack, facts, step.rules))
        step.save(update_fields=["trace"])


def _event(application: Application, frm: str, actor: Actor, reason: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application,
        from_state=frm,
        to_state=application.state,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def application_submit(*, actor: Actor, application_id: Any) -> Application:
    """A complete application starts its clock and opens its first steps. An incomplete one is
    refused naming everything still missing."""
    return _submitted(_locked_for_applicant(actor, application_id), actor)


def _submitted(application: Application, actor: Actor) -> Application:
    if application.state != ApplicationState.DRAFT:
        raise Conflict(NOT_A_DRAFT, code="not_a_draft")
    errors = _missing(application)
    if errors:
        raise ValidationFailed(INCOMPLETE, code="incomplete", errors=errors)
    loaded = packs_all()[application.pack]
    _pack, auth = selectors.application_pack(application)
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = timezone.now()
    application.pack_version = f"{loaded.pack.version} · {loaded.checksum[:12]}"
    application.save()
    _steps_open(application, auth)
    _steps_trace(application)
    _event(application, ApplicationState.DRAFT, actor)
    if selectors.self_filed(application):
        _tell_employer_named(application)
    audit_record(
        verb=AuditVerb.PERMIT_SUBMITTED,
        actor=actor,
        obj=application,
        jurisdiction=application.jurisdiction_id,
        after={"state": application.state, "pack": application.pack_version},
    )
    return application


def _tell_applicant(application: Application, *, subject: Any, body: Any, values: dict) -> None:
    """The notice goes to whoever filed the application, in their language (by SMS too, to a
    foreign national who filed their own)."""
    filer = application.filed_by
    language = getattr(filer, "preferred_language", "") or "es"
    notify(
        user=filer,
        phone=application.worker.phone if selectors.self_filed(application) else "",
        email=filer.email,
        language=language,
        kind="permit.decision",
        subject=subject,
        body=body,
        values=values,
    )


NAMED_SUBJECT = _("Work-permit application %(reference)s names %(employer)s")
NAMED_BODY = _(
    "%(worker)s has applied for a work permit (%(reference)s) for a job with %(employer)s. Read "
    "it in Vínculo. If your organisation made no such offer, tell the labour authority."
)


def _tell_employer_named(application: Application) -> None:
    """A foreign national's own application names an employer: its staff learn of it when it is
    submitted, and can say so if they offered no such job."""
    values = {
        "reference": application.reference,
        "worker": application.worker.full_name,
        "employer": application.employer.name,
    }
    _tell_staff(application.employer, "permit.named", NAMED_SUBJECT, NAMED_BODY, values)


OUTCOMES = ("approve", "refuse", "request_info")


@transaction.atomic
def step_decide(
    *, actor: Actor, step_id: Any, outcome: str, reason: str = "", expected: str = ""
) -> Step:
    """An agency decides its own step: approve (only when every rule of the step passes), refuse
    with reasons, or ask the applicant for information (the clock pauses). The rules are traced
    again on the day of the decision and stored with it, against the pack in force."""
    visible = selectors.application_list(actor=actor).values("pk")
    found = Step.objects.filter(application__in=visible, pk=step_id).first()
    if found is None:
        raise Http404
    application = Application.objects.select_for_update().get(pk=found.application_id)
    step = Step.objects.select_related("jurisdiction").get(pk=found.pk)
    if not user_can_in(actor, Perm.DECIDE_PERMITS, step.jurisdiction_id):
        raise NotAllowed(
            _("Only %(agency)s decides this step.") % {"agency": step.jurisdiction.name},
            code="not_your_step",
        )
    if step.state != StepState.OPEN or (expected and expected != step.state):
        raise Conflict(STEP_NOT_OPEN, code="step_not_open", details={"state": step.state})
    if outcome not in OUTCOMES:
        raise ValidationFailed(_("Choose a decision."), code="outcome", field="outcome")
    reason = (reason or "").strip()
    pack, _auth = selectors.application_pack(application)
    today = timezone.localdate()
    step.trace = trace_of(
        rules_evaluate(pack, selectors.application_facts(application, decided_on=today), step.rules)
    )
    now = timezone.now()
    before = application.state
    agency = step.jurisdiction.name
    if outcome == "approve":
        if not trace_passed(step.trace):
            raise ValidationFailed(APPROVE_AGAINST_RULES, code="rules_failed", field="outcome")
        step.state = StepState.APPROVED
        verb = AuditVerb.PERMIT_STEP_APPROVED
    elif outcome == "refuse":
        if not reason:
            raise ValidationFailed(
                _("Give the reasons for the refusal."), code="reason_required", field="reason"
            )
        step.state = StepState.REFUSED
        verb = AuditVerb.PERMIT_STEP_REFUSED
    else:
        if not reason:
            raise ValidationFailed(QUESTION_NEEDED, code="question_required", field="reason")
        step.state = StepState.INFO_REQUESTED
        verb = AuditVerb.PERMIT_INFO_REQUESTED
        InfoRequest.objects.create(
            application=application, step=step, question=reason, asked_by=actor, asked_at=now
        )
    step.reason = reason
    step.decided_by = actor
    step.decided_at = now
    step.save()
    if step.state == StepState.INFO_REQUESTED:
        application.state = ApplicationState.INFO_REQUESTED
        _tell_applicant(
            application,
            subject=INFO_SUBJECT,
            body=INFO_BODY,
            values={"reference": application.reference, "agency": agency, "question": reason},
        )
    elif step.state == StepState.REFUSED:
        application.steps.filter(state__in=[StepState.WAITING, StepState.OPEN]).update(
            state=StepState.CLOSED
        )
        application.state = ApplicationState.REFUSED
        application.decided_at = now
    else:
        _steps_following(application)
        if not application.steps.exclude(state=StepState.APPROVED).exists():
            application.state = ApplicationState.APPROVED
            application.decided_at = now
    application.save()
    if application.state != before:
        _event(application, before, actor, reason)
    audit_record(
        verb=verb,
        actor=actor,
        obj=application,
        jurisdiction=step.jurisdiction_id,
        before={"state": before},
        after={
            "step": step.code,
            "state": application.state,
            "rules": {entry["code"]: entry["passed"] for entry in step.trace},
        },
        reason=reason,
    )
    if application.state in (ApplicationState.APPROVED, ApplicationState.REFUSED):
        outcome_label = application.get_state_display()
        _tell_applicant(
            application,
            subject=DECIDED_SUBJECT,
            body=DECIDED_BODY,
            values={
                "reference": application.reference,
                "outcome": outcome_label,
                "agency": agency,
                "worker": application.worker.full_name,
                "reasons": reason,
            },
        )
    if application.state == ApplicationState.APPROVED:
        permit_issue(application=application, actor=actor)
    return step


def _steps_following(application: Application) -> None:
    approved = set(
        application.steps.filter(state=StepState.APPROVED).values_list("code", flat=True)
    )
    for waiting in application.steps.filter(state=StepState.WAITING):
        if set(waiting.after) <= approved:
            waiting.state = StepState.OPEN
            waiting.save(update_fields=["state"])


@transaction.atomic
def info_answer(*, actor: Actor, application_id: Any, answer: str) -> Application:
    """The applicant answers a request (with any documents added): the steps that asked open
    again and the clock runs again."""
    application = _locked_for_applicant(actor, application_id)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(ANSWER_NEEDED, code="answer_required", field="answer")
    pending = list(application.requests.filter(answered_at=None))
    if application.state != ApplicationState.INFO_REQUESTED or not pending:
        raise Conflict(NO_REQUEST, code="no_request")
    now = timezone.now()
    for request in pending:
        request.answer = answer
        request.answered_by = actor
        request.answered_at = now
        request.save()
        Step.objects.filter(pk=request.step_id, state=StepState.INFO_REQUESTED).update(
            state=StepState.OPEN
        )
    application.state = ApplicationState.SUBMITTED
    application.save()
    _steps_trace(application)
    _event(application, ApplicationState.INFO_REQUESTED, actor, answer)
    audit_record(
        verb=AuditVerb.PERMIT_INFO_ANSWERED,
        actor=actor,
        obj=application,
        jurisdiction=application.jurisdiction_id,
    )
    return application


def permit_issue(*, application: Application, actor: Actor) -> Permit:
    """The permit of an approved case: its number from the database sequence, an unguessable
    token for its QR code, valid for the stay approved."""
    _pack, auth = selectors.application_pack(application)
    category = auth.category(application.category)
    serial = PermitSerial.objects.create().pk
    permit = Permit.objects.create(
        application=application,
        number=f"{application.jurisdiction.country}-PT-{application.start_on.year}-{serial:06d}",
        jurisdiction=application.jurisdiction,
        holder=application.worker,
        employer=application.employer,
        category=application.category,
        pack=application.pack,
        condition=category.condition if category else "restricted",
        valid_from=application.start_on,
        valid_to=stay_end(application.start_on, application.months),
    )
    PermitEvent.objects.create(permit=permit, from_state="", to_state=permit.state, actor=actor)
    audit_record(
        verb=AuditVerb.PERMIT_ISSUED,
        actor=actor,
        obj=permit,
        jurisdiction=permit.jurisdiction_id,
        after={"number": permit.number, "valid_to": permit.valid_to.isoformat()},
    )
    _tell_applicant(
        application,
        subject=ISSUED_SUBJECT,
        body=ISSUED_BODY,
        values={
            "number": permit.number,
            "worker": application.worker.full_name,
            "employer": application.employer.name,
            "start": permit.valid_from.isoformat(),
            "end": permit.valid_to.isoformat(),
        },
    )
    return permit


NOT_RENEWABLE = _("A revoked or suspended permit is not renewed.")
CATEGORY_NOT_RENEWABLE = _("Permits of this category are not renewable: apply anew.")
RENEWAL_OPEN = _("A renewal of this permit is already under way.")


@transaction.atomic
def application_renew(*, actor: Actor, permit_id: Any, start_on: date | None = None) -> Application:
    """Renew a valid permit, or come back on an expired one (re-entry), on the fast path: the same
    employer, category and terms; the documents carried over, except the passport when it would
    expire during the new stay (the registry's date says so). Complete, it is submitted at once;
    otherwise it waits as a draft for what changed."""
    permit = selectors.permit_get(actor=actor, permit_id=permit_id)
    previous = Application.objects.select_for_update().get(pk=permit.application_id)
    if selectors.APPLICANT not in selectors.application_sides(actor, previous):
        raise NotAllowed(NOT_APPLICANT, code="not_applicant")
    if permit.state != PermitState.VALID:
        raise Conflict(NOT_RENEWABLE, code="not_renewable")
    loaded = authorisation_pack_for(previous.jurisdiction.country)
    category = loaded.pack.authorisation.category(previous.category) if loaded else None
    if category is None or not category.renewable:
        raise ValidationFailed(CATEGORY_NOT_RENEWABLE, code="category_not_renewable")
    if permit.renewals.filter(
        state__in=[
            ApplicationState.DRAFT,
            ApplicationState.SUBMITTED,
            ApplicationState.INFO_REQUESTED,
        ]
    ).exists():
        raise Conflict(RENEWAL_OPEN, code="renewal_open")
    today = timezone.localdate()
    start = start_on or max(permit.valid_to + timedelta(days=1), today)
    application = Application.objects.create(
        jurisdiction=previous.jurisdiction,
        pack=loaded.pack.code,
        category=previous.category,
        worker=previous.worker,
        employer=previous.employer,
        establishment=previous.establishment,
        filed_by=actor,
        occupation=previous.occupation,
        start_on=start,
        months=previous.months,
        salary=previous.salary,
        currency=previous.currency,
        weekly_hours=previous.weekly_hours,
        national_workers=previous.national_workers,
        foreign_workers=previous.foreign_workers,
        national_payroll=previous.national_payroll,
        foreign_payroll=previous.foreign_payroll,
        renewal_of=permit,
    )
    expires = selectors.passport_expiry(application)
    passport_valid = expires is not None and expires > stay_end(start, application.months)
    carried = [
        ApplicationDocument(
            application=application, kind=d.kind, file=d.file, uploaded_by=d.uploaded_by
        )
        for d in previous.documents.all()
        if d.kind != "passport" or passport_valid
    ]
    ApplicationDocument.objects.bulk_create(carried)
    _event(application, "", actor, str(_("Renewal of %(number)s") % {"number": permit.number}))
    audit_record(
        verb=AuditVerb.PERMIT_RENEWAL,
        actor=actor,
        obj=application,
        jurisdiction=application.jurisdiction_id,
        after={"renews": permit.number, "documents_carried": sorted(d.kind for d in carried)},
    )
    if not _missing(application):
        return application_submit(actor=actor, application_id=application.pk)
    return application


EMPLOYER_CHANGE_REFUSED = _(
    "%(category)s is restricted to its employer: the holder may not change employer on this "
    "permit (%(source)s). Apply for a new permit with the new employer."
)
EMPLOYER_NOT_HERE = _("Choose a verified employer of this permit's jurisdiction.")


@transaction.atomic
def permit_change_employer(
    *, actor: Actor, permit_id: Any, employer_id: Any, reason: str
) -> Permit:
    """A holder moves to another employer where the permit allows it (a free condition, or a
    scheme such as SITLAM whose category allows changes); refused with the reason elsewhere."""
    visible = selectors.permit_get(actor=actor, permit_id=permit_id)
    if not user_can_in(actor, Perm.DECIDE_PERMITS, visible.jurisdiction_id):
        raise NotAllowed(MOVE_NOT_PERMITTED, code="not_allowed")
    permit = Permit.objects.select_for_update().select_related("employer").get(pk=visible.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(REASON_REQUIRED, code="reason_required", field="reason")
    if permit.state != PermitState.VALID:
        raise Conflict(NOT_RENEWABLE, code="permit_not_valid")
    _pack, auth = selectors.application_pack(visible.application)
    category = auth.category(permit.category)
    if not selectors.permit_allows_employer_change(visible):
        raise ValidationFailed(
            EMPLOYER_CHANGE_REFUSED
            % {
                "category": pick(category.name.model_dump()) if category else permit.category,
                "source": category.source.cite() if category else permit.pack,
            },
            code="employer_change_not_allowed",
            field="employer",
        )
    employer = Organisation.objects.filter(
        pk=employer_id,
        jurisdiction_id=permit.jurisdiction_id,
        kind="employer",
        verification_state="verified",
    ).first()
    if employer is None or employer.pk == permit.employer_id:
        raise ValidationFailed(EMPLOYER_NOT_HERE, code="employer_unknown", field="employer")
    before = permit.employer.name
    permit.employer = employer
    permit.save(update_fields=["employer", "updated_at"])
    PermitEvent.objects.create(
        permit=permit,
        from_state=permit.state,
        to_state=permit.state,
        actor=actor,
        reason=f"{before} → {employer.name}: {reason}",
    )
    audit_record(
        verb=AuditVerb.PERMIT_EMPLOYER_CHANGED,
        actor=actor,
        obj=permit,
        jurisdiction=permit.jurisdiction_id,
        before={"employer": before},
        after={"employer": employer.name},
        reason=reason,
    )
    return permit


ATTENDANCE_NOT_YOURS = _("Only the holder's employer logs their entries and exits.")
ATTENDANCE_OUTSIDE = _("The day is outside the permit's validity.")


@transaction.atomic
def attendance_log(*, actor: Actor, permit_id: Any, kind: str, on: date) -> PermitAttendance:
    """The employer logs the holder's entry to or exit from the worksite, within the permit's
    validity and never in the future."""
    permit = selectors.permit_get(actor=actor, permit_id=permit_id)
    if permit.employer_id not in selectors.own_organisations(actor):
        raise NotAllowed(ATTENDANCE_NOT_YOURS, code="not_employer")
    if kind not in PermitAttendance.Kind.values:
        raise ValidationFailed(ATTENDANCE_OUTSIDE, code="kind_unknown", field="kind")
    if not (permit.valid_from <= on <= min(permit.valid_to, timezone.localdate())):
        raise ValidationFailed(ATTENDANCE_OUTSIDE, code="outside_validity", field="on")
    record = PermitAttendance.objects.create(permit=permit, kind=kind, on=on, logged_by=actor)
    audit_record(
        verb=AuditVerb.PERMIT_ATTENDANCE,
        actor=actor,
        obj=permit,
        jurisdiction=permit.jurisdiction_id,
        after={"kind": kind, "on": on.isoformat()},
    )
    return record


PERMIT = Lifecycle(Permit, PERMIT_MOVES, "permit", events=PermitEvent, subject="permit")


def permit_move(
    *, actor: Actor, permit_id: Any, to: str, reason: str = "", expected: str | None = None
) -> Permit:
    """Suspend, reinstate or revoke a permit, with the reason, in the permit's jurisdiction; the
    public check reads the new state at once."""
    permit = selectors.permit_get(actor=actor, permit_id=permit_id)
    return transition(
        PERMIT,
        pk=permit.pk,
        to=to,
        actor=actor,
        reason=reason,
        expected=expected,
        changes=lambda record, _move, why, _now: _reason_kept(record, why),
    )


def _reason_kept(permit: Permit, reason: str) -> list[str]:
    permit.state_reason = reason
    return ["state_reason"]


# --- the daily task: reminders and escalation ---------------------------------------------------

REMIND_AT_DAYS = (60, 14)
EXPIRY_SUBJECT = _("Work permit %(number)s expires on %(end)s")
EXPIRY_BODY = _(
    "Work permit %(number)s of %(worker)s with %(employer)s expires on %(end)s, in %(days)s days. "
    "Apply for its renewal in Vínculo before then."
)
OVERDUE_SUBJECT = _("Overdue: work-permit application %(reference)s")
OVERDUE_BODY = _(
    "The step %(step)s of application %(reference)s has waited %(days)s days, beyond the "
    "target of %(target)s. Decide it, or ask the applicant for what is missing."
)


def _tell_staff(employer: Organisation, kind: str, subject: Any, body: Any, values: dict) -> None:
    """A notice to each active member of the employer's staff, by e-mail, in their language."""
    for membership in (
        employer.memberships.filter(role="employer_staff", user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ):
        user = membership.user
        notify(
            user=user,
            email=user.email,
            language=user.preferred_language or "es",
            kind=kind,
            subject=subject,
            body=body,
            values=values,
        )


def permits_remind(today: date | None = None) -> int:
    """Tell the employer's staff and the holder that a valid permit expires soon: 60 days before
    and again 14 days before. Each permit's last reminder day is kept, so a reminder is sent once
    whatever the number of ticks."""
    today = today or timezone.localdate()
    first = today + timedelta(days=REMIND_AT_DAYS[0])
    due = Permit.objects.filter(
        state=PermitState.VALID, valid_to__gte=today, valid_to__lte=first
    ).select_related("holder__user", "employer", "application")
    sent = 0
    for permit in due:
        days = (permit.valid_to - today).days
        window = next(d for d in sorted(REMIND_AT_DAYS) if days <= d)
        if permit.reminded_on is not None and (permit.valid_to - permit.reminded_on).days <= window:
            continue
        values = {
            "number": permit.number,
            "worker": permit.holder.full_name,
            "employer": permit.employer.name,
            "end": permit.valid_to.isoformat(),
            "days": days,
        }
        with transaction.atomic():
            _tell_staff(permit.employer, "permit.expiry", EXPIRY_SUBJECT, EXPIRY_BODY, values)
            holder = permit.holder
            notify(
                user=holder.user,
                phone=holder.phone,
                email=holder.user.email if holder.user else "",
                language=(holder.user.preferred_language if holder.user else "") or "es",
                kind="permit.expiry",
                subject=EXPIRY_SUBJECT,
                body=EXPIRY_BODY,
                values=values,
            )
            Permit.objects.filter(pk=permit.pk).update(reminded_on=today)
        sent += 1
    return sent


def steps_escalate(today: date | None = None) -> int:
    """Tell the officials of an agency, once, that a step of theirs is past its target time."""
    today = today or timezone.localdate()
    open_steps = Step.objects.filter(state=StepState.OPEN, escalated_on=None).select_related(
        "application", "jurisdiction"
    )
    escalated = 0
    for step in open_steps.prefetch_related("application__requests"):
        application = step.application
        target = selectors.application_target(application)
        days = selectors.application_days(application, today)
        if target is None or days is None or days <= target:
            continue
        officials = User.objects.filter(
            is_active=True,
            memberships__jurisdiction=step.jurisdiction,
            memberships__role="official",
        ).distinct()
        with transaction.atomic():
            for official in officials:
                notify(
                    user=official,
                    email=official.email,
                    language=official.preferred_language or "es",
                    kind="permit.overdue",
                    subject=OVERDUE_SUBJECT,
                    body=OVERDUE_BODY,
                    values={
                        "reference": application.reference,
                        "step": step.code,
                        "days": days,
                        "target": target,
                    },
                )
            Step.objects.filter(pk=step.pk).update(escalated_on=today)
        escalated += 1
    return escalated
