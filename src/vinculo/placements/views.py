"""Placement pages: a caseworker's list of the jurisdiction's placements, and one placement's
journey, timeline and next moves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from vinculo.core.access import user_can, user_can_in
from vinculo.core.converters import parse_id
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.permissions import Perm
from vinculo.core.uploads import evidence_response
from vinculo.placements import documents, selectors, services
from vinculo.placements import terms as contract_terms
from vinculo.placements.domain import (
    BRING,
    REGION_CURRENCIES,
    STATES,
    Mismatch,
    Step,
    Worry,
    next_step,
)
from vinculo.placements.forms import (
    AttendanceForm,
    CheckInForm,
    ContractCodeForm,
    EvaluationForm,
    FeeForm,
    RatesForm,
    RefundForm,
    RosterForm,
    TermsFoundForm,
)
from vinculo.placements.models import Contract, EvaluationSide, Placement
from vinculo.reference.countries import country_name
from vinculo.web.ratelimit import public_page_rate, too_many_requests

PER_PAGE = 25


def _allowed(request: HttpRequest) -> None:
    if not user_can(request.user, Perm.MANAGE_PLACEMENTS):
        raise Http404


@login_required
def placement_list_view(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    placements = selectors.placement_list(actor=request.user)
    shown = request.GET.get("step", "")
    if shown in dict(STATES):
        placements = placements.filter(state=shown)
    else:
        shown = ""
    order = None
    order_id = parse_id(request.GET.get("order"))
    if order_id is not None:
        order = selectors.placement_order(actor=request.user, order_id=order_id)
        placements = placements.filter(order=order)
    query = "&".join(
        f"{name}={value}"
        for name, value in (("step", shown), ("order", order and order.pk))
        if value
    )
    page = Paginator(placements, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "placements/list.html",
        {
            "page": page,
            "steps": STATES,
            "targets": [(code, label) for code, label in STATES if code != Step.SELECTED],
            "shown": shown,
            "order": order,
            "query": query,
        },
    )


@login_required
@post_only("placements:list")
def placement_bulk_view(request: HttpRequest) -> HttpResponse:
    """Move the placements ticked on the list to one step together; the page lists those moved
    and those refused, each with its reason."""
    _allowed(request)
    ids = [i for i in map(parse_id, request.POST.getlist("placement")) if i is not None]
    to = request.POST.get("to", "")
    if not ids or to not in dict(STATES):
        messages.error(request, _("Tick the placements to move and choose the step."))
        return redirect("placements:list")
    outcomes = services.placement_move_bulk(
        actor=request.user, placement_ids=ids, to=to, reason=request.POST.get("reason", "")
    )
    names = selectors.placement_names(actor=request.user, placement_ids=ids)
    return render(
        request,
        "placements/bulk.html",
        {
            "to": dict(STATES)[to],
            "moved": [(o, names.get(o.placement_id, "")) for o in outcomes if o.moved],
            "refused": [(o, names.get(o.placement_id, "")) for o in outcomes if not o.moved],
        },
    )


def _fee_form(placement: Placement, data: Any = None, files: Any = None) -> FeeForm:
    return FeeForm(
        data,
        files,
        currencies=_currencies(placement),
        initial={"currency": placement.order.wage_currency},
    )


def _currencies(placement: Placement) -> list[str]:
    return list(dict.fromkeys([placement.order.wage_currency, *REGION_CURRENCIES]))


def _checkin_form(placement: Placement, data: Any = None) -> CheckInForm:
    return CheckInForm(
        data,
        currencies=_currencies(placement),
        initial={"pay_currency": placement.order.wage_currency},
    )


def _indicator_shown(placement: Placement) -> selectors.Indicator:
    return selectors.placement_indicator_of(placement, selectors.reference_rates())


def _labelled(followups: Any) -> list[Any]:
    """Follow-ups, each with the labels of its worrying answers."""
    shown = list(followups)
    for followup in shown:
        followup.worries = [Worry(reason).label for reason in followup.reasons]
    return shown


def _fees_shown(fees: Any) -> list[Any]:
    """The costs, each with its finding's explanation in the reader's language."""
    lang = get_language()[:2]
    shown = list(fees)
    for fee in shown:
        words = fee.finding.get("explanation") or {}
        fee.explained = words.get(lang) or words.get("en", "")
        fee.refund_form = RefundForm(prefix=_refund_prefix(fee.pk))
    return shown


def _refund_prefix(fee_id: int) -> str:
    """Each cost's refund form has fields of its own (one page holds several)."""
    return f"refund-{fee_id}"


def _page(
    request: HttpRequest,
    placement: Placement,
    *,
    error: str = "",
    status: int = 200,
    fee_form: FeeForm | None = None,
    checkin_form: CheckInForm | None = None,
    evaluation_form: EvaluationForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "placements/detail.html",
        {
            "placement": placement,
            "journey": selectors.placement_journey(placement),
            "moves": selectors.placement_moves_available(actor=request.user, placement=placement),
            "events": placement.events.select_related("actor"),
            "contract": selectors.placement_contract(placement),
            "may_sign": placement.state == Step.CONTRACT_OFFERED,
            "checks": selectors.placement_checks(placement),
            "fees": _fees_shown(selectors.placement_fees(placement)),
            "fee_form": fee_form or _fee_form(placement),
            "checkins": placement.checkins.select_related("answered_by"),
            "next_checkin": placement.checkins.filter(answered_at=None).first(),
            "checkin_form": checkin_form or _checkin_form(placement),
            "followups": _labelled(placement.followups.select_related("checkin", "closed_by")),
            "indicator": _indicator_shown(placement),
            "evaluations": placement.evaluations.select_related("by"),
            "may_evaluate": placement.state in services.EVALUABLE
            and not placement.evaluations.filter(side=EvaluationSide.CASEWORKER).exists(),
            "evaluation_form": evaluation_form or EvaluationForm(),
            "attendance": placement.attendance.all(),
            "error": error,
        },
        status=status,
    )


@login_required
def placement_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _allowed(request)
    return _page(request, selectors.placement_get(actor=request.user, placement_id=placement_id))


@login_required
@post_only("placements:detail", "placement_id")
def placement_move_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _allowed(request)
    try:
        placement = services.placement_move(
            actor=request.user,
            placement_id=placement_id,
            to=request.POST.get("to", ""),
            reason=request.POST.get("reason", ""),
            expected=request.POST.get("expected_state") or None,
        )
    except DomainError as error:
        placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
        return _page(request, placement, error=str(error.message), status=error.status)
    messages.success(request, _("Step recorded."))
    return redirect("placements:detail", placement_id=placement.pk)


@login_required
def flags_view(request: HttpRequest) -> HttpResponse:
    """An official's queue of contracts caught substituted, oldest first, and those cleared."""
    if not user_can(request.user, Perm.CLEAR_SUBSTITUTION_FLAGS):
        raise Http404
    shown = "cleared" if request.GET.get("state") == "cleared" else "flagged"
    checks = selectors.substitution_flags(actor=request.user, state=shown)
    page = Paginator(checks, PER_PAGE).get_page(request.GET.get("page"))
    lang = get_language()[:2]
    for check in page:
        check.worse_terms = [
            contract_terms.say(c["field"], lang) for c in check.changes if c["verdict"] == "worse"
        ]
    return render(
        request,
        "placements/flags.html",
        {"page": page, "shown": shown, "query": f"state={shown}"},
    )


# --- costs the worker paid ---


def _record_cost(request: HttpRequest, placement: Placement) -> tuple[FeeForm, Any]:
    """The cost posted: the form, and the cost recorded (None when refused, the form says why)."""
    form = _fee_form(placement, request.POST, request.FILES)
    if not form.is_valid():
        return form, None
    try:
        fee = services.fee_record(
            actor=request.user, placement_id=placement.pk, **form.cleaned_data
        )
    except DomainError as error:
        form.add_error(error.field or None, str(error.message))
        return form, None
    return form, fee


@login_required
@post_only("placements:detail", "placement_id")
def fee_record_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _allowed(request)
    placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
    form, fee = _record_cost(request, placement)
    if fee is not None:
        if fee.state == "violation":
            messages.error(request, _("Recorded, as a violation: the employer must refund it."))
        else:
            messages.success(request, _("Cost recorded."))
        return redirect(reverse("placements:detail", args=[placement.pk]) + "#costs")
    return _page(request, placement, fee_form=form, status=400)


@login_required
@post_only("placements:list")
def fee_refund_view(request: HttpRequest, fee_id: int) -> HttpResponse:
    _allowed(request)
    fee = selectors.fee_get(actor=request.user, fee_id=fee_id)
    form = RefundForm(request.POST, request.FILES, prefix=_refund_prefix(fee.pk))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.fee_refund(
                actor=request.user,
                fee_id=fee.pk,
                refunded_on=form.cleaned_data["refunded_on"],
                evidence=form.cleaned_data["evidence"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Refund recorded: the violation is closed."))
    return redirect(reverse("placements:detail", args=[fee.placement_id]) + "#costs")


@login_required
def fee_evidence_view(request: HttpRequest, fee_id: int, which: str) -> HttpResponse:
    """A receipt, for whoever may see the cost (its worker, the placement's authority)."""
    fee = selectors.fee_get(actor=request.user, fee_id=fee_id)
    return evidence_response(fee.refund_evidence if which == "refund" else fee.evidence)


# --- while away ---


def _answer(request: HttpRequest, placement: Placement, checkin: Any) -> tuple[CheckInForm, Any]:
    """The check-in's answers posted: the form, and the check-in answered (None when refused,
    the form then says why)."""
    form = _checkin_form(placement, request.POST)
    if not form.is_valid():
        return form, None
    try:
        answered = services.checkin_answer(
            actor=request.user, checkin_id=checkin.pk, **form.answers()
        )
    except DomainError as error:
        form.add_error(error.field or None, str(error.message))
        return form, None
    return form, answered


@login_required
@post_only("placements:list")
def checkin_answer_view(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """A caseworker records the answers the worker gave on a call."""
    _allowed(request)
    checkin = selectors.checkin_get(actor=request.user, checkin_id=checkin_id)
    placement = checkin.placement
    form, answered = _answer(request, placement, checkin)
    if answered is not None:
        if hasattr(answered, "followup"):
            messages.error(request, _("Answers recorded: a follow-up is on the queue."))
        else:
            messages.success(request, _("Answers recorded."))
        return redirect(reverse("placements:detail", args=[placement.pk]) + "#checkins")
    return _page(request, placement, checkin_form=form, status=400)


@login_required
@post_only("placements:queue")
def followup_close_view(request: HttpRequest, followup_id: int) -> HttpResponse:
    _allowed(request)
    try:
        services.followup_close(
            actor=request.user, followup_id=followup_id, outcome=request.POST.get("outcome", "")
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Follow-up closed."))
    return redirect("placements:queue")


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    """A caseworker's queue: worrying check-ins first, then steps past a deadline of their
    programme's pack and check-ins gone unanswered (the latest first), then workers whose
    employer's attendance log and journey disagree."""
    _allowed(request)
    today = timezone.localdate()
    overdue = [
        (checkin, (today - checkin.due_on).days)
        for checkin in selectors.checkins_overdue(actor=request.user, today=today)[:200]
    ]
    return render(
        request,
        "placements/queue.html",
        {
            "followups": _labelled(selectors.followups_open(actor=request.user)[:200]),
            "late_steps": selectors.deadlines_overdue(actor=request.user, today=today)[:200],
            "overdue": overdue,
            "mismatches": [
                (placement, Mismatch(code).label)
                for placement, code in selectors.attendance_mismatches(
                    actor=request.user, today=today
                )
            ],
        },
    )


@login_required
def indicator_view(request: HttpRequest) -> HttpResponse:
    """SDG indicator 10.7.1 by corridor and programme, with a chart of the three figures."""
    _allowed(request)
    rows = selectors.corridor_figures(actor=request.user)
    lang = get_language()[:2]
    # One bar a figure of each corridor (the chart stacks series, so one series).
    stats = (
        (_("Mean"), "mean"),
        (_("Median"), "median"),
        (_("Fourth quintile"), "fourth_quintile"),
    )
    corridor = [
        f"{country_name(r.origin, lang)} → {country_name(r.destination, lang)}"
        + (f" ({r.programme})" if r.programme else "")
        for r in rows
    ]
    chart = {
        "labels": [f"{name} · {label}" for name in corridor for label, _field in stats],
        "series": [
            {
                "label": str(_("Share of a month of pay, in per cent")),
                "data": [
                    float(getattr(r.figure, field) or 0) * 100 for r in rows for _l, field in stats
                ],
            }
        ],
    }
    return render(request, "placements/indicator.html", {"rows": rows, "chart": chart})


# --- exchange rates ---


@login_required
def rates_view(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Perm.KEEP_EXCHANGE_RATES):
        raise Http404
    form = RatesForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.rates_import(actor=request.user, text=form.cleaned_data["file"])
            except DomainError as error:
                form.add_error("file", str(error.message))
        if result is None or result.errors:
            status = 400
        else:
            messages.success(
                request,
                _("%(added)s rates added, %(unchanged)s already recorded.")
                % {"added": result.added, "unchanged": result.unchanged},
            )
            return redirect("placements:rates")
    page = Paginator(selectors.exchange_rates(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "placements/rates.html",
        {"form": form, "result": result, "page": page, "query": ""},
        status=status,
    )


# --- the contract --------------------------------------------------------------------------------


def _verify_url(request: HttpRequest, contract: Contract) -> str:
    url = request.build_absolute_uri(reverse("placements:contract_verify"))
    return f"{url}?code={contract.code}"


def _contract_or_404(placement: Placement) -> Contract:
    contract = selectors.placement_contract(placement)
    if contract is None:
        raise Http404
    return contract


def _document(contract: Contract) -> list[tuple[str, list[tuple[str, str]]]]:
    """The contract in each of its languages: (language, its lines)."""
    return [(lang, contract_terms.document(contract.terms, lang)) for lang in contract.languages]


def _side_by_side(changes: list[dict]) -> list[dict]:
    lang = get_language()[:2]
    return [
        {
            **change,
            "label": contract_terms.say(change["field"], lang),
            "offered_shown": contract_terms.shown(change["field"], change["offered"], lang),
            "found_shown": contract_terms.shown(change["field"], change["found"], lang),
        }
        for change in changes
    ]


@login_required
def contract_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    """The contract as the worker reads it before signing, in each of its languages, and every
    later document compared with it, side by side."""
    _allowed(request)
    placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
    contract = _contract_or_404(placement)
    checks = [
        (check, _side_by_side(check.changes)) for check in selectors.placement_checks(placement)
    ]
    since = selectors.changes_since_last_season(placement, contract)
    since_last = None if since is None else _side_by_side([vars(c) for c in since])
    return render(
        request,
        "placements/contract.html",
        {
            "placement": placement,
            "contract": contract,
            "document": _document(contract),
            "checks": checks,
            "since_last": since_last,
            "may_clear": user_can_in(
                request.user, Perm.CLEAR_SUBSTITUTION_FLAGS, placement.jurisdiction_id
            ),
            "verify_url": _verify_url(request, contract),
        },
    )


def _contract_pdf(request: HttpRequest, placement: Placement) -> HttpResponse:
    contract = _contract_or_404(placement)
    signed = (
        timezone.localtime(contract.signed_at).date().isoformat() if contract.signed_at else "—"
    )
    pdf = documents.contract_pdf(
        terms=contract.terms,
        languages=contract.languages,
        worker=placement.worker.full_name,
        job=placement.order.title,
        version=contract.version,
        digest=contract.digest,
        code=contract.code,
        verify_url=_verify_url(request, contract),
        signed=signed,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{contract.code}-v{contract.version}.pdf"'
    return response


@login_required
def contract_pdf_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _allowed(request)
    placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
    return _contract_pdf(request, placement)


@login_required
@post_only("placements:detail", "placement_id")
def contract_sign_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _allowed(request)
    try:
        services.contract_sign(actor=request.user, placement_id=placement_id)
    except DomainError as error:
        placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
        return _page(request, placement, error=str(error.message), status=error.status)
    messages.success(request, _("Signature recorded: the contract is signed."))
    return redirect("placements:detail", placement_id=placement_id)


@login_required
def terms_check_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    """A later contract document, or a change of terms, entered and compared with the offer."""
    _allowed(request)
    placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
    offer = selectors.placement_contract(placement, first=True)
    if offer is None:
        raise Http404
    form = TermsFoundForm(
        request.POST if request.method == "POST" else None,
        initial=TermsFoundForm.initial_from(offer.terms),
    )
    if request.method == "POST" and form.is_valid():
        check = services.terms_check(
            actor=request.user,
            placement_id=placement.pk,
            found=form.terms(),
            where=form.cleaned_data["where"],
        )
        if check.state == "flagged":
            messages.error(
                request, _("A term is worse for the worker: the placement is blocked and flagged.")
            )
        else:
            messages.success(
                request, _("No term is worse for the worker: the document is recorded.")
            )
        return redirect(reverse("placements:contract", args=[placement.pk]) + f"#check-{check.pk}")
    return render(
        request,
        "placements/terms_check.html",
        {"placement": placement, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@post_only("placements:list")
def terms_check_clear_view(request: HttpRequest, check_id: int) -> HttpResponse:
    _allowed(request)
    try:
        check = services.terms_check_clear(
            actor=request.user, check_id=check_id, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        check = selectors.terms_check_get(actor=request.user, check_id=check_id)
    else:
        messages.success(request, _("Flag cleared: the placement may go on."))
    return redirect(
        reverse("placements:contract", args=[check.placement_id]) + f"#check-{check.pk}"
    )


@ratelimit(group="public_contract_verify", key="ip", rate=public_page_rate, block=False)
def contract_verify_view(request: HttpRequest) -> HttpResponse:
    """The public check of a contract, which its QR code opens: whether it is real, its version
    and fingerprint, whether it is signed and whether a later contract was caught substituting
    it. No personal data: the worker's name is not shown."""
    if getattr(request, "limited", False):
        return too_many_requests(request)
    form = ContractCodeForm(request.GET or None)
    contract = None
    if form.is_valid():
        contract = selectors.contract_by_code(code=form.cleaned_data["code"])
    return render(
        request,
        "placements/verify.html",
        {
            "form": form,
            "searched": form.is_valid(),
            "contract": contract,
            "lines": contract_terms.document(contract.terms, get_language()[:2])
            if contract
            else [],
            "flagged": contract is not None and contract.checks.filter(state="flagged").exists(),
            "checked_at": timezone.now(),
        },
    )


# --- the worker's own journey ---


def _mine(request: HttpRequest, placement_id: int) -> Placement:
    return selectors.placement_of_worker(actor=request.user, placement_id=placement_id)


def _journey_page(
    request: HttpRequest,
    placement: Placement | None,
    *,
    fee_form: FeeForm | None = None,
    checkin_form: CheckInForm | None = None,
    code_error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"placement": placement}
    if placement is not None:
        today = timezone.localdate()
        following = (
            next_step(placement.steps, placement.state)
            if placement.state in placement.steps
            else None
        )
        checkin = placement.checkins.filter(answered_at=None, due_on__lte=today).first()
        contract = selectors.placement_contract(placement)
        context.update(
            journey=selectors.placement_journey(placement),
            following=Step(following).label if following else None,
            bring=BRING.get(following) if following else None,
            contract=contract,
            may_sign=contract is not None
            and contract.signed_at is None
            and placement.state == Step.CONTRACT_OFFERED,
            code_sent=contract is not None and bool(contract.code_hash),
            code_error=code_error,
            fees=_fees_shown(selectors.placement_fees(placement)),
            fee_form=fee_form or _fee_form(placement),
            checkin=checkin,
            checkin_form=checkin_form or _checkin_form(placement),
            answered=placement.checkins.exclude(answered_at=None).order_by("-answered_at"),
            caseworker=selectors.caseworker_of(placement),
            others=selectors.placements_of_worker(actor=request.user).exclude(pk=placement.pk),
        )
    return render(request, "placements/mine.html", context, status=status)


@login_required
def mine_view(request: HttpRequest) -> HttpResponse:
    """The worker's journey, on their phone: where it is, what comes next and what to bring, the
    contract to read and sign, the costs they paid, their check-ins and whom to call."""
    return _journey_page(request, selectors.placements_of_worker(actor=request.user).first())


@login_required
def mine_detail_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    return _journey_page(request, _mine(request, placement_id))


@login_required
def mine_contract_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = _mine(request, placement_id)
    contract = _contract_or_404(placement)
    return render(
        request,
        "placements/my_contract.html",
        {
            "placement": placement,
            "contract": contract,
            "document": _document(contract),
            "verify_url": _verify_url(request, contract),
        },
    )


@login_required
def mine_contract_pdf_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    return _contract_pdf(request, _mine(request, placement_id))


@login_required
@post_only("placements:mine")
def mine_code_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = _mine(request, placement_id)
    try:
        services.contract_code_send(actor=request.user, placement_id=placement.pk)
    except DomainError as error:
        return _journey_page(request, placement, code_error=str(error.message), status=error.status)
    messages.success(request, _("We sent you a code. Type it below to sign."))
    return redirect(reverse("placements:mine_detail", args=[placement.pk]) + "#contract")


@login_required
@post_only("placements:mine")
def mine_sign_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = _mine(request, placement_id)
    try:
        services.contract_sign_by_code(
            actor=request.user, placement_id=placement.pk, code=request.POST.get("code", "")
        )
    except DomainError as error:
        return _journey_page(request, placement, code_error=str(error.message), status=error.status)
    messages.success(request, _("You signed the contract."))
    return redirect(reverse("placements:mine_detail", args=[placement.pk]))


@login_required
@post_only("placements:mine")
def mine_fee_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = _mine(request, placement_id)
    form, fee = _record_cost(request, placement)
    if fee is not None:
        messages.success(request, _("Thank you: the cost is recorded. Keep the receipt."))
        return redirect(reverse("placements:mine_detail", args=[placement.pk]) + "#costs")
    return _journey_page(request, placement, fee_form=form, status=400)


@login_required
@post_only("placements:mine")
def mine_checkin_view(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = selectors.checkin_get(actor=request.user, checkin_id=checkin_id)
    placement = _mine(request, checkin.placement_id)
    form, answered = _answer(request, placement, checkin)
    if answered is not None:
        if hasattr(answered, "followup"):
            messages.success(request, _("Thank you. A caseworker will contact you soon."))
        else:
            messages.success(request, _("Thank you for your answers."))
        return redirect(reverse("placements:mine_detail", args=[placement.pk]))
    return _journey_page(request, placement, checkin_form=form, status=400)


# --- the employer's side ---


def _host(request: HttpRequest) -> None:
    if not user_can(request.user, Perm.HOST_PLACED_WORKERS):
        raise Http404


@login_required
def hosted_view(request: HttpRequest) -> HttpResponse:
    """The employer's placed workers, with a roster upload of arrivals and departures."""
    _host(request)
    roster = RosterForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and roster.is_valid():
        try:
            errors = services.attendance_roster(
                actor=request.user, text=roster.cleaned_data["file"]
            )
        except DomainError as error:
            roster.add_error("file", str(error.message))
        if not errors and not roster.errors:
            messages.success(request, _("Roster recorded."))
            return redirect("placements:hosted")
    page = Paginator(selectors.hosted_placements(actor=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "placements/hosted.html",
        {"page": page, "roster": roster, "errors": errors, "query": ""},
        status=400 if request.method == "POST" else 200,
    )


def _hosted_page(
    request: HttpRequest,
    placement: Placement,
    *,
    attendance_form: AttendanceForm | None = None,
    evaluation_form: EvaluationForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    evaluated = placement.evaluations.filter(side=EvaluationSide.EMPLOYER).first()
    return render(
        request,
        "placements/hosted_detail.html",
        {
            "placement": placement,
            "journey": selectors.placement_journey(placement),
            "contract": selectors.placement_contract(placement),
            "attendance": placement.attendance.all(),
            "attendance_form": attendance_form or AttendanceForm(),
            "evaluation": evaluated,
            "may_evaluate": evaluated is None and placement.state in services.EVALUABLE,
            "evaluation_form": evaluation_form or EvaluationForm(),
            "may_rehire": placement.state == Step.EVALUATED and evaluated and evaluated.rehire,
            "next_orders": selectors.rehire_orders(actor=request.user, placement=placement),
            "error": error,
        },
        status=status,
    )


@login_required
def hosted_detail_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _host(request)
    return _hosted_page(
        request, selectors.hosted_get(actor=request.user, placement_id=placement_id)
    )


@login_required
@post_only("placements:hosted")
def attendance_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _host(request)
    placement = selectors.hosted_get(actor=request.user, placement_id=placement_id)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_log(
                actor=request.user, placement_id=placement.pk, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field or None, str(error.message))
        else:
            messages.success(request, _("Logged."))
            return redirect("placements:hosted_detail", placement_id=placement.pk)
    return _hosted_page(request, placement, attendance_form=form, status=400)


def _evaluate(
    request: HttpRequest, placement: Placement, side: str
) -> DomainError | EvaluationForm:
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return form
    try:
        services.evaluation_record(
            actor=request.user,
            placement_id=placement.pk,
            side=side,
            rehire=form.cleaned_data["rehire"] == "yes",
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as error:
        return error
    messages.success(request, _("Evaluation recorded."))
    return form


@login_required
@post_only("placements:hosted")
def hosted_evaluate_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _host(request)
    placement = selectors.hosted_get(actor=request.user, placement_id=placement_id)
    outcome = _evaluate(request, placement, EvaluationSide.EMPLOYER)
    if isinstance(outcome, DomainError):
        return _hosted_page(request, placement, error=str(outcome.message), status=outcome.status)
    if outcome.errors:
        return _hosted_page(request, placement, evaluation_form=outcome, status=400)
    return redirect("placements:hosted_detail", placement_id=placement.pk)


@login_required
@post_only("placements:detail", "placement_id")
def evaluate_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    """The caseworker's evaluation of the season."""
    _allowed(request)
    placement = selectors.placement_get(actor=request.user, placement_id=placement_id)
    outcome = _evaluate(request, placement, EvaluationSide.CASEWORKER)
    if isinstance(outcome, DomainError):
        return _page(request, placement, error=str(outcome.message), status=outcome.status)
    if outcome.errors:
        return _page(request, placement, evaluation_form=outcome, status=400)
    return redirect("placements:detail", placement_id=placement.pk)


@login_required
@post_only("placements:hosted")
def rehire_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    _host(request)
    placement = selectors.hosted_get(actor=request.user, placement_id=placement_id)
    order_id = parse_id(request.POST.get("order"))
    if order_id is None:
        return _hosted_page(request, placement, error=_("Choose the order."), status=400)
    try:
        new = services.rehire_by_name(
            actor=request.user, placement_id=placement.pk, order_id=order_id
        )
    except DomainError as error:
        return _hosted_page(request, placement, error=str(error.message), status=error.status)
    messages.success(request, _("Asked back by name: the new season's placement is open."))
    return redirect("placements:hosted_detail", placement_id=new.pk)
