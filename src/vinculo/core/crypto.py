"""Encryption at rest for personal document numbers, with an exact-match keyed hash.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`); MultiFernet
decrypts with any configured key and encrypts with the first, so keys can be rotated. Because the
ciphertext is randomised, exact search goes through a separate HMAC-SHA256 of the normalised value
under its own key: equal numbers give equal hashes, and the hash reveals nothing without the key.
"""

from __future__ import annotations

import hmac
import re
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def normalise_document_number(value: str) -> str:
    """'0801-1990-12345' and '0801 1990 12345' are the same number."""
    return _NOT_ALNUM.sub("", value.upper())


@cache
def _lookup_key() -> bytes:
    return settings.FIELD_LOOKUP_KEY.encode()


def lookup_hash(value: str, *, namespace: str) -> str:
    """Keyed hash for exact search; the namespace keeps equal numbers of different kinds apart."""
    message = f"{namespace}:{normalise_document_number(value)}".encode()
    return hmac.digest(_lookup_key(), message, "sha256").hex()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode("ascii")


class Sealed(str):
    """A value already encrypted (by `seal`), which an EncryptedTextField stores as it is. Bulk
    imports seal document numbers in the process that checks the rows, off the writing one."""


def seal(value: str) -> Sealed:
    return Sealed(encrypt(value))


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; it cannot be filtered on (use a lookup-hash column)."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return str(value) if isinstance(value, Sealed) else encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(
                f"{self.name} is encrypted and cannot be searched with "
                f"'{lookup_name}'; search its lookup hash instead"
            )
        return super().get_lookup(lookup_name)
