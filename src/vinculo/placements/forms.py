from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vinculo.core.errors import ValidationFailed
from vinculo.jobs.models import ORDER_COSTS, Payer, WageBasis
from vinculo.placements.domain import CostItem, Payee
from vinculo.placements.models import AttendanceKind, PayPeriod
from vinculo.placements.services import csv_text
from vinculo.policy.domain import COST_LABELS


class TermsFoundForm(forms.Form):
    """The terms of a later contract document, as the caseworker reads them off the paper (or
    the change of terms announced). It opens filled with the offer: change only what differs."""

    where = forms.CharField(
        label=_("Where and when the document was presented"),
        max_length=200,
        help_text=_("For example: at the airport, on departure day; at the farm, on arrival."),
    )
    employer = forms.CharField(label=_("Employer"), max_length=200)
    worksite = forms.CharField(label=_("Worksite"), max_length=300)
    wage_amount = forms.DecimalField(
        label=_("Wage"), max_digits=12, decimal_places=2, min_value=Decimal(0)
    )
    wage_currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    wage_basis = forms.ChoiceField(label=_("Paid"), choices=WageBasis.choices)
    guaranteed_hours = forms.IntegerField(label=_("Hours of work guaranteed in all"), min_value=0)
    weekly_hours = forms.DecimalField(
        label=_("Hours a week"), max_digits=4, decimal_places=1, min_value=Decimal(0)
    )
    overtime = forms.CharField(
        label=_("Overtime"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    start = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    housing_provided = forms.BooleanField(label=_("Housing provided"), required=False)
    housing_weekly_cost = forms.DecimalField(
        label=_("Housing cost to the worker, a week"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )
    deductions = forms.CharField(
        label=_("Deductions from pay"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line, name and amount: e.g. “uniform: 20”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in ORDER_COSTS:
            self.fields[f"cost_{item}"] = forms.ChoiceField(
                label=COST_LABELS[item], choices=[("", "—"), *Payer.choices], required=False
            )

    @staticmethod
    def initial_from(terms: dict[str, Any]) -> dict[str, Any]:
        return {
            "employer": terms["employer"],
            "worksite": terms["worksite"],
            "wage_amount": terms["wage"]["amount"],
            "wage_currency": terms["wage"]["currency"],
            "wage_basis": terms["wage"]["basis"],
            "guaranteed_hours": terms["guaranteed_hours"],
            "weekly_hours": terms["weekly_hours"],
            "overtime": terms["overtime"],
            "start": terms["period"]["start"],
            "end": terms["period"]["end"],
            "housing_provided": terms["housing"]["provided"],
            "housing_weekly_cost": terms["housing"]["weekly_cost"],
            "deductions": "\n".join(f"{k}: {v}" for k, v in terms["deductions"].items()),
            **{f"cost_{item}": payer for item, payer in terms["costs"].items()},
        }

    def clean_wage_currency(self) -> str:
        return self.cleaned_data["wage_currency"].upper()

    def clean_deductions(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["deductions"].splitlines(), 1):
            if not line.strip():
                continue
            name, _sep, amount = line.rpartition(":")
            try:
                value = Decimal(amount.strip())
            except ArithmeticError:
                value = None
            if not name.strip() or value is None or value < 0:
                raise forms.ValidationError(
                    _("Line %(line)s is not “name: amount”."), params={"line": number}
                )
            found[name.strip()] = str(value)
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def terms(self) -> dict[str, Any]:
        """The terms found, in the shape of the frozen offer (terms.FIELDS)."""
        d = self.cleaned_data
        return {
            "employer": d["employer"].strip(),
            "worksite": d["worksite"].strip(),
            "wage": {
                "amount": str(d["wage_amount"]),
                "currency": d["wage_currency"],
                "basis": d["wage_basis"],
            },
            "guaranteed_hours": d["guaranteed_hours"],
            "weekly_hours": str(d["weekly_hours"]),
            "overtime": d["overtime"].strip(),
            "period": {"start": d["start"].isoformat(), "end": d["end"].isoformat()},
            "housing": {
                "provided": d["housing_provided"],
                "weekly_cost": str(d["housing_weekly_cost"] or Decimal("0.00")),
                "currency": d["wage_currency"],
            },
            "costs": {item: d[f"cost_{item}"] for item in ORDER_COSTS if d.get(f"cost_{item}")},
            "deductions": d["deductions"],
        }


class ContractCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code of the contract"),
        max_length=20,
        help_text=_("Printed on the contract beside its QR code, e.g. CT-7K3M-9Q2X."),
    )


class FeeForm(forms.Form):
    """A cost the worker paid, as they or a caseworker record it."""

    item = forms.ChoiceField(label=_("What was it for"), choices=CostItem.choices)
    payee = forms.ChoiceField(label=_("Paid to"), choices=Payee.choices)
    payee_name = forms.CharField(
        label=_("Name of whom was paid"),
        max_length=200,
        required=False,
        help_text=_("The agency, the person or the office, as on the receipt."),
    )
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[])
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.FileField(
        label=_("Photo of the receipt"),
        required=False,
        help_text=_("Optional: a photo (JPEG, PNG or WebP) or a PDF, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c) for c in currencies]


class RefundForm(forms.Form):
    refunded_on = forms.DateField(
        label=_("Refunded on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(
        label=_("Proof of the refund"),
        help_text=_("A photo or a PDF of the receipt or bank slip, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


YES_NO = [("yes", _("Yes")), ("no", _("No")), ("", _("Did not say"))]


def _answer(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class CheckInForm(forms.Form):
    """A check-in's questions, in the words the worker hears them."""

    paid_on_time = forms.ChoiceField(
        label=_("Were you paid on time?"), choices=YES_NO, required=False, widget=forms.RadioSelect
    )
    pay_amount = forms.DecimalField(
        label=_("How much were you paid?"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    pay_currency = forms.ChoiceField(label=_("Currency"), choices=[], required=False)
    pay_period = forms.ChoiceField(
        label=_("For how long?"), choices=[("", "—"), *PayPeriod.choices], required=False
    )
    recovering_deductions = forms.DecimalField(
        label=_("Of that, how much was taken off to pay back recruitment costs?"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )
    hours_worked = forms.DecimalField(
        label=_("How many hours did you work last week?"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(168),
        required=False,
    )
    housing_ok = forms.ChoiceField(
        label=_("Is your housing decent?"), choices=YES_NO, required=False, widget=forms.RadioSelect
    )
    documents_in_hand = forms.ChoiceField(
        label=_("Do you have your passport and documents with you?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    safe = forms.ChoiceField(
        label=_("Do you feel safe?"), choices=YES_NO, required=False, widget=forms.RadioSelect
    )
    wants_contact = forms.ChoiceField(
        label=_("Do you want someone to call you?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything else?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pay_currency"].choices = [(c, c) for c in currencies]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("pay_amount") and not data.get("pay_period"):
            self.add_error("pay_period", _("Say the time this pay is for."))
        return data

    def answers(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "paid_on_time": _answer(d["paid_on_time"]),
            "pay_amount": d["pay_amount"],
            "pay_currency": d["pay_currency"] or "",
            "pay_period": d["pay_period"] or "",
            "recovering_deductions": d["recovering_deductions"] or Decimal(0),
            "hours_worked": d["hours_worked"],
            "housing_ok": _answer(d["housing_ok"]),
            "documents_in_hand": _answer(d["documents_in_hand"]),
            "safe": _answer(d["safe"]),
            "wants_contact": _answer(d["wants_contact"]),
            "note": d["note"],
        }


class RatesForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of rates"),
        help_text=_(
            "Columns: date, base, quote, rate, source (a header row first). One row a day and "
            "pair: 2026-11-30,CAD,HNL,18.9321,Banco Central de Honduras."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The file's text (services.csv_text)."""
        try:
            return csv_text(self.cleaned_data["file"])
        except ValidationFailed as error:
            raise forms.ValidationError(str(error.message)) from None


class EvaluationForm(forms.Form):
    rehire = forms.ChoiceField(
        label=_("Would you have this worker back next season?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label=_("How did the season go? (1 badly, 5 very well)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttendanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=AttendanceKind.choices)
    on = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster (CSV)"),
        help_text=_(
            "Columns: contract, event, date (a header row first); event is “arrived” or "
            "“left”: CT-7K3M-9Q2X,arrived,2027-04-03."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    clean_file = RatesForm.clean_file
