"""The occupation picker: a type-ahead search that fills a list of choices as you type (htmx),
and still works without JavaScript (submit the form to search)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vinculo.reference.models import Occupation
from vinculo.reference.selectors import occupation_search

QUERY_SUFFIX = "__q"


class OccupationWidget(forms.Widget):
    template_name = "reference/widgets/occupation.html"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        query = self.query or ""
        options = (
            [r for r in occupation_search(query=query, limit=8) if r.kind == "occupation"]
            if query
            else []
        )
        if value and not any(o.key == str(value) for o in options):
            selected = Occupation.objects.filter(pk=value).select_related("isco_group").first()
            if selected:
                context["selected"] = selected
        context.update(query=query, options=options, query_name=name + QUERY_SUFFIX)
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.query = data.get(name + QUERY_SUFFIX, "")
        return data.get(name)

    query: str = ""


class OccupationField(forms.ModelChoiceField):
    widget = OccupationWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Occupation"))
        super().__init__(queryset=Occupation.objects.all(), **kwargs)


class OccupationSearchForm(forms.Form):
    occupation = OccupationField(
        required=False,
        help_text=_("Type a job in Spanish or English, e.g. «recolector de fruta» or «welder»."),
    )
