from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from vinculo.core.access import user_can
from vinculo.core.cells import csv_row
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.permissions import Perm
from vinculo.core.selectors import jurisdictions_for
from vinculo.core.views import run_page
from vinculo.imports import services
from vinculo.imports.domain import LAYOUTS
from vinculo.imports.forms import ImportForm
from vinculo.imports.layout_files import template_csv, template_xlsx
from vinculo.imports.models import ImportKind
from vinculo.imports.selectors import (
    import_error_list,
    import_get,
)
from vinculo.imports.selectors import (
    import_list as imports_visible,
)

ERRORS_PER_PAGE = 50


def _allowed(request: HttpRequest) -> None:
    if not user_can(request.user, Perm.IMPORT_REGISTRY):
        raise Http404


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    jurisdictions = jurisdictions_for(actor=request.user, perm=Perm.IMPORT_REGISTRY)
    form = ImportForm(request.POST or None, request.FILES or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("jurisdiction")
        try:
            run = services.import_request(
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                actor=request.user,
                jurisdiction_id=chosen.pk if chosen else None,
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
            for problem in error.details.get("columns", []):
                form.add_error(field, problem["message"])
        else:
            return redirect("imports:import_detail", import_id=run.pk)
    page = Paginator(imports_visible(actor=request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/import_list.html",
        {
            "form": form,
            "page": page,
            "kinds": ImportKind.choices,
        },
        status=400 if form.errors else 200,
    )


@login_required
def import_detail(request: HttpRequest, import_id: str) -> HttpResponse:
    run = import_get(actor=request.user, import_id=import_id)
    errors = Paginator(import_error_list(run=run), ERRORS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return run_page(
        request,
        run=run,
        page="imports/import_detail.html",
        progress="imports/partials/import_progress.html",
        errors=errors,
    )


@login_required
@post_only("imports:import_detail", "import_id")
def import_retry(request: HttpRequest, import_id: str) -> HttpResponse:
    run = import_get(actor=request.user, import_id=import_id)
    services.import_retry(run=run, actor=request.user)
    return redirect("imports:import_detail", import_id=run.pk)


@login_required
def import_errors_csv(request: HttpRequest, import_id: str) -> StreamingHttpResponse:
    run = import_get(actor=request.user, import_id=import_id)
    language = translation.get_language()

    class Echo:
        def write(self, value: str) -> str:
            return value

    def lines() -> Iterator[str]:
        # Streamed after the view returns: keep the reader's language for every line.
        with translation.override(language):
            writer = csv.writer(Echo())
            yield "\ufeff" + writer.writerow([_("row"), _("column"), _("code"), _("problem")])
            for error in import_error_list(run=run).iterator(chunk_size=2000):
                # The column name and the message quote the file's own cells: never a formula.
                yield writer.writerow(csv_row([error.row, error.column, error.code, error.message]))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="vinculo-import-{run.created_at:%Y%m%d-%H%M}-errors.csv"'
    )
    return response


@login_required
def import_template(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    _allowed(request)
    if kind not in LAYOUTS or file_format not in ("csv", "xlsx"):
        raise Http404
    if file_format == "csv":
        body, content_type = template_csv(kind), "text/csv; charset=utf-8"
    else:
        body = template_xlsx(kind)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="vinculo-{kind}.{file_format}"'
    return response
