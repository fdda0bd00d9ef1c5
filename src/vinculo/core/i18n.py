"""Helpers for content stored in both languages (names, labels, explanations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language

FALLBACK = ("es", "en")


def current_language() -> str:
    return (get_language() or "es")[:2]


def pick(texts: Mapping[str, str], language: str | None = None) -> str:
    """The text in the current language from a {"es": ..., "en": ...} mapping, else a fallback."""
    language = language or current_language()
    for lang in (language, *FALLBACK):
        if texts.get(lang):
            return texts[lang]
    return ""


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """`obj.<field>_<lang>` in the current language, else a fallback."""
    return pick(
        {lang: getattr(obj, f"{field}_{lang}", "") for lang in ("es", "en", "fr")}, language
    )
