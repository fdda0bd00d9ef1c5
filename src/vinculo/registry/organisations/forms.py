from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vinculo.core.models import Jurisdiction, VerificationState
from vinculo.reference.countries import country_list, is_country, subdivision_list
from vinculo.registry.models import LicenceState
from vinculo.registry.organisations.domain import SECTORS
from vinculo.registry.organisations.selectors import (
    AgencyFilter,
    EmployerFilter,
    active_jurisdictions,
    country_jurisdictions,
)
from vinculo.registry.organisations.services import (
    AccountData,
    EstablishmentData,
    LicenceApplication,
)


def country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((c.code, c.name) for c in country_list())]


def subdivision_choices(country: str) -> list[tuple[str, str]]:
    if not country or not is_country(country):
        return [("", "—")]
    return [("", "—"), *((s.code, s.name) for s in subdivision_list(country))]


class EmployerFilterForm(forms.Form):
    name = forms.CharField(label=_("Name or tax ID"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Verification"),
        required=False,
        choices=[("", _("Any")), *VerificationState.choices],
    )

    def to_filter(self) -> EmployerFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return EmployerFilter(name=data.get("name", ""), state=data.get("state", ""))


class AgencyFilterForm(forms.Form):
    name = forms.CharField(label=_("Name or licence number"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Licence status"), required=False, choices=[("", _("Any")), *LicenceState.choices]
    )

    def to_filter(self) -> AgencyFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return AgencyFilter(name=data.get("name", ""), state=data.get("state", ""))


class EstablishmentFields(forms.Form):
    """The fields of an establishment; its country is the organisation's (or the form's)."""

    establishment_name = forms.CharField(
        label=_("Name of the establishment"),
        max_length=200,
        help_text=_("The farm, plant, hotel or site where the workers would work."),
    )
    subdivision = forms.ChoiceField(
        label=_("Department, province or state"), required=False, choices=[]
    )
    municipality = forms.CharField(label=_("Municipality or city"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    workers_capacity = forms.IntegerField(
        label=_("Workers it can employ"), required=False, min_value=1, max_value=100_000
    )

    def set_country(self, country: str) -> None:
        self.fields["subdivision"].choices = subdivision_choices(country)

    def establishment_data(self) -> EstablishmentData:
        data = self.cleaned_data
        return EstablishmentData(
            name=data["establishment_name"],
            subdivision=data.get("subdivision", ""),
            municipality=data["municipality"],
            address=data.get("address", ""),
            workers_capacity=data.get("workers_capacity"),
        )


class EstablishmentForm(EstablishmentFields):
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_country(country)


class EmployerRegistrationForm(EstablishmentFields):
    name = forms.CharField(label=_("Legal name of the employer"), max_length=255)
    country = forms.ChoiceField(label=_("Country where it is registered"), choices=[])
    tax_id = forms.CharField(
        label=_("Tax ID"),
        max_length=50,
        help_text=_("As issued by the tax authority of that country (RTN, NIT, RFC, ...)."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *SECTORS])
    city = forms.CharField(label=_("City of the head office"), max_length=120)
    jurisdiction = forms.ModelChoiceField(
        label=_("Authority or programme you hire through"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        empty_label=_("The authority of my country"),
        help_text=_(
            "Needed only if your country's authority does not work with Vínculo, or if it has "
            "several."
        ),
    )
    first_name = forms.CharField(label=_("Your given names"), max_length=150)
    last_name = forms.CharField(label=_("Your surnames"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"))
    username = forms.RegexField(
        label=_("User name to sign in"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only."),
    )
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "name",
        "country",
        "tax_id",
        "sector",
        "city",
        "jurisdiction",
        "establishment_name",
        "subdivision",
        "municipality",
        "address",
        "workers_capacity",
        "first_name",
        "last_name",
        "email",
        "username",
        "password1",
        "password2",
    ]

    NO_AUTHORITY = _(
        "Your country's authority does not work with Vínculo yet: choose the authority or "
        "programme you hire through."
    )
    SEVERAL_AUTHORITIES = _("Your country has several authorities: choose the one you answer to.")
    PASSWORDS_DIFFER = _("The two passwords differ.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        self.fields["jurisdiction"].queryset = active_jurisdictions()
        self.set_country(self.data.get("country", "") if self.is_bound else "")
        self.fields["country"].widget.attrs.update(
            {
                # Without JavaScript the subdivisions follow the country on the next submit.
                "hx-get": reverse("registry_orgs:employer_register"),
                "hx-trigger": "change",
                "hx-target": "#id_subdivision",
                "hx-select": "#id_subdivision > option",
                "hx-swap": "innerHTML",
                "hx-include": "this",
            }
        )
        self.fields["password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean(self) -> dict:
        data = super().clean()
        country = data.get("country")
        if country:
            own = country_jurisdictions(country)
            chosen = data.get("jurisdiction")
            if len(own) == 1:
                # An employer answers to the authority of its own country when there is one.
                data["jurisdiction"] = own[0]
            elif len(own) > 1 and chosen not in own:
                self.add_error("jurisdiction", self.SEVERAL_AUTHORITIES)
            elif not own and chosen is None:
                self.add_error("jurisdiction", self.NO_AUTHORITY)
        if data.get("password1") and data.get("password2"):
            if data["password1"] != data["password2"]:
                self.add_error("password2", self.PASSWORDS_DIFFER)
            else:
                try:
                    validate_password(data["password1"])
                except ValidationError as error:
                    self.add_error("password1", error)
        return data

    @property
    def company_fields(self) -> list:
        return [self[n] for n in self.field_order[:6]]

    @property
    def establishment_fields(self) -> list:
        return [self[n] for n in self.field_order[6:11]]

    @property
    def account_fields(self) -> list:
        return [self[n] for n in self.field_order[11:]]

    def account_data(self) -> AccountData:
        data = self.cleaned_data
        return AccountData(
            username=data["username"],
            password=data["password1"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )


class DecisionForm(forms.Form):
    """One decision on a lifecycle: the target state, why, and the state the actor saw."""

    to = forms.CharField(max_length=20)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_state = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)


class AgencyRegistrationForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label=_("Licensing authority"), queryset=Jurisdiction.objects.none()
    )
    name = forms.CharField(label=_("Legal name of the agency"), max_length=255)
    country = forms.ChoiceField(label=_("Country where it is registered"), choices=[])
    tax_id = forms.CharField(label=_("Tax ID"), max_length=50)
    city = forms.CharField(label=_("City"), max_length=120)
    number = forms.RegexField(
        label=_("Licence number"),
        max_length=40,
        regex=r"^[A-Za-z0-9][A-Za-z0-9/.-]*$",
        help_text=_("As written on the licence file, e.g. HN-STSS-AG-2026-0001."),
    )
    destination_countries = forms.CharField(
        label=_("Destination countries"),
        max_length=200,
        help_text=_("ISO codes separated by commas, e.g. CA, ES, MX."),
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=SECTORS, widget=forms.CheckboxSelectMultiple
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    UNKNOWN_COUNTRIES = _("Unknown country codes: %(codes)s.")

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        if len(jurisdictions) == 1:
            self.fields["jurisdiction"].initial = jurisdictions[0].pk
        self.fields["country"].choices = country_choices()

    def clean_destination_countries(self) -> list[str]:
        raw = self.cleaned_data["destination_countries"]
        codes = [c.strip().upper() for c in raw.replace(";", ",").split(",") if c.strip()]
        unknown = [c for c in codes if not is_country(c)]
        if unknown:
            raise ValidationError(self.UNKNOWN_COUNTRIES % {"codes": ", ".join(unknown)})
        return codes

    def application(self) -> LicenceApplication:
        data = self.cleaned_data
        return LicenceApplication(
            number=data["number"],
            destination_countries=data["destination_countries"],
            sectors=data["sectors"],
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
        )


class PublicSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Licence number or agency name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
