from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from vinculo.core import services
from vinculo.core.access import user_can
from vinculo.core.decorators import post_only
from vinculo.core.forms import AuditFilterForm
from vinculo.core.permissions import Perm
from vinculo.core.runs import Run, RunStatus
from vinculo.core.selectors import audit_event_list, export_get, organisation_own_list


@login_required
def my_organisation(request: HttpRequest) -> HttpResponse:
    organisations = organisation_own_list(actor=request.user)
    if not organisations:
        raise Http404
    return render(request, "core/my_organisation.html", {"organisations": organisations})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Perm.VIEW_AUDIT_LOG):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    events = audit_event_list(actor=request.user, filters=form.to_filter())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
@post_only("core:audit_list")
def audit_export(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Perm.VIEW_AUDIT_LOG):
        raise Http404
    form = AuditFilterForm(request.POST)
    if not form.is_valid():
        # Back to the list, which shows the errors by their fields: never the whole log instead.
        query = {name: request.POST.get(name, "") for name in form.fields}
        return redirect(f"{reverse('core:audit_list')}?{urlencode(query)}")
    export = services.export_request(
        kind="audit_log", params=form.to_filter().as_params(), actor=request.user
    )
    return redirect("core:export_detail", export_id=export.pk)


def run_page(
    request: HttpRequest, *, run: Run, page: str, progress: str, **context: object
) -> HttpResponse:
    """The page of a background run, or, when htmx polls it, only its progress partial (a
    template extending core/partials/run_progress.html). Every run's page answers the same way."""
    polled = request.headers.get("HX-Request") == "true"
    return render(request, progress if polled else page, {"run": run, **context})


@login_required
def export_detail(request: HttpRequest, export_id: str) -> HttpResponse:
    export = export_get(actor=request.user, export_id=export_id)
    return run_page(
        request,
        run=export,
        page="core/export_detail.html",
        progress="core/partials/export_progress.html",
    )


@login_required
@post_only("core:export_detail", "export_id")
def export_retry(request: HttpRequest, export_id: str) -> HttpResponse:
    export = export_get(actor=request.user, export_id=export_id)
    services.export_retry(export=export, actor=request.user)
    return redirect("core:export_detail", export_id=export.pk)


@login_required
def export_download(request: HttpRequest, export_id: str) -> FileResponse:
    export = export_get(actor=request.user, export_id=export_id)
    if export.status != RunStatus.DONE:
        raise Http404
    services.export_downloaded(export=export, actor=request.user)
    return FileResponse(
        open(services.export_path(export), "rb"),
        as_attachment=True,
        filename=f"vinculo-{export.kind}-{export.created_at:%Y%m%d-%H%M}.csv",
        content_type="text/csv",
    )
