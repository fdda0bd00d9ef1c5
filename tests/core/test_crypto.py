"""Encryption at rest of document numbers, and the keyed hash that finds them."""

import pytest
from django.db import connection

from tests.factories import IdentityDocumentFactory
from vinculo.core.crypto import Sealed, decrypt, encrypt, lookup_hash, seal
from vinculo.registry.models import IdentityDocument


def _stored_number(document: IdentityDocument) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM registry_identitydocument WHERE id = %s", [document.pk])
        return cursor.fetchone()[0]


def test_encryption_is_randomised_and_reversible():
    first, second = encrypt("E4417021"), encrypt("E4417021")
    assert first != second and "E4417021" not in first
    assert decrypt(first) == decrypt(second) == "E4417021"


def test_the_lookup_hash_ignores_punctuation_and_case_but_not_the_namespace():
    same = lookup_hash("0501-1994-04417", namespace="national_id:HN")
    assert same == lookup_hash("0501 1994 04417", namespace="national_id:HN")
    assert lookup_hash("e4417021", namespace="x") == lookup_hash("E4417021", namespace="x")
    assert same != lookup_hash("0501199404417", namespace="national_id:GT")
    assert len(same) == 64 and "04417" not in same


@pytest.mark.django_db
def test_a_number_is_stored_encrypted_and_read_back_in_clear():
    document = IdentityDocumentFactory(number="E4417021")
    stored = _stored_number(document)
    assert "E4417021" not in stored and decrypt(stored) == "E4417021"
    assert IdentityDocument.objects.get(pk=document.pk).number == "E4417021"


@pytest.mark.django_db
def test_a_sealed_number_is_stored_as_it_is_not_encrypted_twice():
    sealed = seal("E4417021")
    assert isinstance(sealed, Sealed) and decrypt(sealed) == "E4417021"
    document = IdentityDocumentFactory(number=sealed)
    assert _stored_number(document) == str(sealed)
    assert IdentityDocument.objects.get(pk=document.pk).number == "E4417021"


@pytest.mark.django_db
def test_an_encrypted_column_cannot_be_filtered_on():
    with pytest.raises(TypeError, match="lookup hash"):
        IdentityDocument.objects.filter(number="E4417021").exists()
    assert not IdentityDocument.objects.filter(number__isnull=True).exists()
