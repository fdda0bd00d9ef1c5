from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from vinculo.core.access import user_can
from vinculo.core.permissions import Perm
from vinculo.registry.forms import WorkerFilterForm
from vinculo.registry.selectors import worker_list, worker_own
from vinculo.registry.services import worker_profile_view


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
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def worker_detail_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = worker_profile_view(actor=request.user, worker_id=worker_id)
    return render(request, "registry/worker_detail.html", {"worker": worker, "own": False})


@login_required
def me_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/worker_detail.html",
        {"worker": worker_own(actor=request.user), "own": True},
    )
