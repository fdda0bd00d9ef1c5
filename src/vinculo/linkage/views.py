"""The duplicate review pages: the queue of pairs with the batch check and its progress, a pair
side by side with the evidence, and the decisions (merge, undo, not the same person, fraud)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vinculo.core.access import user_can, user_can_in
from vinculo.core.converters import parse_id
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.permissions import Perm
from vinculo.core.selectors import jurisdictions_for
from vinculo.core.views import run_page
from vinculo.linkage import selectors, services
from vinculo.linkage.forms import ReasonForm, RunForm
from vinculo.linkage.models import Merge, PairStatus
from vinculo.registry.identity import FIELD_LABELS, LEVEL_LABELS, strength_label
from vinculo.registry.models import Worker
from vinculo.registry.selectors import record_values, worker_get

PAIRS_PER_PAGE = 25


def _allowed(request: HttpRequest) -> None:
    if not user_can(request.user, Perm.REVIEW_DUPLICATES):
        raise Http404


@login_required
def pair_list_view(request: HttpRequest) -> HttpResponse:
    """The queue, most probable first, and the batch check: start one, see the latest."""
    _allowed(request)
    jurisdictions = jurisdictions_for(actor=request.user, perm=Perm.REVIEW_DUPLICATES)
    form = RunForm(request.POST if request.method == "POST" else None, jurisdictions=jurisdictions)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            chosen = form.cleaned_data.get("jurisdiction")
            run = services.linkage_run_request(
                actor=request.user, jurisdiction=chosen.pk if chosen else None
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            return redirect("linkage:run", run_id=run.pk)
    shown = request.GET.get("status", PairStatus.OPEN)
    if shown not in PairStatus.values:
        shown = PairStatus.OPEN
    pairs = Paginator(selectors.pair_list(actor=request.user, status=shown), PAIRS_PER_PAGE)
    return render(
        request,
        "linkage/pair_list.html",
        {
            "form": form,
            "page": pairs.get_page(request.GET.get("page")),
            "statuses": PairStatus.choices,
            "shown": shown,
            "run": selectors.run_list(actor=request.user).first(),
        },
        status=400 if form.errors and status == 200 else status,
    )


@login_required
def run_view(request: HttpRequest, run_id: str) -> HttpResponse:
    run = selectors.run_get(actor=request.user, run_id=run_id)
    return run_page(
        request, run=run, page="linkage/run.html", progress="linkage/partials/run_progress.html"
    )


def _record(worker: Worker) -> dict[str, Any]:
    return {
        "worker": worker,
        "values": record_values(worker),
        "flag": selectors.fraud_flag_open(worker),
    }


def _pair_page(
    request: HttpRequest, pair: Any, *, error: str = "", status: int = 200, **forms: Any
) -> HttpResponse:
    a, b = _record(pair.worker_a), _record(pair.worker_b)
    by_field = {e.field: e for e in selectors.pair_evidence(pair)}
    rows = []
    for name, label in FIELD_LABELS.items():  # every field, its agreement where both have it
        agreement = by_field.get(name)
        rows.append(
            {
                "field": label,
                "a": a["values"][name],
                "b": b["values"][name],
                "level": LEVEL_LABELS[agreement.level] if agreement else "",
                "strength": strength_label(agreement.weight) if agreement else "",
                "weight": agreement.weight if agreement else None,
            }
        )
    merges = Merge.objects.filter(pair=pair).select_related(
        "survivor", "merged", "merged_by", "undone_by"
    )
    return render(
        request,
        "linkage/pair.html",
        {
            "pair": pair,
            "percent": round(pair.probability * 100),
            "a": a,
            "b": b,
            "records": [a, b],
            "rows": rows,
            "merges": merges,
            "open": pair.status == PairStatus.OPEN
            and not (pair.worker_a.merged_into_id or pair.worker_b.merged_into_id),
            "error": error,
            "distinct_form": forms.get("distinct_form") or ReasonForm(prefix="distinct"),
            "fraud_form": forms.get("fraud_form") or ReasonForm(prefix="fraud"),
            "fraud_for": forms.get("fraud_for"),
        },
        status=status,
    )


@login_required
def pair_view(request: HttpRequest, pair_id: int) -> HttpResponse:
    return _pair_page(request, selectors.pair_get(actor=request.user, pair_id=pair_id))


@login_required
@post_only("linkage:pair", "pair_id")
def pair_merge_view(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = selectors.pair_get(actor=request.user, pair_id=pair_id)
    keep = parse_id(request.POST.get("keep")) or 0  # 0 is no record: the service says so
    try:
        merge = services.pair_merge(pair=pair, keep_id=keep, actor=request.user)
    except DomainError as error:
        pair.refresh_from_db()
        return _pair_page(request, pair, error=str(error.message), status=error.status)
    messages.success(
        request,
        _("Merged into %(number)s. You can undo it below.")
        % {"number": merge.survivor.registration_number},
    )
    return redirect("linkage:pair", pair_id=pair.pk)


@login_required
@post_only("linkage:pair_list")
def merge_undo_view(request: HttpRequest, merge_id: int) -> HttpResponse:
    _allowed(request)
    merge = selectors.merge_get(actor=request.user, merge_id=merge_id)
    try:
        services.merge_undo(merge=merge, actor=request.user)
    except DomainError as error:
        return _pair_page(request, merge.pair, error=str(error.message), status=error.status)
    messages.success(request, _("The merge is undone: both records are back as they were."))
    return redirect("linkage:pair", pair_id=merge.pair_id)


@login_required
@post_only("linkage:pair", "pair_id")
def pair_distinct_view(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = selectors.pair_get(actor=request.user, pair_id=pair_id)
    form = ReasonForm(request.POST, prefix="distinct")
    if not form.is_valid():
        return _pair_page(request, pair, distinct_form=form, status=400)
    try:
        services.pair_distinct(pair=pair, reason=form.cleaned_data["reason"], actor=request.user)
    except DomainError as error:
        pair.refresh_from_db()
        return _pair_page(request, pair, error=str(error.message), status=error.status)
    messages.success(request, _("Marked as two different people. This pair will not come back."))
    return redirect("linkage:pair_list")


@login_required
def fraud_flag_panel_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    """A record's fraud flag, and for an official who may review the record's duplicates the
    form that raises or clears it: a section of the record's page (loaded into it), or a page of
    its own where the browser runs no script."""
    worker = worker_get(actor=request.user, worker_id=worker_id)
    context = {
        "worker": worker,
        "fraud_flag": selectors.fraud_flag_open(worker),
        "can_review": worker.merged_into_id is None
        and user_can_in(request.user, Perm.REVIEW_DUPLICATES, worker.jurisdiction_id),
    }
    if request.headers.get("HX-Request"):
        return render(request, "linkage/partials/fraud_flag.html", context)
    return render(request, "linkage/fraud_flag.html", context)


@login_required
@post_only("registry:worker_detail", "worker_id")
def fraud_flag_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    """Flag a record for fraud, or clear its flag, from a pair's page or the record's."""
    _allowed(request)
    worker = worker_get(actor=request.user, worker_id=worker_id)
    pair = None
    if request.POST.get("pair"):
        pair_id = parse_id(request.POST["pair"])
        if pair_id is None:
            raise Http404
        pair = selectors.pair_get(actor=request.user, pair_id=pair_id)
    form = ReasonForm(request.POST, prefix="fraud")
    clear = request.POST.get("action") == "clear"
    action = services.fraud_flag_clear if clear else services.fraud_flag_raise
    problem, status = "", 400
    if form.is_valid():
        try:
            action(worker=worker, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as error:
            problem, status = str(error.message), error.status
        else:
            messages.success(request, _("Flag cleared.") if clear else _("Flagged for fraud."))
            if pair is not None:
                return redirect("linkage:pair", pair_id=pair.pk)
            return redirect("registry:worker_detail", worker_id=worker.pk)
    if pair is not None:
        return _pair_page(
            request, pair, error=problem, status=status, fraud_form=form, fraud_for=worker.pk
        )
    messages.error(request, problem or _("Say why, for whoever reviews this later."))
    return redirect("registry:worker_detail", worker_id=worker.pk)
