from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vinculo.reference.forms import OccupationField
from vinculo.registry.models import Sex
from vinculo.registry.selectors import WorkerFilter

NATIONALITIES = [
    ("", _("Any nationality")),
    ("HN", "HN"),
    ("GT", "GT"),
    ("SV", "SV"),
    ("NI", "NI"),
    ("MX", "MX"),
    ("VE", "VE"),
    ("CR", "CR"),
]


class WorkerFilterForm(forms.Form):
    name = forms.CharField(label=_("Name or registration number"), required=False, max_length=100)
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=40)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, choices=NATIONALITIES)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", _("Any")), *Sex.choices])
    occupation = OccupationField(required=False)

    def to_filter(self) -> WorkerFilter:
        data = self.cleaned_data if self.is_valid() else {}
        occupation = data.get("occupation")
        return WorkerFilter(
            name=data.get("name", ""),
            document_number=data.get("document_number", ""),
            nationality=data.get("nationality", ""),
            sex=data.get("sex", ""),
            occupation=str(occupation.pk) if occupation else "",
        )
