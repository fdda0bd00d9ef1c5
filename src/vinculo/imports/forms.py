from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vinculo.imports.models import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (.xlsx), first row the column names of the layout."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("The records will belong to"), queryset=None, required=False
    )

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked only of officials who may import into several jurisdictions.
        if len(jurisdictions) > 1:
            self.fields["jurisdiction"].queryset = jurisdictions
            self.fields["jurisdiction"].required = True
        else:
            del self.fields["jurisdiction"]
