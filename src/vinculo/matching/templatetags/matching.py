from __future__ import annotations

from django import template

from vinculo.matching.ranking import FILTER_TEXTS, REASON_TEXTS

register = template.Library()


@register.filter
def reason_text(reason: dict) -> str:
    """A stored reason ({code, points, params}) as a sentence in the current language."""
    text = REASON_TEXTS.get(reason.get("code", ""))
    if text is None:
        return str(reason.get("code", ""))
    try:
        # `%` on the lazy text itself: a plural text picks its form from the params.
        return str(text % reason.get("params", {}))
    except (KeyError, TypeError, ValueError):
        return str(text)


@register.filter
def points(value: float) -> str:
    value = float(value or 0)
    shown = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"+{shown}" if value > 0 else shown


@register.filter
def filter_text(code: str) -> str:
    return str(FILTER_TEXTS.get(code, code))
