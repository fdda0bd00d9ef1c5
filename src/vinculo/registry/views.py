from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from vinculo.core.access import scope_for, user_can, user_can_in
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.forms import add_errors
from vinculo.core.lockout import account_locked
from vinculo.core.models import Jurisdiction
from vinculo.core.permissions import Perm
from vinculo.core.values import FieldInvalid
from vinculo.reference.countries import subdivision_list
from vinculo.reference.models import Occupation
from vinculo.registry import domain, selectors, services
from vinculo.registry.forms import (
    STEP_FORMS,
    STEP_TITLES,
    AccountForm,
    DeskForm,
    LanguageFormSet,
    OccupationFormSet,
    WorkerEditForm,
    WorkerFilterForm,
    language_rows,
    occupation_rows,
    worker_input,
)
from vinculo.registry.identity import (
    FIELD_LABELS,
    LEVEL_LABELS,
    MATCH_SOURCES,
    Person,
    match_keys,
    strength_label,
)
from vinculo.registry.models import ConsentPurpose, Worker
from vinculo.registry.selectors import worker_get, worker_list, worker_own, worker_public_get
from vinculo.registry.services import WorkerInput

STEPS = services.REGISTRATION_STEPS


@login_required
def worker_list_view(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Perm.VIEW_WORKERS):
        raise Http404
    form = WorkerFilterForm(request.GET or None)
    workers = worker_list(actor=request.user, filters=form.to_filter())
    page = Paginator(workers, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/worker_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_register": user_can(request.user, Perm.REGISTER_WORKERS),
        },
    )


@login_required
def worker_detail_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = services.worker_profile_view(actor=request.user, worker_id=worker_id)
    return render(
        request,
        "registry/worker_detail.html",
        {
            "worker": worker,
            "own": False,
            "can_edit": user_can_in(request.user, Perm.EDIT_WORKERS, worker.jurisdiction_id),
            "locked": worker.user is not None and account_locked(worker.user.username),
        },
    )


@login_required
@post_only("registry:worker_detail", "worker_id")
def worker_unlock_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    try:
        services.worker_account_unlock(actor=request.user, worker_id=worker_id)
        messages.success(request, _("The worker can sign in again."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("registry:worker_detail", worker_id=worker_id)


@login_required
def me_view(request: HttpRequest) -> HttpResponse:
    if services.registration_draft(user=request.user):
        return redirect("registry:register")
    worker = worker_own(actor=request.user)
    return render(
        request,
        "registry/worker_detail.html",
        {"worker": worker, "own": True, "consents": _consent_rows(worker), "can_edit": True},
    )


def _consent_rows(worker: Worker) -> list[dict[str, Any]]:
    given = {c.purpose: c for c in worker.consents.all() if c.active}
    return [{"purpose": p, "consent": given.get(p.value)} for p in ConsentPurpose]


# --- self-registration --------------------------------------------------------------------------


def register_view(request: HttpRequest) -> HttpResponse:
    """Step 0: an account named by the phone number. Signed in, it sends the worker on to the
    step where they stopped, so a dropped connection costs nothing."""
    if request.user.is_authenticated:
        draft = services.registration_draft(user=request.user)
        if draft is not None:
            return redirect("registry:register_step", step=draft.step)
        if Worker.objects.filter(user=request.user).exists():
            return redirect("registry:me")
        raise Http404
    form = AccountForm(request.POST or None, initial={"country": "HN"})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.worker_account_create(
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
                language=(get_language() or "es")[:2],
            )
        except DomainError as error:
            form.add_error(error.field, str(error.message))
        else:
            login(request, user, backend="vinculo.web.signin.UsernameOrPhoneBackend")
            return redirect("registry:register_step", step=STEPS[0])
    return render(request, "registry/register_account.html", {"form": form})


@login_required
def register_step_view(request: HttpRequest, step: str) -> HttpResponse:
    draft = services.registration_draft(user=request.user)
    if draft is None or step not in STEPS:
        raise Http404
    answers = services.draft_answers(draft)
    done = [s for s in STEPS[:-1] if s in answers]
    # A step can be reopened once the ones before it are done; never skipped ahead.
    if STEPS.index(step) > len(done):
        return redirect("registry:register_step", step=draft.step)
    if step == "review":
        return _register_review(request, answers)
    form_class = STEP_FORMS[step]
    initial = answers.get(step, {})
    if step == "residence" and not initial:
        initial = {"residence_country": answers.get("identity", {}).get("nationality", "")}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        draft = services.registration_step_save(
            user=request.user, step=step, answers=form.answers()
        )
        following = STEPS[STEPS.index(step) + 1]
        return redirect("registry:register_step", step=following)
    return render(
        request,
        "registry/register_step.html",
        {
            "form": form,
            "step": step,
            "title": STEP_TITLES[step],
            "number": STEPS.index(step) + 1,
            "total": len(STEPS),
            "previous": STEPS[STEPS.index(step) - 1] if STEPS.index(step) else None,
        },
    )


def _register_review(request: HttpRequest, answers: dict[str, Any]) -> HttpResponse:
    data = worker_input(answers, phone=request.user.username)
    error = None
    if request.method == "POST":
        try:
            services.registration_complete(user=request.user, data=data)
        except DomainError as problem:
            error = problem.message
        else:
            messages.success(request, _("You are registered. Keep your card: it has your number."))
            return redirect("registry:my_card")
    # Keyed by the text of the id, as the answers keep it (in_bulk keys by UUID).
    occupations = {
        str(pk): occupation
        for pk, occupation in Occupation.objects.in_bulk([o for o, _ in data.occupations]).items()
    }
    return render(
        request,
        "registry/register_review.html",
        {
            "data": data,
            "occupations": [(occupations.get(o), y) for o, y in data.occupations],
            "consents": [ConsentPurpose(p).label for p in data.consents],
            "error": error,
            "step": "review",
            "title": STEP_TITLES["review"],
            "number": len(STEPS),
            "total": len(STEPS),
            "previous": STEPS[-2],
        },
    )


def subdivision_options_view(request: HttpRequest) -> HttpResponse:
    """The <option>s of the departments or states of a country, for the residence step."""
    country = request.GET.get(request.GET.get("field", "residence_country"), "")
    return render(
        request,
        "registry/partials/subdivision_options.html",
        {"subdivisions": subdivision_list(country) if len(country) == 2 else []},
    )


# --- registration by an official -----------------------------------------------------------------


@login_required
def register_worker_view(request: HttpRequest) -> HttpResponse:
    """At a desk: the same steps as self-registration, on one page."""
    scope = scope_for(request.user, Perm.REGISTER_WORKERS)
    if scope.empty:
        raise Http404
    jurisdictions = scope.apply(Jurisdiction.objects.filter(is_active=True), field="pk")

    def register(data: WorkerInput, desk: dict[str, Any], unlike: tuple[str, ...]) -> Worker:
        return services.worker_register(
            data=data,
            jurisdiction=desk["jurisdiction"],
            channel=desk["channel"],
            actor=request.user,
            unlike=unlike,
        )

    return desk_register(request, jurisdictions=jurisdictions, register=register)


def desk_register(
    request: HttpRequest,
    *,
    jurisdictions: Any,
    register: Any,
    kiosk: dict[str, Any] | None = None,
) -> HttpResponse:
    """The desk registration page: every step of a registration on one page, the probable
    matches shown before anything is written, and the card once registered. `register(data,
    desk values, confirmed other people)` writes the registration. A job fair's kiosk
    (jobs.fair_views) passes its own, and `kiosk`: its banner's name and the page it returns to
    for the next person."""
    data = request.POST or None
    forms = {step: form_class(data, prefix=step) for step, form_class in STEP_FORMS.items()}
    desk = DeskForm(data, prefix="desk", jurisdictions=jurisdictions, fair=kiosk is not None)
    page = {"desk": desk, "kiosk": kiosk}
    if request.method == "POST" and desk.is_valid() and all(f.is_valid() for f in forms.values()):
        answers = {step: form.answers() for step, form in forms.items()}
        phone = desk.cleaned_data["phone"]
        country = answers["residence"]["residence_country"]
        try:
            phone = domain.phone_normalise(phone, country) if phone else ""
        except FieldInvalid as error:
            desk.add_error("phone", error.message)
        else:
            data = worker_input(answers, phone=phone)
            document = selectors.DocumentGiven(
                data.document.kind, data.document.issuing_country, data.document.number
            )
            probable, unconfirmed = _probable_matches(request, Person.of(data), [document])
            if unconfirmed:
                return render(
                    request,
                    "registry/register_desk.html",
                    {
                        "forms": [(STEP_TITLES[s], f) for s, f in forms.items()],
                        **page,
                        **unconfirmed,
                        "confirm_label": _(
                            "I have compared them: this is a different person. Register anyway."
                        ),
                    },
                )
            unlike = tuple(m.worker.registration_number for m in probable)
            try:
                worker = register(data, desk.cleaned_data, unlike)
            except DomainError as error:
                # The service names WorkerInput's fields: each is shown on the step that asks it.
                for name, _code, message in error.errors:
                    owner = next(
                        (f for f in (*forms.values(), desk) if name in f.fields), forms["identity"]
                    )
                    owner.add_error(name if name in owner.fields else None, str(message))
            else:
                messages.success(request, _("Registered. Print or show the card below."))
                card = reverse("registry:worker_card", args=[worker.pk])
                return redirect(f"{card}?{urlencode({'next': kiosk['url']})}" if kiosk else card)
    return render(
        request,
        "registry/register_desk.html",
        {"forms": [(STEP_TITLES[s], f) for s, f in forms.items()], **page},
    )


def _probable_matches(
    request: HttpRequest,
    person: Person,
    documents: list[selectors.DocumentGiven],
    exclude_worker_id: int | None = None,
) -> tuple[list[selectors.Match], dict[str, Any] | None]:
    """People the official may see who are probably `person`, and, unless the official has
    confirmed these very ones are someone else, what the page shows of them. A match on the same
    document is left to the save itself, which refuses it whoever can see the other record."""
    found = selectors.likely_matches(
        actor=request.user, person=person, documents=documents, exclude_worker_id=exclude_worker_id
    )
    probable = [m for m in found if not m.same_document]
    shown = ",".join(m.worker.registration_number for m in probable)
    confirmed = (
        request.POST.get("linkage-shown") == shown and request.POST.get("linkage-confirm") == "yes"
    )
    if not probable or confirmed:
        return probable, None
    return probable, {"matches": [_match_view(m) for m in probable], "shown": shown}


def _keys(record: Any) -> dict[str, Any]:
    """What a person is looked up by: a correction that leaves it alone needs no new check."""
    return match_keys(**{name: getattr(record, name) for name in MATCH_SOURCES})


def _match_view(match: selectors.Match) -> dict[str, Any]:
    """A probable match as the desk sees it: the record's values beside each field's agreement."""
    worker = match.worker
    shown = selectors.record_values(worker)
    return {
        "worker": worker,
        "percent": round(match.probability * 100),
        "rows": [
            {
                "field": FIELD_LABELS[e.field],
                "value": shown[e.field],
                "level": LEVEL_LABELS[e.level],
                "strength": strength_label(e.weight),
                "weight": e.weight,
            }
            for e in match.evidence
        ],
    }


# --- corrections, consents, own data --------------------------------------------------------------


def _edit(request: HttpRequest, worker: Worker, back: str, *, check: bool = False) -> HttpResponse:
    """Correct a record. With `check` (an official editing), a change of name, date of birth or
    phone that makes the record look like another one shows that one first."""
    initial = {name: getattr(worker, name) for name in WorkerEditForm.base_fields}
    data = request.POST if request.method == "POST" else None
    form = WorkerEditForm(data, initial=initial)
    # The registration's pickers: occupations by ESCO search with their years, languages with
    # their CEFR level. A form posted without them (an older page) leaves them as they are.
    jobs = OccupationFormSet(data, initial=occupation_rows(worker), prefix="occupations")
    tongues = LanguageFormSet(data, initial=language_rows(worker), prefix="languages")
    posted_rows = data is not None and "occupations-TOTAL_FORMS" in data
    rows_valid = not posted_rows or all([jobs.is_valid(), tongues.is_valid()])  # both checked
    context = {"form": form, "worker": worker, "back": back, "jobs": jobs, "tongues": tongues}
    if request.method == "POST" and form.is_valid() and rows_valid:
        after = SimpleNamespace(**{**initial, **form.changes()})
        probable: list[selectors.Match] = []
        if check and _keys(after) != _keys(worker):
            probable, unconfirmed = _probable_matches(
                request, Person.of(after), [], exclude_worker_id=worker.pk
            )
            if unconfirmed:
                context = {**context, **unconfirmed}
                context["confirm_label"] = _(
                    "I have compared them: this is a different person. Save anyway."
                )
                return render(request, "registry/worker_edit.html", context)
        try:
            services.worker_update(
                worker=worker,
                version=form.cleaned_data["version"],
                changes=form.changes(),
                actor=request.user,
                unlike=tuple(m.worker.registration_number for m in probable),
                occupations=jobs.claims() if posted_rows else None,
                languages=tongues.claims() if posted_rows else None,
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(request, "registry/worker_edit.html", context)


@login_required
def worker_edit_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = worker_get(actor=request.user, worker_id=worker_id)
    if not user_can_in(request.user, Perm.EDIT_WORKERS, worker.jurisdiction_id):
        raise Http404
    return _edit(request, worker, reverse("registry:worker_detail", args=[worker.pk]), check=True)


@login_required
def me_edit_view(request: HttpRequest) -> HttpResponse:
    return _edit(request, worker_own(actor=request.user), reverse("registry:me"))


@login_required
@post_only("registry:me")
def me_consent_view(request: HttpRequest) -> HttpResponse:
    worker = worker_own(actor=request.user)
    purpose = request.POST.get("purpose", "")
    if purpose not in ConsentPurpose.values:
        raise Http404
    if request.POST.get("action") == "withdraw":
        services.consent_withdraw(worker=worker, purpose=purpose, actor=request.user)
        messages.success(request, _("Consent withdrawn."))
    else:
        services.consent_give(worker=worker, purpose=purpose, actor=request.user)
        messages.success(request, _("Consent given."))
    return redirect("registry:me")


@login_required
@post_only("registry:me")
def me_data_view(request: HttpRequest) -> HttpResponse:
    document = services.worker_own_data(actor=request.user)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    number = document["worker"]["registration_number"]
    response["Content-Disposition"] = f'attachment; filename="vinculo-{number}.json"'
    return response


# --- the card and the public status page ---------------------------------------------------------


def _card(request: HttpRequest, worker: Worker) -> HttpResponse:
    status_url = request.build_absolute_uri(
        reverse("registry:worker_status", args=[worker.registration_number])
    )
    qr = segno.make(status_url, error="m")
    # From a fair's kiosk: a button back to it for the next person (a local page only).
    following = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()}):
        following = ""
    return render(
        request,
        "registry/worker_card.html",
        {
            "worker": worker,
            "status_url": status_url,
            "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff", omitsize=True),
            "next_person_url": following,
        },
    )


@login_required
def my_card_view(request: HttpRequest) -> HttpResponse:
    return _card(request, worker_own(actor=request.user))


@login_required
def worker_card_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    return _card(request, worker_get(actor=request.user, worker_id=worker_id))


@ratelimit(key="ip", rate="60/m", block=False)
def worker_status_view(request: HttpRequest, number: str) -> HttpResponse:
    """What anyone holding the card may learn: that the number is a live registration, with
    the initials of its holder and the authority. Nothing more personal."""
    if getattr(request, "limited", False):
        return render(
            request,
            "web/error.html",
            {
                "status": 429,
                "title": _("Too many requests"),
                "message": _("Wait a minute and try again."),
            },
            status=429,
        )
    worker = worker_public_get(registration_number=number)
    return render(
        request,
        "registry/worker_status.html",
        {"worker": worker, "checked_at": timezone.now()},
    )
