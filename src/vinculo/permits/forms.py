from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vinculo.core.i18n import pick
from vinculo.permits.models import PermitAttendance
from vinculo.permits.services import ApplicationInput, PassportInput, PersonInput
from vinculo.policy.schema import Authorisation
from vinculo.registry.forms import DateInput, country_choices
from vinculo.registry.models import Sex


class TermsForm(forms.Form):
    """The job and, where the law counts them, the employer's staff: what a draft's editor
    changes. `version` is the draft's, as the editor read it."""

    category = forms.ChoiceField(label=_("Category"))
    months = forms.TypedChoiceField(label=_("Stay asked for, in months"), coerce=int)
    occupation = forms.RegexField(
        label=_("Occupation (ISCO-08 code)"),
        regex=r"^\d{4}$",
        help_text=_("Four digits, e.g. 2141 for industrial engineers."),
        error_messages={"invalid": _("Write the four digits of the ISCO-08 unit group.")},
    )
    start_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    salary = forms.DecimalField(
        label=_("Monthly salary"), max_digits=12, decimal_places=2, min_value=Decimal(1)
    )
    weekly_hours = forms.DecimalField(
        label=_("Hours a week"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal(1),
        max_value=Decimal(84),
    )
    national_workers = forms.IntegerField(
        label=_("National workers today"), min_value=0, required=False
    )
    foreign_workers = forms.IntegerField(
        label=_("Foreign workers today"), min_value=0, required=False
    )
    national_payroll = forms.DecimalField(
        label=_("Monthly payroll of national workers"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )
    foreign_payroll = forms.DecimalField(
        label=_("Monthly payroll of foreign workers"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    JOB = ("category", "months", "occupation", "start_on", "salary", "weekly_hours")
    WORKFORCE = ("national_workers", "foreign_workers", "national_payroll", "foreign_payroll")

    def __init__(
        self,
        *args: Any,
        auth: Authorisation,
        currency: str,
        by_worker: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        categories = auth.categories_for(by_worker=by_worker)
        self.fields["category"].choices = [(c.code, pick(c.name.model_dump())) for c in categories]
        months = sorted({m for c in categories for m in c.months})
        self.fields["months"].choices = [(m, str(m)) for m in months]
        self.fields["salary"].help_text = _("In %(currency)s, before deductions.") % {
            "currency": currency
        }
        self.counts_workforce = bool(auth.national_share) and not by_worker
        if not self.counts_workforce:
            for name in self.WORKFORCE:
                del self.fields[name]

    def terms(self) -> ApplicationInput:
        data = self.cleaned_data
        return ApplicationInput(
            currency=self.currency,
            **{name: data[name] for name in self.JOB},
            **{name: data.get(name) for name in self.WORKFORCE},
        )


class ApplicationForm(TermsForm):
    """The foreign national, the job and, where the law counts them, the employer's staff."""

    given_names = forms.CharField(label=_("Given names"), max_length=150)
    first_surname = forms.CharField(label=_("First surname"), max_length=100)
    second_surname = forms.CharField(label=_("Second surname"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput())
    nationality = forms.ChoiceField(label=_("Nationality"))
    passport_number = forms.CharField(label=_("Passport number"), max_length=30)
    passport_expires_on = forms.DateField(label=_("Passport valid until"), widget=DateInput())
    phone = forms.CharField(
        label=_("Phone of the foreign national"),
        max_length=20,
        required=False,
        help_text=_("With the country code, e.g. +505 8888 1234."),
    )

    PERSON = (
        "given_names",
        "first_surname",
        "second_surname",
        "sex",
        "birth_date",
        "nationality",
        "passport_number",
        "passport_expires_on",
        "phone",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = country_choices()

    def person(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(**{name: data[name] for name in self.PERSON})


class SelfApplicationForm(TermsForm):
    """A foreign national's own application: the employer who offered the job, the job, and
    their passport when their record holds none yet."""

    employer = forms.ModelChoiceField(
        label=_("The employer who offered you the job"),
        queryset=None,
        help_text=_("Only employers verified by the labour authority are listed."),
    )
    passport_number = forms.CharField(label=_("Passport number"), max_length=30, required=False)
    passport_expires_on = forms.DateField(
        label=_("Passport valid until"), widget=DateInput(), required=False
    )

    def __init__(self, *args: Any, employers: Any, passport_known: bool, **kwargs: Any) -> None:
        super().__init__(*args, by_worker=True, **kwargs)
        self.fields["employer"].queryset = employers
        self.passport_known = passport_known
        if passport_known:
            del self.fields["passport_number"]
            del self.fields["passport_expires_on"]
        else:
            self.fields["passport_number"].required = True
            self.fields["passport_expires_on"].required = True

    def passport(self) -> PassportInput | None:
        if self.passport_known:
            return None
        return PassportInput(
            number=self.cleaned_data["passport_number"],
            expires_on=self.cleaned_data["passport_expires_on"],
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The agencies read it. A withdrawn application cannot be taken up again."),
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("A photo (JPEG, PNG or WebP) or a PDF, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choices


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("refuse", _("Refuse, with the reasons")),
            ("request_info", _("Ask the applicant for information")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons, or what is needed"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant reads this, in the words you write."),
    )
    expected = forms.CharField(widget=forms.HiddenInput, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PermitMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("Change"))
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, moves: dict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(to, move.label) for to, move in moves.items()]


class PermitCheckForm(forms.Form):
    number = forms.CharField(
        label=_("Permit number"),
        max_length=30,
        help_text=_("As printed on the permit, e.g. CR-PT-2026-000012."),
    )


class RenewForm(forms.Form):
    start_on = forms.DateField(
        label=_("The new stay starts on"),
        widget=DateInput(),
        help_text=_("The same employer, category and terms; the documents still valid go along."),
    )


class EmployerChangeForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("New employer"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, employers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers


class KioskForm(ApplicationForm):
    """A border post's kiosk: the seasonal worker, their employer and the passport photographed,
    in one screen an official fills with the worker in front of them."""

    border_post = forms.ChoiceField(label=_("Border post"))
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=None)
    passport = forms.FileField(
        label=_("Photo of the passport's data page"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf", "capture": "environment"}),
    )

    def __init__(self, *args: Any, employers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auth = kwargs["auth"]
        kiosk = [c for c in auth.categories if c.border_posts]
        self.fields["category"].choices = [(c.code, pick(c.name.model_dump())) for c in kiosk]
        self.fields["months"].choices = sorted({(m, str(m)) for c in kiosk for m in c.months})
        posts = sorted({p for c in kiosk for p in c.border_posts})
        self.fields["border_post"].choices = [(p, p) for p in posts]
        self.fields["employer"].queryset = employers


class AttendanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Movement"), choices=PermitAttendance.Kind.choices)
    on = forms.DateField(label=_("Day"), widget=DateInput())
