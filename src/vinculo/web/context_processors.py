from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from vinculo.web.pages import capabilities_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Several capabilities can share a page (browse and verify employers): one menu entry.
        menu = list(dict.fromkeys((c.menu_label, c.url) for c in capabilities_for(user)))
    else:
        menu = [
            (_("Occupations"), reverse("reference:occupations")),
            (_("Policy packs"), reverse("policy:pack_list")),
            (_("Vacancies"), reverse("jobs:board")),
            (_("Verify an agency"), reverse("registry_orgs:agency_verify")),
            (_("Check a job offer"), reverse("jobs:verify")),
        ]
    return {"menu": menu}
