from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vinculo.reference.forms import QUERY_SUFFIX, OccupationSearchForm
from vinculo.reference.selectors import occupation_search

MAX_QUERY = 100


def occupations(request: HttpRequest) -> HttpResponse:
    """Public occupation search. Reference data is public, so no sign-in is needed."""
    form = OccupationSearchForm(request.GET or None)
    query = request.GET.get("occupation" + QUERY_SUFFIX, "")[:MAX_QUERY]
    results = occupation_search(query=query, limit=20) if query else []
    return render(
        request, "reference/occupations.html", {"form": form, "query": query, "results": results}
    )


def occupation_suggest(request: HttpRequest) -> HttpResponse:
    """The htmx partial behind the picker: the radio options for what has been typed so far."""
    field = request.GET.get("field", "occupation")
    query = request.GET.get(field + QUERY_SUFFIX, request.GET.get("q", ""))[:MAX_QUERY]
    options = (
        [r for r in occupation_search(query=query, limit=8) if r.kind == "occupation"]
        if query
        else []
    )
    return render(
        request,
        "reference/widgets/occupation_options.html",
        {"options": options, "widget": {"name": field}, "query": query},
    )
