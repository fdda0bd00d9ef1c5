"""Matching pages: the explained ranking a caseworker shortlists from (with the equity option),
the batch matching with its progress, and a worker's recommended vacancies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from vinculo.core.access import user_can
from vinculo.core.converters import parse_id
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.permissions import Perm
from vinculo.core.selectors import jurisdictions_for
from vinculo.core.views import run_page
from vinculo.matching import ranking, selectors, services
from vinculo.matching.models import Candidacy, CandidacyStatus
from vinculo.registry.models import Worker


@login_required
def ranking_view(request: HttpRequest, order_id: int) -> HttpResponse:
    equity = request.GET.get("equity") == "1"
    try:
        order, result = selectors.ranking_for(actor=request.user, order_id=order_id, equity=equity)
    except DomainError:
        raise Http404 from None
    workers = Worker.objects.in_bulk([m.worker_id for m in result.matches])
    shortlisted = {
        worker_id: CandidacyStatus(status).label
        for worker_id, status in order.candidacies.values_list("worker_id", "status")
    }
    rows = [(m, workers.get(m.worker_id), shortlisted.get(m.worker_id)) for m in result.matches]
    top = max((m.total for m in result.matches), default=1)
    return render(
        request,
        "matching/ranking.html",
        {
            "order": order,
            "ranking": result,
            "rows": rows,
            "equity": equity,
            "top": top or 1,
            "filters": ranking.FILTER_TEXTS.values(),
            "fairness": selectors.fairness_audit(order),
        },
    )


@login_required
def order_candidates_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """A job order's candidates, for its filer to select among, and the fairness audit, for an
    official who may shortlist: a section of the order's page (loaded into it), or a page of its
    own where the browser runs no script."""
    found = selectors.order_candidates(actor=request.user, order_id=order_id)
    order = found.order
    context = {
        "order": order,
        "candidacies": found.candidacies,
        "fairness": selectors.fairness_audit(order) if found.can_rank else None,
        "stored": selectors.stored_recommendations(order) if found.can_rank else None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "matching/partials/order_candidates.html", context)
    return render(request, "matching/order_candidates.html", context)


@login_required
@post_only("matching:ranking", "order_id")
def shortlist_view(request: HttpRequest, order_id: int) -> HttpResponse:
    try:
        services.candidacy_shortlist(
            actor=request.user, order_id=order_id, worker_id=parse_id(request.POST.get("worker"))
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Shortlisted: the employer can now see this candidate."))
    suffix = "?equity=1" if request.POST.get("equity") == "1" else ""
    return redirect(reverse("matching:ranking", args=[order_id]) + suffix)


@login_required
@post_only("jobs:order_list")
def decide_view(request: HttpRequest, candidacy_id: int) -> HttpResponse:
    candidacy = Candidacy.objects.filter(pk=candidacy_id).first()
    if candidacy is None:
        raise Http404
    try:
        to = request.POST.get("to")
        if to not in (CandidacyStatus.SELECTED, CandidacyStatus.NOT_SELECTED):
            raise Http404
        if to == CandidacyStatus.SELECTED:
            services.candidacy_select(actor=request.user, candidacy_id=candidacy_id)
            messages.success(request, _("Selected."))
        else:
            services.candidacy_not_select(
                actor=request.user, candidacy_id=candidacy_id, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Recorded as not selected."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("jobs:order_detail", order_id=candidacy.order_id)


@login_required
def run_list_view(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Perm.SHORTLIST_CANDIDATES):
        raise Http404
    jurisdictions = jurisdictions_for(actor=request.user, perm=Perm.SHORTLIST_CANDIDATES)
    if request.method == "POST":
        try:
            run = services.match_run_request(
                actor=request.user, jurisdiction=request.POST.get("jurisdiction") or None
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            return redirect("matching:run", run_id=run.pk)
    runs = selectors.match_runs(actor=request.user)[:10]
    return render(request, "matching/runs.html", {"runs": runs, "jurisdictions": jurisdictions})


@login_required
def run_view(request: HttpRequest, run_id: str) -> HttpResponse:
    run = selectors.match_run_get(actor=request.user, run_id=run_id)
    return run_page(
        request, run=run, page="matching/run.html", progress="matching/run_progress.html"
    )


def _own_worker(request: HttpRequest) -> Worker:
    worker = Worker.objects.filter(user=request.user).first()
    if worker is None or not user_can(request.user, Perm.APPLY_FOR_VACANCIES):
        raise Http404
    return worker.merged_into or worker


@login_required
def my_vacancies_view(request: HttpRequest) -> HttpResponse:
    worker = _own_worker(request)
    return render(
        request,
        "matching/my_vacancies.html",
        {"worker": worker, "recommended": selectors.recommended_for(worker=worker)},
    )


@login_required
@post_only("matching:my_vacancies")
def apply_view(request: HttpRequest, order_id: int) -> HttpResponse:
    worker = _own_worker(request)
    try:
        services.candidacy_apply(worker=worker, order_id=order_id)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Application sent. The programme's caseworkers will see it."))
    return redirect("matching:my_vacancies")
