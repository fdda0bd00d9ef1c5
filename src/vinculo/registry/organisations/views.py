"""Pages of employers and agencies: thin, each calls one selector or service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from vinculo.core.access import user_can
from vinculo.core.decorators import post_only
from vinculo.core.errors import DomainError
from vinculo.core.forms import add_errors
from vinculo.core.permissions import Perm
from vinculo.registry.organisations import forms, selectors, services
from vinculo.registry.organisations.domain import sector_label
from vinculo.web.ratelimit import public_page_rate, too_many_requests

REGISTRATION_RATE = "10/h"


def registration_rate(group: str, request: HttpRequest) -> str:
    return REGISTRATION_RATE


def _page(request: HttpRequest, queryset: object) -> tuple[object, str]:
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- employers (officials) --------------------------------------------------------------------


@login_required
def employer_list(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Perm.VIEW_ORGANISATIONS):
        raise Http404
    form = forms.EmployerFilterForm(request.GET or None)
    page, query = _page(
        request, selectors.employer_list(actor=request.user, filters=form.to_filter())
    )
    return render(
        request,
        "registry/organisations/employer_list.html",
        {"form": form, "page": page, "query": query},
    )


def _employer_detail(request: HttpRequest, organisation: object, form: object, status: int = 200):
    moves = selectors.employer_moves_available(actor=request.user, organisation=organisation)
    return render(
        request,
        "registry/organisations/employer_detail.html",
        {
            "employer": organisation,
            "moves": moves,
            "form": form,
            "events": list(selectors.verification_events(organisation)),
            "sector_label": sector_label(organisation.sector) if organisation.sector else "",
        },
        status=status,
    )


@login_required
def employer_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.employer_get(actor=request.user, organisation_id=organisation_id)
    return _employer_detail(request, organisation, forms.DecisionForm())


@login_required
@post_only("registry_orgs:employer_detail", "organisation_id")
def employer_decide(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.employer_get(actor=request.user, organisation_id=organisation_id)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.employer_verification_decide(
                organisation_id=organisation.pk,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                expected_state=form.cleaned_data["expected_state"] or None,
                actor=request.user,
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("registry_orgs:employer_detail", organisation_id=organisation.pk)
    organisation = selectors.employer_get(actor=request.user, organisation_id=organisation_id)
    return _employer_detail(request, organisation, form, status=400)


# --- employer self-registration and establishments -------------------------------------------


@ratelimit(group="employer_register", key="ip", rate=registration_rate, method="POST", block=False)
def employer_register(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return too_many_requests(request)
    if request.method == "POST":
        form = forms.EmployerRegistrationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                organisation = services.employer_register(
                    name=data["name"],
                    country=data["country"],
                    tax_id=data["tax_id"],
                    sector=data["sector"],
                    city=data["city"],
                    jurisdiction=data["jurisdiction"],
                    establishment=form.establishment_data(),
                    account=form.account_data(),
                )
            except DomainError as error:
                add_errors(form, error)
            else:
                user = organisation.memberships.get().user
                login(request, user, backend="vinculo.web.signin.UsernameOrPhoneBackend")
                messages.success(
                    request,
                    _(
                        "Your employer is registered. An official of %(authority)s will verify it "
                        "before your job orders can be published."
                    )
                    % {"authority": organisation.jurisdiction.name},
                )
                return redirect("core:my_organisation")
    else:
        form = forms.EmployerRegistrationForm(initial={"country": request.GET.get("country", "")})
        form.set_country(request.GET.get("country", ""))
    return render(
        request,
        "registry/organisations/employer_register.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def establishment_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.own_employer_get(actor=request.user, organisation_id=organisation_id)
    form = forms.EstablishmentForm(request.POST or None, country=organisation.country)
    if request.method == "POST" and form.is_valid():
        services.establishment_add(
            organisation_id=organisation.pk, data=form.establishment_data(), actor=request.user
        )
        messages.success(request, _("Establishment added."))
        return redirect("core:my_organisation")
    return render(
        request,
        "registry/organisations/establishment_form.html",
        {"form": form, "organisation": organisation, "establishment": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def establishment_edit(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment = selectors.own_establishment_get(
        actor=request.user, establishment_id=establishment_id
    )
    initial = {
        "establishment_name": establishment.name,
        "subdivision": establishment.subdivision,
        "municipality": establishment.municipality,
        "address": establishment.address,
        "workers_capacity": establishment.workers_capacity,
        "version": services.establishment_version(establishment),
    }
    form = forms.EstablishmentForm(
        request.POST or None, initial=initial, country=establishment.country
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.establishment_update(
                establishment_id=establishment.pk,
                data=form.establishment_data(),
                version=form.cleaned_data["version"],
                actor=request.user,
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Establishment saved."))
            return redirect("core:my_organisation")
    return render(
        request,
        "registry/organisations/establishment_form.html",
        {"form": form, "organisation": establishment.organisation, "establishment": establishment},
        status=400 if form.is_bound else 200,
    )


# --- agencies (officials) ---------------------------------------------------------------------


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Perm.VIEW_ORGANISATIONS):
        raise Http404
    form = forms.AgencyFilterForm(request.GET or None)
    page, query = _page(
        request, selectors.agency_list(actor=request.user, filters=form.to_filter())
    )
    can_register = selectors.licence_jurisdictions(actor=request.user).exists()
    return render(
        request,
        "registry/organisations/agency_list.html",
        {"form": form, "page": page, "query": query, "can_register": can_register},
    )


def _agency_detail(request: HttpRequest, agency: object, form: object = None, status: int = 200):
    licences = [
        {
            "licence": licence,
            "events": list(selectors.licence_events(licence)),
            "sectors": [sector_label(code) for code in licence.sectors],
            "moves": selectors.licence_moves_available(actor=request.user, licence=licence),
            "form": form if form is not None and form.licence_id == licence.pk else None,
        }
        for licence in agency.visible_licences
    ]
    return render(
        request,
        "registry/organisations/agency_detail.html",
        {"agency": agency, "licences": licences},
        status=status,
    )


@login_required
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    return _agency_detail(request, selectors.agency_get(actor=request.user, agency_id=agency_id))


@login_required
def agency_register(request: HttpRequest) -> HttpResponse:
    jurisdictions = selectors.licence_jurisdictions(actor=request.user)
    if not jurisdictions.exists():
        raise Http404
    form = forms.AgencyRegistrationForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            licence = services.agency_register(
                jurisdiction_id=data["jurisdiction"].pk,
                name=data["name"],
                country=data["country"],
                tax_id=data["tax_id"],
                city=data["city"],
                application=form.application(),
                actor=request.user,
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Agency registered with its licence application."))
            return redirect("registry_orgs:agency_detail", agency_id=licence.agency_id)
    return render(
        request,
        "registry/organisations/agency_register.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@post_only("registry_orgs:agency_list")
def licence_move(request: HttpRequest, licence_id: int) -> HttpResponse:
    licence = selectors.licence_get(actor=request.user, licence_id=licence_id)
    form = forms.DecisionForm(request.POST)
    form.licence_id = licence.pk
    if form.is_valid():
        try:
            services.licence_move(
                licence_id=licence.pk,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                expected_state=form.cleaned_data["expected_state"] or None,
                actor=request.user,
            )
        except DomainError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Licence updated."))
            return redirect("registry_orgs:agency_detail", agency_id=licence.agency_id)
    agency = selectors.agency_get(actor=request.user, agency_id=licence.agency_id)
    return _agency_detail(request, agency, form, status=400)


# --- public verification ----------------------------------------------------------------------


@ratelimit(group="public_agency_verify", key="ip", rate=public_page_rate, block=False)
def agency_verify(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return too_many_requests(request)
    form = forms.PublicSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    results = [
        selectors.public_licence_view(licence)
        for licence in selectors.public_licence_search(query=query)
    ]
    return render(
        request,
        "registry/organisations/agency_verify.html",
        {"form": form, "query": query, "results": results, "checked_at": timezone.now()},
    )


@ratelimit(group="public_agency_verify", key="ip", rate=public_page_rate, block=False)
def agency_verify_detail(request: HttpRequest, number: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return too_many_requests(request)
    view = selectors.public_licence_view(selectors.public_licence_get(number=number))
    return render(
        request,
        "registry/organisations/agency_verify_detail.html",
        {"view": view, "licence": view.licence},
    )
