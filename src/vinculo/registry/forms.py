"""Forms of the worker registry. The registration is split in short steps (a phone on a slow
network sends little at a time, and each step is kept on the server); the desk form shows the same
steps on one page. Forms only validate and convert: writing is for `registry.services`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.errors import DomainError
from vinculo.core.forms import add_errors
from vinculo.core.values import FieldInvalid
from vinculo.reference.countries import REGION, country_list, language_list, subdivision_list
from vinculo.reference.forms import OccupationField
from vinculo.registry import domain
from vinculo.registry.models import (
    CefrLevel,
    ConsentPurpose,
    DocumentKind,
    EducationLevel,
    RegistrationChannel,
    Sex,
)
from vinculo.registry.selectors import WorkerFilter
from vinculo.registry.services import DocumentInput, WorkerInput, document_input_clean

# Countries of the region first in the lists: most people here pick one of them.
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


def country_choices() -> list[tuple[str, str]]:
    countries = country_list()
    first = sorted((c for c in countries if c.code in REGION), key=lambda c: REGION.index(c.code))
    return [("", "—"), *((c.code, c.name) for c in first), *((c.code, c.name) for c in countries)]


def language_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((x.code, x.name) for x in language_list())]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


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


# --- the steps of a registration ----------------------------------------------------------------


class PlainForm(forms.Form):
    """Labels without a trailing colon: read aloud by screen readers, and cleaner on a phone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class StepForm(PlainForm):
    """A step whose cleaned data can be kept as JSON in a draft and read back."""

    def answers(self) -> dict[str, Any]:
        return {
            k: v.isoformat() if isinstance(v, date) else (str(v.pk) if hasattr(v, "pk") else v)
            for k, v in self.cleaned_data.items()
        }


class AccountForm(PlainForm):
    country = forms.ChoiceField(label=_("Country of your phone"), choices=country_choices)
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        help_text=_("You will sign in with this number."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("phone") and data.get("country"):
            try:
                data["phone"] = domain.phone_normalise(data["phone"], data["country"])
            except FieldInvalid as error:
                self.add_error("phone", error.message)
        password = data.get("password")
        if password and password != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        elif password:
            try:
                validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class IdentityForm(StepForm):
    given_names = forms.CharField(label=_("Given names"), max_length=150)
    first_surname = forms.CharField(label=_("First surname"), max_length=100)
    second_surname = forms.CharField(label=_("Second surname"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput())
    nationality = forms.ChoiceField(label=_("Nationality"), choices=country_choices)

    def clean_birth_date(self) -> date:
        try:
            return domain.birth_date_check(
                self.cleaned_data["birth_date"], today=timezone.localdate()
            )
        except FieldInvalid as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class DocumentForm(StepForm):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    issuing_country = forms.ChoiceField(label=_("Issued by"), choices=country_choices)
    number = forms.CharField(label=_("Document number"), max_length=40)
    expires_on = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, country, number = (data.get(k) for k in ("kind", "issuing_country", "number"))
        if not (kind and country and number):
            return data
        try:
            document = document_input_clean(
                DocumentInput(kind, country, number, data.get("expires_on"))
            )
        except DomainError as error:
            add_errors(self, error)
        else:
            data["number"] = document.number
        return data


class ResidenceForm(StepForm):
    residence_country = forms.ChoiceField(
        label=_("Country where you live"), choices=country_choices
    )
    subdivision = forms.ChoiceField(
        label=_("Department or state"), required=False, choices=[("", "—")]
    )
    municipality = forms.CharField(label=_("Municipality"), max_length=120)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subdivision_picker(self)


def subdivision_picker(form: forms.Form, *, fallback: str = "") -> None:
    """The department or state picker of a form with `residence_country` and `subdivision`: the
    names of the country's subdivisions in the page's language, never a code to type. The
    country is the one posted, else the form's initial one, else `fallback` (the nationality of
    a record that never gave a country of residence)."""
    posted = form.data.get(form.add_prefix("residence_country")) if form.is_bound else None
    country = posted or form.initial.get("residence_country") or fallback
    if country:
        form.fields["subdivision"].choices = [
            ("", "—"),
            *((s.code, s.name) for s in subdivision_list(country)),
        ]
    # The department list follows the country chosen (htmx reloads it; without JavaScript,
    # saving the form with another country shows that country's departments).
    form.fields["residence_country"].widget.attrs.update(
        {
            "hx-get": reverse("registry:subdivision_options"),
            "hx-target": f"#id_{form.add_prefix('subdivision')}",
            "hx-trigger": "change",
            "hx-vals": f'{{"field": "{form.add_prefix("residence_country")}"}}',
        }
    )


class WorkForm(StepForm):
    occupation = OccupationField(label=_("Your main occupation"))
    years = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=70)
    occupation_2 = OccupationField(label=_("Another occupation (optional)"), required=False)
    years_2 = forms.IntegerField(
        label=_("Years of experience in it"), min_value=0, max_value=70, required=False
    )
    language = forms.ChoiceField(label=_("Language you speak best"), choices=language_choices)
    level = forms.ChoiceField(label=_("Level"), choices=CefrLevel.choices, initial="native")
    language_2 = forms.ChoiceField(
        label=_("Another language (optional)"), choices=language_choices, required=False
    )
    level_2 = forms.ChoiceField(
        label=_("Level"), choices=[("", "—"), *CefrLevel.choices], required=False
    )
    education_level = forms.ChoiceField(
        label=_("Highest education completed"), choices=EducationLevel.choices
    )
    available_from = forms.DateField(label=_("Available from"), widget=DateInput())
    available_to = forms.DateField(label=_("Available until"), required=False, widget=DateInput())
    relocate_within_country = forms.BooleanField(
        label=_("I would move to another part of my country for work"), required=False
    )
    work_abroad = forms.BooleanField(label=_("I would work abroad"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("occupation_2") and data.get("years_2") is None:
            self.add_error("years_2", _("How many years of experience in this occupation?"))
        if data.get("language_2") and not data.get("level_2"):
            self.add_error("level_2", _("Choose the level of this language."))
        try:
            domain.availability_check(data.get("available_from"), data.get("available_to"))
        except FieldInvalid as error:
            self.add_error("available_to", error.message)
        return data


class ConsentForm(StepForm):
    matching = forms.BooleanField(label=ConsentPurpose.MATCHING.label, required=False)
    share_jurisdictions = forms.BooleanField(
        label=ConsentPurpose.SHARE_JURISDICTIONS.label, required=False
    )
    notices = forms.BooleanField(label=ConsentPurpose.NOTICES.label, required=False)


class DeskForm(PlainForm):
    """What an official adds when registering someone in person."""

    channel = forms.ChoiceField(
        label=_("Where"),
        choices=[
            (RegistrationChannel.DESK, RegistrationChannel.DESK.label),
            (RegistrationChannel.FAIR, RegistrationChannel.FAIR.label),
        ],
        initial=RegistrationChannel.DESK,
    )
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    jurisdiction = forms.ModelChoiceField(label=_("Authority"), queryset=None)

    def __init__(self, *args: Any, jurisdictions: Any, fair: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        if jurisdictions.count() == 1:
            self.fields["jurisdiction"].initial = jurisdictions.first()
            self.fields["jurisdiction"].widget = forms.HiddenInput()
        if fair:  # a fair's kiosk: always "at a job fair"
            self.fields["channel"].initial = RegistrationChannel.FAIR
            self.fields["channel"].widget = forms.HiddenInput()


STEP_FORMS: dict[str, type[StepForm]] = {
    "identity": IdentityForm,
    "document": DocumentForm,
    "residence": ResidenceForm,
    "work": WorkForm,
    "consents": ConsentForm,
}
STEP_TITLES = {
    "identity": _("About you"),
    "document": _("Your identity document"),
    "residence": _("Where you live"),
    "work": _("Your work"),
    "consents": _("Your consent"),
    "review": _("Check and send"),
}


def worker_input(answers: dict[str, dict[str, Any]], *, phone: str = "") -> WorkerInput:
    """A WorkerInput from the answers of every step (as kept in a draft, JSON-ready)."""

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    i, d, r, w, c = (answers[s] for s in ("identity", "document", "residence", "work", "consents"))
    occupations = [(w["occupation"], w["years"])]
    if w.get("occupation_2"):
        occupations.append((w["occupation_2"], w.get("years_2") or 0))
    languages = [(w["language"], w["level"])]
    if w.get("language_2"):
        languages.append((w["language_2"], w["level_2"]))
    return WorkerInput(
        given_names=i["given_names"],
        first_surname=i["first_surname"],
        second_surname=i.get("second_surname", ""),
        sex=i["sex"],
        birth_date=day(i["birth_date"]),
        nationality=i["nationality"],
        document=DocumentInput(
            kind=d["kind"],
            issuing_country=d["issuing_country"],
            number=d["number"],
            expires_on=day(d.get("expires_on")),
        ),
        phone=phone,
        residence_country=r["residence_country"],
        subdivision=r.get("subdivision", ""),
        municipality=r["municipality"],
        education_level=w["education_level"],
        available_from=day(w.get("available_from")),
        available_to=day(w.get("available_to")),
        relocate_within_country=w.get("relocate_within_country", False),
        work_abroad=w.get("work_abroad", False),
        occupations=occupations,
        languages=languages,
        consents=[purpose for purpose, given in c.items() if given],
    )


class WorkerEditForm(PlainForm):
    """Corrections of a worker's record, by the worker or an official. `version` is the one read,
    so that a concurrent change is refused instead of overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput())
    given_names = IdentityForm.base_fields["given_names"]
    first_surname = IdentityForm.base_fields["first_surname"]
    second_surname = IdentityForm.base_fields["second_surname"]
    sex = IdentityForm.base_fields["sex"]
    birth_date = IdentityForm.base_fields["birth_date"]
    nationality = IdentityForm.base_fields["nationality"]
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    residence_country = ResidenceForm.base_fields["residence_country"]
    subdivision = ResidenceForm.base_fields["subdivision"]  # names, as in the registration
    municipality = forms.CharField(label=_("Municipality"), max_length=120, required=False)
    education_level = forms.ChoiceField(
        label=_("Highest education completed"),
        choices=[("", "—"), *EducationLevel.choices],
        required=False,
    )
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DateInput())
    available_to = forms.DateField(label=_("Available until"), required=False, widget=DateInput())
    relocate_within_country = WorkForm.base_fields["relocate_within_country"]
    work_abroad = WorkForm.base_fields["work_abroad"]

    clean_birth_date = IdentityForm.clean_birth_date

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("subdivision"):
            # The picker posts codes as listed; a client that writes "hn-cr" means the same.
            self.data = self.data.copy()
            self.data["subdivision"] = self.data["subdivision"].strip().upper()
        nationality = self.data.get("nationality") if self.is_bound else None
        subdivision_picker(self, fallback=nationality or self.initial.get("nationality", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        country = data.get("residence_country") or data.get("nationality")
        if data.get("phone") and country:
            try:
                data["phone"] = domain.phone_normalise(data["phone"], country)
            except FieldInvalid as error:
                self.add_error("phone", error.message)
        subdivision = (data.get("subdivision") or "").upper()
        if subdivision and not any(s.code == subdivision for s in subdivision_list(country or "")):
            self.add_error("subdivision", _("This is not a department or state of that country."))
        data["subdivision"] = subdivision
        try:
            domain.availability_check(data.get("available_from"), data.get("available_to"))
        except FieldInvalid as error:
            self.add_error("available_to", error.message)
        return data

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class OccupationRowForm(PlainForm):
    """One occupation of a record being corrected: the registration's ESCO picker (search as you
    type) and its years. `unit` keeps an ISCO-08 unit group named without an ESCO occupation (an
    import's "9211"), shown by its title until the worker picks an occupation of it."""

    occupation = OccupationField(required=False)
    unit = forms.CharField(required=False, widget=forms.HiddenInput())
    years = forms.IntegerField(
        label=_("Years of experience"), min_value=0, max_value=70, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        named = data.get("occupation") or data.get("unit")
        if named and data.get("years") is None and not data.get("DELETE"):
            self.add_error("years", _("How many years of experience in this occupation?"))
        return data

    def claim(self) -> tuple[str, int] | None:
        """(ESCO id or ISCO unit code, years), or None for an empty or removed row."""
        data = self.cleaned_data
        if data.get("DELETE"):
            return None
        if data.get("occupation"):
            return str(data["occupation"].pk), data.get("years") or 0
        if data.get("unit"):
            return data["unit"], data.get("years") or 0
        return None


class LanguageRowForm(PlainForm):
    """One language of a record being corrected: the registration's language list and level."""

    language = forms.ChoiceField(label=_("Language"), choices=language_choices, required=False)
    level = WorkForm.base_fields["level_2"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("language") and not data.get("level") and not data.get("DELETE"):
            self.add_error("level", _("Choose the level of this language."))
        return data

    def claim(self) -> tuple[str, str] | None:
        data = self.cleaned_data
        if data.get("DELETE") or not data.get("language"):
            return None
        return data["language"], data["level"]


class _RowsFormSet(forms.BaseFormSet):
    def claims(self) -> list[Any]:
        return [c for form in self.forms if (c := form.claim()) is not None]

    def clean(self) -> None:
        super().clean()
        keys = [c[0] for form in self.forms if not form.errors and (c := form.claim())]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(_("The same one is given twice."), code="repeated")


# One blank row to add one more; a removed row is ticked, not blanked (a worker on a phone sees
# plainly what goes).
OccupationFormSet = forms.formset_factory(
    OccupationRowForm, formset=_RowsFormSet, extra=1, can_delete=True, max_num=10
)
LanguageFormSet = forms.formset_factory(
    LanguageRowForm, formset=_RowsFormSet, extra=1, can_delete=True, max_num=10
)


def occupation_rows(worker: Any) -> list[dict[str, Any]]:
    """The initial rows of a worker's occupations for OccupationFormSet."""
    return [
        {
            "occupation": o.occupation_id,
            "unit": "" if o.occupation_id else o.isco_group_id,
            "years": o.years_experience,
            "label": o.label,
        }
        for o in worker.occupations.all()
    ]


def language_rows(worker: Any) -> list[dict[str, Any]]:
    return [{"language": x.language, "level": x.level} for x in worker.languages.all()]
