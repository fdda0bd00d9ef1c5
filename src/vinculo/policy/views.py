from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vinculo.policy.selectors import pack_detail, pack_list


def pack_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/pack_list.html", {"packs": pack_list()})


def pack_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    pack = pack_detail(code=code)
    wages = sorted(
        pack.minimum_wages,
        key=lambda w: (w.effective_to is not None, -w.effective_from.toordinal(), w.sector),
    )
    return render(request, "policy/pack_detail.html", {"pack": pack, "wages": wages})
