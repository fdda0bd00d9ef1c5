"""The pages that belong to no one app: the welcome page and each person's start page, which
lists what their roles let them do across the apps (`web.pages`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vinculo.web.pages import capabilities_for


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "web/welcome.html")
    return render(
        request,
        "web/home.html",
        {
            "capabilities": capabilities_for(request.user),
            "memberships": request.user.active_memberships,
        },
    )
