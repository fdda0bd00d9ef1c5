"""What every app checks values with: the error a check raises (`FieldInvalid`: a stable code and
the parameters of its message, rendered in the reader's language when shown, so an import can
store the code and show it later in whatever language is active), the messages of the codes,
`fold`, the comparison form of a typed text, and `add_months` for dates. The checks themselves
live with the records they check (`registry.domain` for phones, documents, dates, languages and
occupation codes).
"""

from __future__ import annotations

import calendar
import functools
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

# --- errors -----------------------------------------------------------------------------------

MESSAGES: dict[str, Any] = {
    "required": _("This value is required."),
    "too_long": _("At most %(max)s characters."),
    "country_unknown": _("«%(value)s» is not an ISO 3166-1 two-letter country code."),
    "subdivision_unknown": _(
        "«%(value)s» is not an ISO 3166-2 department or state code of %(country)s."
    ),
    "phone_invalid": _("«%(value)s» is not a valid phone number in %(country)s."),
    "document_kind_unknown": _("The document type must be national_id or passport."),
    "document_format": _("«%(value)s» does not have the format of a %(document)s: %(expected)s."),
    "document_check_digit": _("The check digit of this %(document)s is wrong."),
    "date_invalid": _("«%(value)s» is not a date in the form YYYY-MM-DD."),
    "date_in_future": _("The date cannot be in the future."),
    "date_order": _("This date must not be before %(other)s."),
    "available_order": _("This date is before the first one."),
    "minor": _("The person must be at least %(min_age)s years old."),
    "too_old": _("A birth date more than %(max_age)s years ago is not plausible."),
    "yes_no_invalid": _("«%(value)s» is not yes or no."),
    "sex_invalid": _("«%(value)s» must be F, M or X."),
    "cefr_invalid": _("«%(value)s» is not a CEFR level (A1 to C2) or native."),
    "language_unknown": _("«%(value)s» is not an ISO 639 language code."),
    "language_repeated": _("The language %(value)s appears twice."),
    "list_item_invalid": _("«%(value)s» must be written code:value."),
    "isced_invalid": _("«%(value)s» is not an ISCED 2011 level (0 to 8)."),
    "occupation_code_invalid": _(
        "«%(value)s» is neither an ISCO-08 unit group code (four digits) nor an ESCO occupation id."
    ),
    "occupation_unknown": _("The occupation %(value)s is not in the ISCO-08/ESCO reference."),
    "occupation_repeated": _("The occupation %(value)s appears twice."),
    "years_invalid": _("«%(value)s» is not a number of years between 0 and %(max)s."),
}


class FieldInvalid(ValueError):
    """A value that cannot be accepted, with a stable code and the parameters of its message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return message_for(self.code, self.params)

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code


def message_for(code: str, params: Mapping[str, Any] | None = None, extra: Mapping | None = None):
    """The message of a code in the active language. `extra` adds the messages of a caller (the
    import adds its own codes)."""
    template = (extra or {}).get(code) or MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % dict(params or {})
    except (KeyError, TypeError, ValueError):
        return str(template)


# --- text -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case without accents: 'Sí' and 'si' are the same answer. Remembered: names and
    answers repeat (a bulk import folds the same few thousand names again and again)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def add_months(start: date, months: int) -> date:
    """The same day `months` later (or the month's last day: 31 January + 1 month is 28 or 29
    February)."""
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
