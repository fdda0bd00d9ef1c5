from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vinculo.reference.countries import country_name
from vinculo.registry.models import Sex
from vinculo.stats.selectors import registered_by_nationality_and_sex


@login_required
def regional(request: HttpRequest) -> HttpResponse:
    rows = registered_by_nationality_and_sex(actor=request.user)
    countries = [r for r in rows if r.nationality]  # the chart leaves the totals out
    chart = {
        "labels": [country_name(r.nationality) for r in countries],
        "series": [
            {"label": str(label), "data": [r.cells[sex].charted for r in countries]}
            for sex, label in Sex.choices
        ],
    }
    return render(
        request, "stats/regional.html", {"rows": rows, "sexes": Sex.choices, "chart": chart}
    )
