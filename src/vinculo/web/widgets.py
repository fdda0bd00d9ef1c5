"""Form widgets for public pages, where a form is drawn on every request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


class PlainSelect(forms.Select):
    """A select drawn as plain strings instead of one template per option.

    Django's Select renders an include of `select_option.html` for every choice: for the 249
    countries of the vacancy board's filter that was most of the page's time (about 30 ms of
    40). This writes the same markup as Django's templates, for flat choices (no groups), so
    validation, labels and ids stay Django's; only the drawing is cheaper.
    """

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', name, flatatt(final_attrs))]
        selected_one = False
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            # One option selected at the most, like Django's Select.
            mark = ""
            if not selected_one and text in chosen:
                mark, selected_one = " selected", True
            parts.append(f'\n  <option value="{escape(text)}"{mark}>{escape(label)}</option>')
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above
