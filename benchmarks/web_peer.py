"""The peer of the web benchmark: plain Django views that read the same data as the public pages
and write it as bare HTML, without templates, forms or caches. Served by the same server with the
same settings and middleware as `vinculo up`; only the URLconf differs (settings module
benchmarks.web_peer_settings). It shows what Django itself costs on this machine."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils.html import escape

from vinculo.jobs.models import JobOrder
from vinculo.registry.models import AgencyLicence


def _card(o: JobOrder) -> str:
    return (
        f'<article><h2><a href="/vacancies/{o.pk}/">{escape(o.title)}</a></h2>'
        f"<p>{escape(o.employer.name)} · {escape(o.worksite_municipality)}, "
        f"{o.worksite_country}<br>{o.wage_amount} {o.wage_currency} {o.wage_basis} · "
        f"{o.positions} · {o.start_date} to {o.end_date}</p></article>"
    )


def _page(title: str, body: str) -> HttpResponse:
    return HttpResponse(f"<!doctype html><title>{escape(title)}</title>{body}")


def board(request: HttpRequest) -> HttpResponse:
    published = JobOrder.objects.filter(state="published")
    rows = (
        published.select_related("employer")
        .only(
            "title",
            "employer__name",
            "worksite_municipality",
            "worksite_country",
            "wage_amount",
            "wage_currency",
            "wage_basis",
            "positions",
            "start_date",
            "end_date",
        )
        .order_by("-published_at", "-pk")[:20]
    )
    count = published.count()
    return _page("Vacancies", f"<p>{count}</p>" + "".join(_card(o) for o in rows))


def vacancy(request: HttpRequest, order_id: int) -> HttpResponse:
    o = (
        JobOrder.objects.filter(state="published", pk=order_id)
        .select_related("employer", "occupation")
        .first()
    )
    if o is None:
        raise Http404
    return _page(
        o.title,
        _card(o)
        + f"<p>{escape(o.occupation.label_es)} · {o.weekly_hours} · {escape(o.description)}"
        f" · {escape(o.overtime_rule)} · {o.verification_code}</p>",
    )


def verify(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "")
    o = (
        JobOrder.objects.filter(verification_code=code, state="published")
        .select_related("employer")
        .first()
    )
    return _page("Check", _card(o) if o else "<p>No</p>")


def agency(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    found = (
        AgencyLicence.objects.filter(number__icontains=q).select_related("agency")[:20] if q else []
    )
    return _page(
        "Agencies",
        "".join(f"<p>{escape(x.number)} · {escape(x.agency.name)} · {x.state}</p>" for x in found),
    )


def occupations(request: HttpRequest) -> HttpResponse:
    from vinculo.reference.selectors import occupation_search

    q = request.GET.get("occupation__q", "")[:100]
    hits = occupation_search(query=q, limit=20) if q else []
    return _page(
        "Occupations",
        "".join(f"<p>{h.isco_code} · {escape(h.label)} · {escape(h.isco_title)}</p>" for h in hits),
    )


urlpatterns = [
    path("vacancies/", board),
    path("vacancies/verify/", verify),
    path("vacancies/<int:order_id>/", vacancy),
    path("verify/agencies/", agency),
    path("occupations/", occupations),
]
