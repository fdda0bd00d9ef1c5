"""Job-order pages: the filer's form with the check's findings, the authority's review, and the
public vacancy board with its check by code."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from vinculo.core.access import user_can, user_can_in
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.forms import add_errors
from vinculo.core.permissions import Perm
from vinculo.jobs import domain, forms, selectors, services
from vinculo.jobs.models import JobOrder, JobOrderState
from vinculo.registry.organisations.domain import EMPLOYER_KINDS
from vinculo.registry.organisations.selectors import active_jurisdictions
from vinculo.web.caching import public_page
from vinculo.web.ratelimit import public_page_rate, too_many_requests

ORDERS_PER_PAGE = 25
VACANCIES_PER_PAGE = 20


def _page(request: HttpRequest, queryset: Any, size: int) -> tuple[Any, str]:
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- filers and officials ---------------------------------------------------------------------


@login_required
def order_list_view(request: HttpRequest) -> HttpResponse:
    if not (
        user_can(request.user, Perm.FILE_JOB_ORDERS) or user_can(request.user, Perm.VIEW_JOB_ORDERS)
    ):
        raise Http404
    form = forms.OrderFilterForm(request.GET or None)
    page, query = _page(
        request, selectors.order_list(actor=request.user, filters=form.to_filter()), ORDERS_PER_PAGE
    )
    can_file = selectors.employers_to_file_for(actor=request.user).exists()
    return render(
        request,
        "jobs/order_list.html",
        {"form": form, "page": page, "query": query, "can_file": can_file},
    )


def _form_page(
    request: HttpRequest, form: forms.JobOrderForm, order: JobOrder | None, status: int = 200
) -> HttpResponse:
    return render(request, "jobs/order_form.html", {"form": form, "order": order}, status=status)


@login_required
def order_new_view(request: HttpRequest) -> HttpResponse:
    employers = selectors.employers_to_file_for(actor=request.user)
    if not employers.exists():
        raise Http404
    files_for_own = any(
        o.kind in EMPLOYER_KINDS for o in selectors.filer_organisations(actor=request.user)
    )
    form = forms.JobOrderForm(
        request.POST or None,
        employers=employers,
        authorities=active_jurisdictions() if files_for_own else None,
    )
    if request.method == "POST" and form.is_valid():
        authority = form.cleaned_data.get("jurisdiction")
        try:
            order = services.order_create(
                actor=request.user,
                employer_id=form.cleaned_data["employer"].pk,
                values=form.values(),
                jurisdiction=authority.pk if authority else None,
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved as a draft. The check against the law is below."))
            return redirect("jobs:order_detail", order_id=order.pk)
    return _form_page(request, form, None, status=400 if form.errors else 200)


@login_required
def order_edit_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get(actor=request.user, order_id=order_id)
    if domain.FILER not in selectors.order_sides(request.user, order):
        raise Http404
    employers = selectors.employers_to_file_for(actor=request.user).filter(pk=order.employer_id)
    form = forms.JobOrderForm(
        request.POST or None, employers=employers, initial=forms.initial_from(order)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.order_update(
                actor=request.user,
                order_id=order.pk,
                values=form.values(),
                expected_version=form.cleaned_data.get("version"),
            )
        except DomainError as error:
            add_errors(form, error)
            status = error.status
        else:
            messages.success(request, _("Changes saved. The check against the law is below."))
            return redirect("jobs:order_detail", order_id=order.pk)
    return _form_page(request, form, order, status=400 if form.errors and status == 200 else status)


def _detail(
    request: HttpRequest,
    order: JobOrder,
    *,
    move_error: str = "",
    refused: list | None = None,
    status: int = 200,
) -> HttpResponse:
    roles = selectors.order_sides(request.user, order)
    moves = selectors.order_moves_available(actor=request.user, order=order)
    can_rank = user_can_in(request.user, Perm.SHORTLIST_CANDIDATES, order.jurisdiction_id)
    return render(
        request,
        "jobs/order_detail.html",
        {
            "order": order,
            "findings": order.findings,
            "failed": order.failed_findings,
            "moves": moves,
            "editable": domain.FILER in roles and order.state in domain.EDITABLE_STATES,
            "events": order.events.select_related("actor")[:50],
            "move_error": move_error,
            "refused": refused or [],
            "public": order.state in domain.BOARD_STATES,
            "can_rank": can_rank and order.state == JobOrderState.PUBLISHED,
            # Candidates and the fairness audit are matching's: its section loads into the page.
            "show_candidates": order.state in domain.MATCHED_STATES
            and (can_rank or domain.FILER in roles),
        },
        status=status,
    )


@login_required
def order_detail_view(request: HttpRequest, order_id: int) -> HttpResponse:
    return _detail(request, selectors.order_get(actor=request.user, order_id=order_id))


@login_required
@post_only("jobs:order_detail", "order_id")
def order_move_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get(actor=request.user, order_id=order_id)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        return _detail(request, order, move_error=_("Choose a decision."), status=400)
    try:
        moved = services.order_move(
            actor=request.user,
            order_id=order.pk,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data.get("reason", ""),
            expected_state=form.cleaned_data.get("expected_state") or None,
        )
    except DomainError as error:
        order.refresh_from_db()
        return _detail(
            request,
            order,
            move_error=str(error.message),
            refused=error.details.get("findings", []),
            status=error.status,
        )
    messages.success(
        request, _("Done: the job order is now «%(state)s».") % {"state": moved.get_state_display()}
    )
    return redirect("jobs:order_detail", order_id=order.pk)


# --- public -----------------------------------------------------------------------------------


def job_posting(order: JobOrder, url: str) -> dict[str, Any]:
    """The vacancy as a schema.org JobPosting, for search engines and job aggregators."""
    hours = _("%(hours)s hours a week") % {"hours": order.weekly_hours}
    description = order.description or order.title
    return {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": order.title,
        "description": _(
            "%(description)s — %(positions)s positions, %(hours)s, from %(start)s to %(end)s."
        )
        % {
            "description": description,
            "positions": order.positions,
            "hours": hours,
            "start": order.start_date.isoformat(),
            "end": order.end_date.isoformat(),
        },
        "identifier": {
            "@type": "PropertyValue",
            "name": "Vínculo",
            "value": order.verification_code,
        },
        "url": url,
        "datePosted": (order.published_at or order.approved_at or timezone.now())
        .date()
        .isoformat(),
        "validThrough": order.start_date.isoformat(),
        "jobStartDate": order.start_date.isoformat(),
        "employmentType": ["FULL_TIME", "TEMPORARY"],
        "totalJobOpenings": order.positions,
        "occupationalCategory": order.isco_unit,
        "industry": order.sector,
        "workHours": hours,
        "hiringOrganization": {"@type": "Organization", "name": order.employer.name},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": order.worksite_municipality,
                "addressRegion": order.worksite_subdivision,
                "addressCountry": order.worksite_country,
            },
        },
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": order.wage_currency,
            "value": {
                "@type": "QuantitativeValue",
                "value": float(order.wage_amount),
                "unitText": order.wage_basis.upper(),
            },
        },
        "experienceRequirements": {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": order.min_experience_years * 12,
        },
    }


@public_page(version=selectors.board_version)
def board_view(request: HttpRequest) -> HttpResponse:
    form = forms.BoardFilterForm(request.GET or None)
    page, query = _page(
        request, selectors.board_cards(filters=form.to_filter()), VACANCIES_PER_PAGE
    )
    return render(request, "jobs/board.html", {"form": form, "page": page, "query": query})


@public_page(version=selectors.board_version)
def vacancy_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.board_get(order_id=order_id)
    url = request.build_absolute_uri(reverse("jobs:vacancy", args=[order.pk]))
    # "</" can never close the script element: JSON allows "\/".
    ld = json.dumps(job_posting(order, url), ensure_ascii=False).replace("</", "<\\/")
    return render(request, "jobs/vacancy.html", {"order": order, "json_ld": ld})


@ratelimit(group="public_job_verify", key="ip", rate=public_page_rate, block=False)
def verify_view(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return too_many_requests(request)
    form = forms.VerifyForm(request.GET or None)
    order = None
    if form.is_valid():
        order = selectors.order_by_code(code=form.cleaned_data["code"])
    return render(
        request,
        "jobs/verify.html",
        {
            "form": form,
            "searched": form.is_valid(),
            "order": order,
            "checked_at": timezone.now(),
        },
    )
