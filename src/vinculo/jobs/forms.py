from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vinculo.core.i18n import pick
from vinculo.core.models import Jurisdiction, Organisation
from vinculo.jobs.models import ORDER_COSTS, JobOrderState, Payer, WageBasis
from vinculo.jobs.selectors import BoardFilter, OrderFilter
from vinculo.jobs.services import ORDER_FIELDS
from vinculo.policy.domain import COST_LABELS
from vinculo.policy.selectors import pack_list
from vinculo.reference.countries import currency_list, language_list
from vinculo.reference.forms import OccupationField
from vinculo.reference.levels import CefrLevel
from vinculo.registry.organisations.domain import SECTORS
from vinculo.registry.organisations.forms import country_choices, subdivision_choices
from vinculo.web.widgets import PlainSelect


def programme_choices() -> list[tuple[str, str]]:
    return [
        ("", _("None: the law of the worksite's country")),
        *(
            (p.code, f"{p.code} · {pick(p.name.model_dump())}")
            for p in pack_list()
            if p.kind == "programme"
        ),
    ]


LANGUAGE_SLOTS = 2


class JobOrderForm(forms.Form):
    """The terms of a job order, as the employer (or its agency) writes them. The rules of law are
    the check's: this form refuses only what is not a value at all."""

    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Organisation.objects.none())
    jurisdiction = forms.ModelChoiceField(
        label=_("Authority that approves the order"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        empty_label=_("The employer's own authority"),
        help_text=_("The labour authority of the country the workers are recruited from."),
    )
    programme = forms.ChoiceField(label=_("Programme"), required=False, choices=[])
    title = forms.CharField(
        label=_("Job title"),
        max_length=200,
        help_text=_("As workers will read it, e.g. «Apple pickers»."),
    )
    occupation = OccupationField()
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=10_000)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *SECTORS])
    description = forms.CharField(
        label=_("Description of the work"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    worksite_country = forms.ChoiceField(label=_("Country of the worksite"), choices=[])
    worksite_subdivision = forms.ChoiceField(
        label=_("Province, department or state"), required=False, choices=[("", "—")]
    )
    worksite_municipality = forms.CharField(label=_("Municipality or city"), max_length=120)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    season = forms.CharField(
        label=_("Season"),
        max_length=60,
        required=False,
        help_text=_("Optional, e.g. «2027 apple harvest»."),
    )
    wage_amount = forms.DecimalField(label=_("Wage"), min_value=0, max_digits=12, decimal_places=2)
    wage_currency = forms.ChoiceField(label=_("Currency"), choices=[])
    wage_basis = forms.ChoiceField(label=_("Paid"), choices=WageBasis.choices)
    weekly_hours = forms.DecimalField(
        label=_("Hours a week"), min_value=1, max_value=84, max_digits=4, decimal_places=1
    )
    guaranteed_hours = forms.IntegerField(
        label=_("Hours of work guaranteed in all"),
        min_value=1,
        max_value=10_000,
        help_text=_(
            "The hours the worker is paid for at the least, whatever the weather or the harvest."
        ),
    )
    overtime_rule = forms.CharField(
        label=_("Overtime"),
        required=False,
        max_length=500,
        help_text=_(
            "When overtime starts and how it is paid, e.g. «time and a half after 44 hours a week»."
        ),
    )
    housing_provided = forms.BooleanField(label=_("The employer provides housing"), required=False)
    housing_weekly_cost = forms.DecimalField(
        label=_("Housing cost charged to the worker, a week"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("0 if the worker pays nothing for housing."),
    )
    min_experience_years = forms.IntegerField(
        label=_("Years of experience required"), min_value=0, max_value=60, initial=0
    )
    named_request = forms.BooleanField(
        label=_("We ask for returning workers by name"), required=False
    )
    named_workers = forms.CharField(
        label=_("Registration numbers of the workers asked for by name"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "As printed on their cards, e.g. VN-7K3M9-Q2XA4, separated by spaces or commas."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, employers: Any, authorities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
        if authorities is None:  # an agency files with the authority that licensed it
            del self.fields["jurisdiction"]
        else:
            self.fields["jurisdiction"].queryset = authorities
        if employers.count() == 1:
            self.fields["employer"].initial = employers.first().pk
            self.fields["employer"].widget = forms.HiddenInput()
        self.fields["programme"].choices = programme_choices()
        self.fields["worksite_country"].choices = country_choices()
        self.fields["wage_currency"].choices = [
            ("", "—"),
            *((c.code, f"{c.code} · {c.name}") for c in currency_list()),
        ]
        country = self.data.get(self.add_prefix("worksite_country")) or self.initial.get(
            "worksite_country", ""
        )
        self.fields["worksite_subdivision"].choices = subdivision_choices(country)
        self.fields["worksite_country"].widget.attrs.update(
            {
                "hx-get": reverse("registry:subdivision_options"),
                "hx-target": f"#id_{self.add_prefix('worksite_subdivision')}",
                "hx-trigger": "change",
                "hx-vals": f'{{"field": "{self.add_prefix("worksite_country")}"}}',
            }
        )
        payers = [
            (Payer.EMPLOYER.value, Payer.EMPLOYER.label),
            (Payer.WORKER.value, Payer.WORKER.label),
        ]
        for cost in ORDER_COSTS:
            self.fields[f"cost_{cost}"] = forms.ChoiceField(
                label=COST_LABELS[cost],
                choices=payers,
                initial=Payer.EMPLOYER,
                widget=forms.RadioSelect,
            )
        languages = [("", "—"), *((lang.code, lang.name) for lang in language_list())]
        for i in range(LANGUAGE_SLOTS):
            self.fields[f"language_{i}"] = forms.ChoiceField(
                label=_("Language required"), choices=languages, required=False
            )
            self.fields[f"level_{i}"] = forms.ChoiceField(
                label=_("Level at the least"),
                choices=[("", "—"), *CefrLevel.choices],
                required=False,
            )

    @property
    def cost_fields(self) -> list:
        return [self[f"cost_{c}"] for c in ORDER_COSTS]

    @property
    def language_fields(self) -> list:
        return [(self[f"language_{i}"], self[f"level_{i}"]) for i in range(LANGUAGE_SLOTS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for i in range(LANGUAGE_SLOTS):
            if data.get(f"language_{i}") and not data.get(f"level_{i}"):
                self.add_error(f"level_{i}", _("Choose the level required."))
        return data

    def values(self) -> dict[str, Any]:
        """The values for the services (jobs.services.order_values_clean)."""
        d = self.cleaned_data
        values = {name: d.get(name) for name in ORDER_FIELDS if name in PLAIN_FIELDS}
        values["housing_weekly_cost"] = d.get("housing_weekly_cost") or 0
        values["named_workers"] = d.get("named_workers", "").replace(",", " ").split()
        values["costs"] = {c: d.get(f"cost_{c}") or Payer.EMPLOYER for c in ORDER_COSTS}
        values["languages"] = [
            [d[f"language_{i}"], d.get(f"level_{i}")]
            for i in range(LANGUAGE_SLOTS)
            if d.get(f"language_{i}")
        ]
        return values


# The order's fields the form holds one to one (the others: costs and languages are spread
# over several fields, the establishment is not asked here).
PLAIN_FIELDS = frozenset(ORDER_FIELDS) - {"establishment", "costs", "languages"}


def initial_from(order: Any) -> dict[str, Any]:
    """A saved order's values as the form's initial data."""
    initial = {name: getattr(order, name) for name in PLAIN_FIELDS if name != "occupation"}
    initial.update(
        version=order.version,
        employer=order.employer_id,
        occupation=order.occupation_id,
        named_workers=" ".join(order.named_numbers),
    )
    for cost in ORDER_COSTS:
        initial[f"cost_{cost}"] = order.costs.get(cost, Payer.EMPLOYER)
    for i, (code, level) in enumerate(order.languages[:LANGUAGE_SLOTS]):
        initial[f"language_{i}"], initial[f"level_{i}"] = code, level
    return initial


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=JobOrderState.choices, widget=forms.HiddenInput)
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrderFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *JobOrderState.choices]
    )
    q = forms.CharField(label=_("Title, employer or code"), required=False, max_length=100)

    def to_filter(self) -> OrderFilter:
        d = self.cleaned_data if self.is_valid() else {}
        return OrderFilter(state=d.get("state", ""), q=d.get("q", ""))


class BoardFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Words of the job title or the employer"), required=False, max_length=100
    )
    occupation = forms.CharField(
        label=_("ISCO-08 code"),
        required=False,
        max_length=4,
        help_text=_(
            "1 to 4 digits: 6 is farming and fishing, 61 market farming, 6111 field crops."
        ),
    )
    # The board is the page most often drawn: its selects write their options as plain strings
    # from the country and region lists kept per language (reference.countries).
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[], widget=PlainSelect)
    region = forms.ChoiceField(
        label=_("Province, department or state"),
        required=False,
        choices=[("", "—")],
        widget=PlainSelect,
        error_messages={"invalid_choice": _("%(value)s is not a region of the chosen country.")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any")), *SECTORS], widget=PlainSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any")), *country_choices()[1:]]
        self.fields["region"].choices = subdivision_choices(self.data.get("country", ""))
        self.fields["country"].widget.attrs.update(
            {
                "hx-get": reverse("registry:subdivision_options"),
                "hx-target": "#id_region",
                "hx-trigger": "change",
                "hx-vals": '{"field": "country"}',
            }
        )

    def to_filter(self) -> BoardFilter:
        if self.is_bound and not self.is_valid():
            return BoardFilter(invalid=True)  # the errors show by their fields, and no results
        d = self.cleaned_data if self.is_bound else {}
        occupation = d.get("occupation", "")
        return BoardFilter(
            occupation=occupation if occupation.isdigit() else "",
            country=d.get("country", ""),
            region=d.get("region", ""),
            sector=d.get("sector", ""),
            q=d.get("q", ""),
        )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code of the job offer"),
        max_length=20,
        help_text=_("Printed on the offer, e.g. JO-7K3M-9Q2X."),
    )


class FairForm(forms.Form):
    name = forms.CharField(label=_("Name of the fair"), max_length=200)
    jurisdiction = forms.ModelChoiceField(
        label=_("Authority"), queryset=Jurisdiction.objects.none()
    )
    country = forms.ChoiceField(label=_("Country"), choices=[])
    subdivision = forms.ChoiceField(
        label=_("Department or state"), required=False, choices=[("", "—")]
    )
    municipality = forms.CharField(label=_("Municipality or city"), max_length=120)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, jurisdictions, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("label_suffix", "")  # labels without a colon, as on every form
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        if jurisdictions.count() == 1:
            self.fields["jurisdiction"].initial = jurisdictions.first()
            self.fields["jurisdiction"].widget = forms.HiddenInput()
        self.fields["country"].choices = country_choices()
        country = self.data.get("country") or (
            jurisdictions.first().country if jurisdictions.exists() else ""
        )
        self.fields["country"].initial = country
        self.fields["subdivision"].choices = subdivision_choices(country)
