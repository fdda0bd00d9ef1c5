from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class RunForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Registry to check"), queryset=None)

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked only of those who may check several jurisdictions.
        if len(jurisdictions) > 1:
            self.fields["jurisdiction"].queryset = jurisdictions
        else:
            del self.fields["jurisdiction"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
