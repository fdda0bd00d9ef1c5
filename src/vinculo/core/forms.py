from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vinculo.core.audit import AuditVerb
from vinculo.core.errors import DomainError
from vinculo.core.selectors import AuditFilter


def add_errors(form: forms.Form, error: DomainError) -> None:
    """A service's refusal shown on the form: each failed field next to that field (by the
    service's name for it), the rest at the top of the form."""
    for name, _code, message in error.errors:
        form.add_error(name if name in form.fields else None, str(message))


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditVerb.choices]
    )
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def to_filter(self) -> AuditFilter:
        if self.is_bound and not self.is_valid():
            return AuditFilter(invalid=True)  # the errors show by their fields
        data = self.cleaned_data if self.is_bound else {}
        return AuditFilter(
            verb=data.get("verb", ""),
            actor=data.get("actor", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
