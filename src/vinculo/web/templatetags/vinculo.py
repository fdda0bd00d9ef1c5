from __future__ import annotations

from django import template

from vinculo.core.i18n import pick
from vinculo.policy.domain import COST_LABELS
from vinculo.policy.loader import PolicyPackNotFound, pack_get
from vinculo.reference.countries import country_name as _country_name
from vinculo.reference.countries import language_name as _language_name
from vinculo.reference.countries import subdivision_name as _subdivision_name
from vinculo.reference.levels import CefrLevel

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """ "HN" → "Honduras" in the current language."""
    return _country_name(code) if code else ""


@register.filter
def language_name(code: str) -> str:
    """ "es" → "español" in the current language."""
    return _language_name(code) if code else ""


@register.filter
def bilingual(texts: object) -> str:
    """A {es, en} text (a dict or a policy-pack Texts) in the current language."""

    if texts is None:
        return ""
    mapping = texts if isinstance(texts, dict) else texts.model_dump()  # type: ignore[attr-defined]
    return pick(mapping)


@register.filter
def cost_label(code: str) -> str:

    return str(COST_LABELS.get(code, code))


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key)


@register.filter
def form_fields(form: object, names: str) -> list:
    """The bound fields of a form named in a space-separated list, in that order (a name the form
    does not have in this use is left out)."""
    return [form[name] for name in names.split() if name in form.fields]  # type: ignore[attr-defined,index]


@register.filter
def as_list(value: object) -> list:
    return [value]


@register.filter
def person(user: object) -> str:
    """A user's full name, else their user name, else nothing: safe on an optional relation
    (a filter's argument is not, so `x.get_full_name|default:x.username` fails when x is None)."""
    if user is None:
        return ""
    return user.get_full_name() or user.username  # type: ignore[attr-defined]


@register.filter
def subdivision_name(code: str) -> str:
    """ "HN-CR" → "Cortés": people read names, not ISO 3166-2 codes."""
    return _subdivision_name(code) if code else ""


@register.filter
def programme_name(code: str) -> str:
    """A programme's policy-pack code ("CA-TFWP-AG") → its name in the current language."""

    if not code:
        return ""
    try:
        return pick(pack_get(code).name.model_dump())
    except PolicyPackNotFound:
        return code


@register.filter
def level_name(code: str) -> str:
    """A CEFR level code ("native", "A2") → its label in the current language."""
    try:
        return str(CefrLevel(code).label)
    except ValueError:
        return code
