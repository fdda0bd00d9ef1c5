"""Placement pages: a caseworker's list of the jurisdiction's placements, and one placement's
journey, timeline and next moves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vinculo.core.access import user_can
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.permissions import Perm
from vinculo.placements import selectors, services
from vinculo.placements.domain import STATES
from vinculo.placements.models import Placement

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
    page = Paginator(placements, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "placements/list.html",
        {"page": page, "steps": STATES, "shown": shown, "query": f"step={shown}" if shown else ""},
    )


def _page(
    request: HttpRequest, placement: Placement, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "placements/detail.html",
        {
            "placement": placement,
            "journey": selectors.placement_journey(placement),
            "moves": selectors.placement_moves_available(actor=request.user, placement=placement),
            "events": placement.events.select_related("actor"),
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
