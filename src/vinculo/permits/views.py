"""Work-permit pages: the applicant's applications and permits, a new application, one case with
its documents, its rules traced in plain language and each agency's decision; the officials'
queue and processing times; the permit with its PDF; and the public check its QR code opens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_ratelimit.decorators import ratelimit

from vinculo.core.access import user_can, user_can_in
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.forms import add_errors
from vinculo.core.i18n import current_language, pick
from vinculo.core.lifecycle import moves_available
from vinculo.core.models import Organisation
from vinculo.core.permissions import Perm
from vinculo.core.uploads import evidence_response
from vinculo.permits import selectors, services
from vinculo.permits.documents import permit_pdf
from vinculo.permits.domain import PERMIT_MOVES, ApplicationState, initials, permit_status
from vinculo.permits.forms import (
    AnswerForm,
    ApplicationForm,
    AttendanceForm,
    DecisionForm,
    DocumentForm,
    EmployerChangeForm,
    KioskForm,
    PermitCheckForm,
    PermitMoveForm,
    RenewForm,
    SelfApplicationForm,
    TermsForm,
    WithdrawForm,
)
from vinculo.permits.models import Application, Permit
from vinculo.reference.countries import country_name
from vinculo.web.ratelimit import public_page_rate, too_many_requests


def _allowed(request: HttpRequest) -> None:
    if not (
        user_can(request.user, Perm.APPLY_FOR_PERMITS)
        or user_can(request.user, Perm.DECIDE_PERMITS)
    ):
        raise Http404


@login_required
def permit_home_view(request: HttpRequest) -> HttpResponse:
    """An official's queue (least time left first) and processing times; an applicant's
    applications and permits."""
    _allowed(request)
    deciding = user_can(request.user, Perm.DECIDE_PERMITS)
    self_packs = _self_packs(request, selectors.own_worker(request.user))
    clocks = selectors.clock_by_category(actor=request.user) if deciding else []
    chart = {
        "labels": [c.name.get(current_language(), c.name["es"]) for c in clocks],
        "series": [
            {"label": str(_("Median days")), "data": [float(c.figures.median) for c in clocks]},
            {
                "label": str(_("Up to the 90th percentile, days")),
                "data": [float(c.figures.p90 - c.figures.median) for c in clocks],
            },
        ],
    }
    return render(
        request,
        "permits/home.html",
        {
            "deciding": deciding,
            "kiosk": deciding and _kiosk_pack(request) is not None,
            "applying": user_can(request.user, Perm.APPLY_FOR_PERMITS),
            "queue": selectors.queue(actor=request.user) if deciding else [],
            "clocks": clocks,
            "chart": chart,
            "applications": [
                (
                    a,
                    selectors.application_days(a),
                    selectors.documents_missing(a) if a.state == ApplicationState.DRAFT else [],
                )
                for a in selectors.application_list(actor=request.user).prefetch_related(
                    "requests", "documents"
                )[:50]
            ],
            "permits": selectors.permit_list(actor=request.user)[:50],
            "employers": _employers(request),
            "self_packs": self_packs,
            "self_countries": ", ".join(country_name(p.country) for p in self_packs),
            "today": timezone.localdate(),
        },
    )


def _kiosk_pack(request: HttpRequest) -> Any:
    """The pack of the country whose border kiosks the official serves, if it has any."""
    try:
        loaded = services.authorisation_pack_for(services.kiosk_country(request.user))
    except DomainError:
        return None
    if loaded is None or not any(c.border_posts for c in loaded.pack.authorisation.categories):
        return None
    return loaded.pack


def _employers(request: HttpRequest) -> list[Organisation]:
    return selectors.employers_for(request.user)


def _self_packs(request: HttpRequest, worker: Any) -> list[Any]:
    """The packs of the countries where the signed-in foreign national (`worker`, their own
    record, or None) may apply themself."""
    if worker is None or not user_can(request.user, Perm.APPLY_FOR_PERMITS):
        return []
    return [loaded.pack for loaded in selectors.self_apply_packs(worker)]


@login_required
def application_new_view(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Perm.APPLY_FOR_PERMITS):
        raise Http404
    employers = _employers(request)
    chosen = request.GET.get("employer") or request.POST.get("employer")
    employer = next(
        (e for e in employers if str(e.pk) == chosen), employers[0] if employers else None
    )
    if employer is None:
        raise Http404
    loaded = services.authorisation_pack_for(employer.jurisdiction.country)
    pack = loaded.pack
    form = ApplicationForm(request.POST or None, auth=pack.authorisation, currency=pack.currency)
    drafted = _drafted(
        request,
        form,
        lambda: services.application_create(
            actor=request.user, employer=employer, person=form.person(), data=form.terms()
        ),
    )
    if drafted is not None:
        return drafted
    return render(
        request,
        "permits/new.html",
        {
            "form": form,
            "employer": employer,
            "employers": employers,
            "pack": pack,
            "categories": pack.authorisation.categories,
        },
        status=400 if request.method == "POST" else 200,
    )


def _drafted(
    request: HttpRequest, form: Any, create: Callable[[], Application]
) -> HttpResponse | None:
    """For a valid form sent: `create` the draft and go to its page. None, with the service's
    errors on the form, when it was refused (or nothing was sent)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        application = create()
    except DomainError as error:
        add_errors(form, error)
        return None
    messages.success(request, _("Draft saved. Add the documents, then submit the application."))
    return redirect("permits:detail", application.pk)


@login_required
def application_self_view(request: HttpRequest) -> HttpResponse:
    """A foreign national's own application, where the category allows it: the employer who
    offered the job, the job, and their passport if their record holds none yet."""
    worker = selectors.own_worker(request.user)
    packs = _self_packs(request, worker)
    if not packs:
        raise Http404
    chosen = request.GET.get("country") or request.POST.get("country")
    pack = next((p for p in packs if p.country == chosen), packs[0])
    form = SelfApplicationForm(
        request.POST or None,
        auth=pack.authorisation,
        currency=pack.currency,
        employers=selectors.employers_verified(pack.country),
        passport_known=selectors.worker_passport_expiry(worker) is not None,
    )
    drafted = _drafted(
        request,
        form,
        lambda: services.application_self_create(
            actor=request.user,
            employer_id=form.cleaned_data["employer"].pk,
            data=form.terms(),
            passport=form.passport(),
        ),
    )
    if drafted is not None:
        return drafted
    return render(
        request,
        "permits/self.html",
        {
            "form": form,
            "pack": pack,
            "packs": packs,
            "worker": worker,
            "categories": pack.authorisation.categories_for(by_worker=True),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def application_edit_view(request: HttpRequest, application_id: int) -> HttpResponse:
    """The applicant changes a draft's terms; a change made meanwhile by someone else is refused
    rather than overwritten."""
    _allowed(request)
    application = selectors.application_get(actor=request.user, application_id=application_id)
    applicant = selectors.APPLICANT in selectors.application_sides(request.user, application)
    if not applicant or application.state != ApplicationState.DRAFT:
        return redirect("permits:detail", application.pk)
    pack, auth = selectors.application_pack(application)
    form = TermsForm(
        request.POST or None,
        auth=auth,
        currency=pack.currency,
        by_worker=selectors.self_filed(application),
        initial={
            **{name: getattr(application, name) for name in (*TermsForm.JOB, *TermsForm.WORKFORCE)},
            "version": application.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application_id=application.pk,
                data=form.terms(),
                version=form.cleaned_data["version"] or 0,
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("permits:detail", application.pk)
    return render(
        request,
        "permits/edit.html",
        {"form": form, "application": application, "pack": pack},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@post_only("permits:detail", "application_id")
def withdraw_view(request: HttpRequest, application_id: int) -> HttpResponse:
    _allowed(request)
    application = selectors.application_get(actor=request.user, application_id=application_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.application_withdraw(
                actor=request.user,
                application_id=application.pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Application withdrawn."))
            return redirect("permits:detail", application.pk)
    return _detail(request, application, withdraw_form=form, status=400)


@login_required
def kiosk_view(request: HttpRequest) -> HttpResponse:
    """A border post's kiosk (SITLAM): an official registers a seasonal worker for an employer,
    photographs the passport and submits the application in one go, then takes the next."""
    pack = _kiosk_pack(request) if user_can(request.user, Perm.DECIDE_PERMITS) else None
    if pack is None:
        raise Http404
    employers = selectors.employers_verified(pack.country)
    post = request.POST.get("border_post") or request.GET.get("post", "")
    form = KioskForm(
        request.POST or None,
        request.FILES or None,
        auth=pack.authorisation,
        currency=pack.currency,
        employers=employers,
        initial={
            "border_post": post,
            "start_on": timezone.localdate(),
            "occupation": "9211",
            "weekly_hours": 48,
        },
    )
    registered = None
    if request.method == "POST" and form.is_valid():
        try:
            registered = services.kiosk_register(
                actor=request.user,
                employer_id=form.cleaned_data["employer"].pk,
                border_post=form.cleaned_data["border_post"],
                person=form.person(),
                data=form.terms(),
                passport=form.cleaned_data["passport"],
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s registered: application %(reference)s submitted.")
                % {"name": registered.worker.full_name, "reference": registered.reference},
            )
            return redirect(reverse("permits:kiosk") + f"?post={registered.border_post}")
    today = Application.objects.filter(
        border_post__gt="", created_at__date=timezone.localdate(), filed_by=request.user
    ).select_related("worker", "employer")
    return render(
        request,
        "permits/kiosk.html",
        {"form": form, "registered_today": today},
        status=400 if request.method == "POST" else 200,
    )


def _document_choices(application: Application) -> list[tuple[str, str]]:
    """The documents the application's category asks for, named in the reader's language."""
    auth = selectors.application_pack(application)[1]
    category = auth.category(application.category)
    names = _names(auth)
    return [(code, names.get(code, code)) for code in (category.documents if category else [])]


def _names(auth: Any) -> dict[str, str]:
    return {d.code: pick(d.name.model_dump()) for d in auth.documents}


def _detail(
    request: HttpRequest,
    application: Application,
    *,
    document_form: DocumentForm | None = None,
    decision_forms: dict | None = None,
    answer_form: AnswerForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pack, auth = selectors.application_pack(application)
    category = auth.category(application.category)
    names = _names(auth)
    applicant = selectors.APPLICANT in selectors.application_sides(request.user, application)
    steps = []
    for step in application.steps.all():
        rule = next((s for s in auth.steps if s.code == step.code), None)
        may = selectors.step_may_decide(request.user, step)
        form = (decision_forms or {}).get(step.pk) or (
            DecisionForm(
                prefix=f"step{step.pk}",
                initial={"expected": step.state, "reason": _failed_text(step.trace)},
            )
            if may
            else None
        )
        steps.append({"step": step, "rule": rule, "form": form})
    editable = applicant and application.state in (
        ApplicationState.DRAFT,
        ApplicationState.INFO_REQUESTED,
    )
    permit = Permit.objects.filter(application=application).first()
    return render(
        request,
        "permits/detail.html",
        {
            "application": application,
            "pack": pack,
            "auth": auth,
            "category": category,
            "applicant": applicant,
            "editable": editable,
            "steps": steps,
            "documents": [(d, names.get(d.kind, d.kind)) for d in application.documents.all()],
            "missing": [names.get(c, c) for c in selectors.documents_missing(application)],
            "document_form": document_form
            or (DocumentForm(choices=_document_choices(application)) if editable else None),
            "answer_form": answer_form
            or (
                AnswerForm()
                if applicant and application.state == ApplicationState.INFO_REQUESTED
                else None
            ),
            "withdraw_form": withdraw_form
            or (
                WithdrawForm() if applicant and application.state in services.WITHDRAWABLE else None
            ),
            "self_filed": selectors.self_filed(application),
            "duplicates": (
                selectors.duplicates_open(application)
                if user_can(request.user, Perm.DECIDE_PERMITS)
                else []
            ),
            "reviews_duplicates": user_can_in(
                request.user, Perm.REVIEW_DUPLICATES, application.worker.jurisdiction_id
            ),
            "requests": application.requests.all(),
            "events": application.events.select_related("actor"),
            "days": selectors.application_days(application),
            "target": selectors.application_target(application),
            "workforce": selectors.application_workforce(application),
            "permit": permit,
        },
        status=status,
    )


def _failed_text(trace: list[dict]) -> str:
    return " ".join(
        entry["explanation"].get(current_language(), entry["explanation"]["es"])
        + (f" ({entry['source']})" if entry.get("source") else "")
        for entry in trace
        if not entry["passed"]
    )


@login_required
def application_view(request: HttpRequest, application_id: int) -> HttpResponse:
    _allowed(request)
    application = selectors.application_get(actor=request.user, application_id=application_id)
    return _detail(request, application)


@login_required
@post_only("permits:detail", "application_id")
def document_add_view(request: HttpRequest, application_id: int) -> HttpResponse:
    _allowed(request)
    application = selectors.application_get(actor=request.user, application_id=application_id)
    form = DocumentForm(request.POST, request.FILES, choices=_document_choices(application))
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user,
                application_id=application.pk,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Document added."))
            return redirect(reverse("permits:detail", args=[application.pk]) + "#documents")
    return _detail(request, application, document_form=form, status=400)


@login_required
def document_view(request: HttpRequest, document_id: int) -> HttpResponse:
    _allowed(request)
    document = selectors.application_document_get(actor=request.user, document_id=document_id)
    services.document_opened(actor=request.user, document=document)
    return evidence_response(document.file)


@login_required
@post_only("permits:detail", "application_id")
def submit_view(request: HttpRequest, application_id: int) -> HttpResponse:
    _allowed(request)
    application = selectors.application_get(actor=request.user, application_id=application_id)
    try:
        services.application_submit(actor=request.user, application_id=application.pk)
    except DomainError as error:
        for _field, _code, message in error.errors:
            messages.error(request, str(message))
    else:
        messages.success(request, _("Application submitted: the clock has started."))
    return redirect("permits:detail", application.pk)


@login_required
@post_only("permits:detail", "application_id")
def answer_view(request: HttpRequest, application_id: int) -> HttpResponse:
    _allowed(request)
    application = selectors.application_get(actor=request.user, application_id=application_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.info_answer(
                actor=request.user,
                application_id=application.pk,
                answer=form.cleaned_data["answer"],
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Answer sent: the clock runs again."))
            return redirect("permits:detail", application.pk)
    return _detail(request, application, answer_form=form, status=400)


@login_required
@post_only("permits:home")
def decide_view(request: HttpRequest, step_id: int) -> HttpResponse:
    _allowed(request)
    form = DecisionForm(request.POST, prefix=f"step{step_id}")
    step = None
    if form.is_valid():
        try:
            step = services.step_decide(
                actor=request.user,
                step_id=step_id,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                expected=form.cleaned_data["expected"],
            )
        except DomainError as error:
            add_errors(form, error)
    if step is not None:
        messages.success(request, _("Decision recorded."))
        return redirect(reverse("permits:detail", args=[step.application_id]) + "#steps")
    visible = selectors.application_list(actor=request.user)
    application = visible.filter(steps__pk=step_id).first()
    if application is None:
        raise Http404
    return _detail(request, application, decision_forms={step_id: form}, status=400)


# --- permits ---


def _permit_rows(permit: Permit) -> list[tuple[str, str]]:
    auth = selectors.application_pack(permit.application)[1]
    category = auth.category(permit.category)
    return [
        (gettext_noop("Holder"), permit.holder.full_name),
        (gettext_noop("Nationality"), country_name(permit.holder.nationality)),
        (gettext_noop("Employer"), permit.employer.name),
        (
            gettext_noop("Category"),
            pick(category.name.model_dump()) if category else permit.category,
        ),
        (gettext_noop("Condition"), str(CONDITIONS[permit.condition])),
        (gettext_noop("Valid from"), permit.valid_from.isoformat()),
        (gettext_noop("Valid until"), permit.valid_to.isoformat()),
    ]


CONDITIONS = {
    "free": _("Free: may work for any employer"),
    "restricted": _("Restricted to this employer"),
}


def _verify_url(request: HttpRequest, permit: Permit) -> str:
    return request.build_absolute_uri(reverse("permits:check_token", args=[permit.token]))


@login_required
def permit_view(request: HttpRequest, permit_id: int) -> HttpResponse:
    _allowed(request)
    permit = selectors.permit_get(actor=request.user, permit_id=permit_id)
    moves = moves_available(
        PERMIT_MOVES,
        state=permit.state,
        actor=request.user,
        jurisdiction_id=permit.jurisdiction_id,
    )
    form = PermitMoveForm(request.POST or None, moves=moves) if moves else None
    status = 200
    if request.method == "POST" and form is not None and "to" in request.POST:
        if form.is_valid():
            try:
                services.permit_move(
                    actor=request.user,
                    permit_id=permit.pk,
                    to=form.cleaned_data["to"],
                    reason=form.cleaned_data["reason"],
                    expected=permit.state,
                )
            except DomainError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Permit changed: the public check shows it now."))
                return redirect("permits:permit", permit.pk)
        status = 400
    return _permit_page(request, permit, form=form, status=status)


def _permit_page(
    request: HttpRequest,
    permit: Permit,
    *,
    form: PermitMoveForm | None = None,
    renew_form: RenewForm | None = None,
    employer_form: EmployerChangeForm | None = None,
    attendance_form: AttendanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    applicant = selectors.APPLICANT in selectors.application_sides(request.user, permit.application)
    deciding = selectors.permit_may_decide(request.user, permit)
    if renew_form is None and applicant and permit.state == "valid":
        renew_form = RenewForm(
            initial={"start_on": max(permit.valid_to + timedelta(days=1), today)}
        )
    hosting = permit.employer_id in selectors.own_organisations(request.user)
    if attendance_form is None and hosting and permit.state == "valid":
        attendance_form = AttendanceForm(initial={"on": min(today, permit.valid_to)})
    if (
        employer_form is None
        and deciding
        and permit.state == "valid"
        and selectors.permit_allows_employer_change(permit)
    ):
        employer_form = EmployerChangeForm(employers=_employers_of(permit), prefix="change")
    return render(
        request,
        "permits/permit.html",
        {
            "permit": permit,
            "renew_form": renew_form,
            "employer_form": employer_form,
            "renewals": permit.renewals.all(),
            "attendance_form": attendance_form,
            "attendance": permit.attendance.select_related("logged_by")[:60],
            "status": permit_status(permit.state, permit.valid_to, today),
            "rows": [(_(label), value) for label, value in _permit_rows(permit)],
            "form": form,
            "events": permit.events.select_related("actor"),
            "verify_url": _verify_url(request, permit),
        },
        status=status,
    )


def _employers_of(permit: Permit) -> Any:
    return Organisation.objects.filter(
        jurisdiction_id=permit.jurisdiction_id, kind="employer", verification_state="verified"
    ).exclude(pk=permit.employer_id)


@login_required
@post_only("permits:permit", "permit_id")
def permit_renew_view(request: HttpRequest, permit_id: int) -> HttpResponse:
    _allowed(request)
    permit = selectors.permit_get(actor=request.user, permit_id=permit_id)
    form = RenewForm(request.POST)
    if form.is_valid():
        try:
            application = services.application_renew(
                actor=request.user, permit_id=permit.pk, start_on=form.cleaned_data["start_on"]
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            if application.state == ApplicationState.SUBMITTED:
                messages.success(request, _("Renewal submitted on the fast path."))
            else:
                messages.success(request, _("Renewal started: add what changed, then submit."))
            return redirect("permits:detail", application.pk)
    return _permit_page(request, permit, renew_form=form, status=400)


@login_required
@post_only("permits:permit", "permit_id")
def permit_employer_view(request: HttpRequest, permit_id: int) -> HttpResponse:
    _allowed(request)
    permit = selectors.permit_get(actor=request.user, permit_id=permit_id)
    form = EmployerChangeForm(request.POST, employers=_employers_of(permit), prefix="change")
    if form.is_valid():
        try:
            services.permit_change_employer(
                actor=request.user,
                permit_id=permit.pk,
                employer_id=form.cleaned_data["employer"].pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Employer changed: the public check shows it now."))
            return redirect("permits:permit", permit.pk)
    return _permit_page(request, permit, employer_form=form, status=400)


@login_required
@post_only("permits:permit", "permit_id")
def attendance_view(request: HttpRequest, permit_id: int) -> HttpResponse:
    _allowed(request)
    permit = selectors.permit_get(actor=request.user, permit_id=permit_id)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_log(actor=request.user, permit_id=permit.pk, **form.cleaned_data)
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Logged."))
            return redirect(reverse("permits:permit", args=[permit.pk]) + "#attendance")
    return _permit_page(request, permit, attendance_form=form, status=400)


@login_required
def permit_pdf_view(request: HttpRequest, permit_id: int) -> HttpResponse:
    _allowed(request)
    permit = selectors.permit_get(actor=request.user, permit_id=permit_id)
    user = permit.holder.user
    languages = ["es"] + (["en"] if user and user.preferred_language == "en" else [])
    data = permit_pdf(
        rows=_permit_rows(permit),
        number=permit.number,
        url=_verify_url(request, permit),
        languages=languages,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{permit.number}.pdf"'
    return response


def _check_page(request: HttpRequest, form: PermitCheckForm, permit: Permit | None, searched: bool):
    today = timezone.localdate()
    context: dict[str, Any] = {"form": form, "searched": searched, "permit": permit}
    if permit is not None:
        auth = selectors.application_pack(permit.application)[1]
        category = auth.category(permit.category)
        context.update(
            status=permit_status(permit.state, permit.valid_to, today),
            initials=initials(
                permit.holder.given_names, permit.holder.first_surname, permit.holder.second_surname
            ),
            category=pick(category.name.model_dump()) if category else "",
            condition=CONDITIONS[permit.condition],
            checked_at=timezone.now(),
        )
    return render(request, "permits/check.html", context)


@ratelimit(group="public_permit_check", key="ip", rate=public_page_rate, block=False)
def permit_check_view(request: HttpRequest) -> HttpResponse:
    """Anyone checks a permit by its printed number: valid, expired, suspended or revoked, with
    the holder's initials, the employer, the category and the condition, and nothing more."""
    if getattr(request, "limited", False):
        return too_many_requests(request)
    form = PermitCheckForm(request.GET or None)
    permit = None
    if form.is_valid():
        permit = selectors.permit_public(number=form.cleaned_data["number"])
    return _check_page(request, form, permit, form.is_valid())


@ratelimit(group="public_permit_check", key="ip", rate=public_page_rate, block=False)
def permit_check_token_view(request: HttpRequest, token: str) -> HttpResponse:
    """What the permit's QR code opens: the same check, by the unguessable token."""
    if getattr(request, "limited", False):
        return too_many_requests(request)
    permit = selectors.permit_public(token=token)
    return _check_page(request, PermitCheckForm(), permit, True)
