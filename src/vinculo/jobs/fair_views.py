"""Job-fair pages: the organisers' list with each fair's figures, a fair with its employers and
vacancies, and the public page of a fair's vacancies. The kiosk is the desk registration page
opened for a fair (registry.views.register_worker_view with ?fair=)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from vinculo.core.access import scope_for, user_can
from vinculo.core.converters import parse_id
from vinculo.core.errors import DomainError, ValidationFailed
from vinculo.core.forms import add_errors
from vinculo.core.models import Jurisdiction
from vinculo.core.permissions import Perm
from vinculo.core.selectors import jurisdictions_for
from vinculo.jobs import selectors, services
from vinculo.jobs.forms import FairForm
from vinculo.jobs.models import JobOrder
from vinculo.registry.views import desk_register


def _allowed(request: HttpRequest) -> None:
    if not user_can(request.user, Perm.MANAGE_JOB_FAIRS):
        raise Http404


@login_required
def fair_list_view(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    jurisdictions = jurisdictions_for(actor=request.user, perm=Perm.MANAGE_JOB_FAIRS)
    form = FairForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            fair = services.fair_create(
                actor=request.user,
                jurisdiction=d["jurisdiction"].pk,
                values=services.FairValues(
                    d["name"],
                    d["country"],
                    d.get("subdivision", ""),
                    d["municipality"],
                    d.get("venue", ""),
                    d["starts_on"],
                    d["ends_on"],
                ),
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Fair created. Offer its vacancies below."))
            return redirect("jobs:fair", fair_id=fair.pk)
    listed = selectors.with_figures(selectors.fair_list(actor=request.user))[:50]
    rows = [(fair, selectors.fair_figures(fair)) for fair in listed]
    return render(
        request,
        "jobs/fairs.html",
        {
            "form": form,
            "rows": rows,
            "placed": any(fig.placements for _f, fig in rows),
            "chart": {
                "labels": [fair.name for fair, _fig in rows],
                "series": [
                    {"label": _("Placements"), "data": [fig.placements for _f, fig in rows]}
                ],
            },
        },
        status=400 if form.errors else 200,
    )


@login_required
def fair_view(request: HttpRequest, fair_id: int) -> HttpResponse:
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    offerable = (
        JobOrder.objects.filter(
            jurisdiction_id=fair.jurisdiction_id, state__in=services.FAIR_ORDER_STATES
        )
        .exclude(pk__in=fair.orders.values("pk"))
        .select_related("employer")
    )
    if request.method == "POST":
        order_ids = [parse_id(v) for v in request.POST.getlist("orders")]
        try:
            if None in order_ids:
                raise ValidationFailed(
                    services.ORDER_NOT_OPEN, code="order_not_open", field="orders"
                )
            services.fair_offer(actor=request.user, fair_id=fair.pk, order_ids=order_ids)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Vacancies added to the fair."))
        return redirect("jobs:fair", fair_id=fair.pk)
    return render(
        request,
        "jobs/fair.html",
        {
            "fair": fair,
            "figures": selectors.fair_figures(fair),
            "orders": fair.orders.select_related("employer"),
            "employers": fair.employers.all(),
            "offerable": offerable,
            "registrations": fair.registrations.select_related("worker").order_by("-at")[:20],
            "can_register": user_can(request.user, Perm.REGISTER_WORKERS),
        },
    )


def fair_public_view(request: HttpRequest, fair_id: int) -> HttpResponse:
    """Anyone: a fair's dates, place, employers and the vacancies on the board."""
    fair, orders = selectors.fair_public(fair_id=fair_id)
    return render(request, "jobs/fair_public.html", {"fair": fair, "orders": orders})


@login_required
def fair_kiosk_view(request: HttpRequest, fair_id: int) -> HttpResponse:
    """The fair's registration kiosk: the desk registration page, in the fair's authority, each
    person registered counted for the fair (`services.fair_worker_register`)."""
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    jurisdictions = scope_for(request.user, Perm.REGISTER_WORKERS).apply(
        Jurisdiction.objects.filter(pk=fair.jurisdiction_id, is_active=True), field="pk"
    )
    if not jurisdictions.exists():
        raise Http404

    def register(data: Any, _desk: dict[str, Any], unlike: tuple[str, ...]) -> Any:
        return services.fair_worker_register(
            actor=request.user, fair_id=fair.pk, data=data, unlike=unlike
        )

    return desk_register(
        request,
        jurisdictions=jurisdictions,
        register=register,
        kiosk={"name": fair.name, "url": reverse("jobs:fair_kiosk", args=[fair.pk])},
    )
