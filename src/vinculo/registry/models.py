from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.core.crypto import EncryptedTextField, lookup_hash
from vinculo.core.models import Jurisdiction, Organisation, TimeStamped
from vinculo.reference.models import Occupation

# Crockford's base32 without I, L, O, U: easy to read aloud and to type from a card.
REGISTRATION_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_registration_number() -> str:
    """A lifetime number, unguessable (50 random bits), shown as VN-XXXXX-XXXXX."""
    body = "".join(secrets.choice(REGISTRATION_ALPHABET) for _ in range(10))
    return f"VN-{body[:5]}-{body[5:]}"


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other or not stated")


class Worker(TimeStamped):
    registration_number = models.CharField(
        _("registration number"),
        max_length=16,
        unique=True,
        default=new_registration_number,
        editable=False,
    )
    # The authority that registered the worker and whose officials see the record.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="workers",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
    )
    given_names = models.CharField(_("given names"), max_length=150)
    first_surname = models.CharField(_("first surname"), max_length=100)
    second_surname = models.CharField(_("second surname"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    nationality = models.CharField(_("nationality"), max_length=2)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164"))
    subdivision = models.CharField(
        _("department or state"), max_length=10, blank=True, help_text=_("ISO 3166-2")
    )
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)

    class Meta:
        ordering = ["first_surname", "second_surname", "given_names"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        indexes = [models.Index(fields=["jurisdiction", "first_surname"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)


class DocumentKind(models.TextChoices):
    NATIONAL_ID = "national_id", _("National identity document")
    PASSPORT = "passport", _("Passport")


class IdentityDocument(TimeStamped):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices)
    issuing_country = models.CharField(_("issuing country"), max_length=2)
    number = EncryptedTextField(_("number"))
    # Two keyed hashes: one identifies the document (kind + country + number, unique), the other
    # finds a number whatever its kind or country (search by number alone).
    number_hash = models.CharField(max_length=64, editable=False)
    search_hash = models.CharField(max_length=64, editable=False, db_index=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        constraints = [
            models.UniqueConstraint(fields=["number_hash"], name="identity_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issuing_country}"

    @staticmethod
    def hash_for(*, kind: str, issuing_country: str, number: str) -> str:
        return lookup_hash(number, namespace=f"{kind}:{issuing_country.upper()}")

    @staticmethod
    def search_hash_for(number: str) -> str:
        return lookup_hash(number, namespace="any")

    @property
    def masked_number(self) -> str:
        return "•" * max(0, len(self.number) - 4) + self.number[-4:]


class WorkerOccupation(models.Model):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="occupations")
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+"
    )
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "occupation"], name="worker_occupation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation} ({self.years_experience})"


class LicenceState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")
    DELISTED = "delisted", _("Delisted")


class AgencyLicence(TimeStamped):
    """The licence of a recruitment agency, granted by one jurisdiction."""

    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="licences")
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("licence number"), max_length=40, unique=True)
    state = models.CharField(
        _("status"), max_length=12, choices=LicenceState.choices, default=LicenceState.APPLIED
    )
    destination_countries = models.JSONField(_("destination countries"), default=list)
    sectors = models.JSONField(_("sectors"), default=list)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency licence")
        verbose_name_plural = _("agency licences")

    def __str__(self) -> str:
        return f"{self.number} ({self.get_state_display()})"
