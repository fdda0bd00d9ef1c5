from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.crypto import EncryptedTextField, lookup_hash
from vinculo.core.models import (
    Jurisdiction,
    Organisation,
    StateEvent,
    TimeStamped,
    VerificationState,
)
from vinculo.reference.levels import CefrLevel
from vinculo.reference.models import IscoGroup, Occupation
from vinculo.registry.domain import name_folded
from vinculo.registry.identity import MATCH_SOURCES, match_keys

# Crockford's base32 without I, L, O, U: easy to read aloud and to type from a card.
REGISTRATION_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_registration_number() -> str:
    """A lifetime number, unguessable (50 random bits from `secrets`, in Crockford's alphabet),
    shown as VN-XXXXX-XXXXX. The bits are drawn in one call: imports draw thousands a second."""
    bits = secrets.randbits(50)
    body = "".join(REGISTRATION_ALPHABET[(bits >> (5 * i)) & 31] for i in range(10))
    return f"VN-{body[:5]}-{body[5:]}"


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other or not stated")


class EducationLevel(models.TextChoices):
    """ISCED 2011 levels (UNESCO), the international standard ministries report in."""

    EARLY = "0", _("Early childhood or no formal education")
    PRIMARY = "1", _("Primary education")
    LOWER_SECONDARY = "2", _("Lower secondary education")
    UPPER_SECONDARY = "3", _("Upper secondary education")
    POST_SECONDARY = "4", _("Post-secondary non-tertiary education")
    SHORT_TERTIARY = "5", _("Short-cycle tertiary education")
    BACHELOR = "6", _("Bachelor's or equivalent")
    MASTER = "7", _("Master's or equivalent")
    DOCTORAL = "8", _("Doctoral or equivalent")


class RegistrationChannel(models.TextChoices):
    SELF = "self", _("Self-registration")
    DESK = "desk", _("At an office")
    FAIR = "fair", _("At a job fair")
    IMPORT = "import", _("Bulk import")
    # Registered by the employer applying for their work permit: the permits service has checked
    # the applicant before it registers the foreign national.
    PERMIT = "permit", _("With a work-permit application")


class Worker(TimeStamped):
    registration_number = models.CharField(
        _("registration number"),
        max_length=16,
        unique=True,
        default=new_registration_number,
        editable=False,
    )
    # The authority that registered the worker and whose officials see the record. No index of
    # its own: the (jurisdiction, first_surname) index starts with it, and every index is one
    # more write per registration (a bulk import writes a hundred thousand).
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="workers",
        db_index=False,
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
    residence_country = models.CharField(
        _("country of residence"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    subdivision = models.CharField(
        _("department or state"), max_length=10, blank=True, help_text=_("ISO 3166-2")
    )
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    education_level = models.CharField(
        _("education level"), max_length=1, blank=True, choices=EducationLevel.choices
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_to = models.DateField(_("available until"), null=True, blank=True)
    relocate_within_country = models.BooleanField(
        _("willing to move within the country"), default=False
    )
    work_abroad = models.BooleanField(_("willing to work abroad"), default=False)
    channel = models.CharField(
        _("registered through"),
        max_length=10,
        choices=RegistrationChannel.choices,
        default=RegistrationChannel.DESK,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Optimistic concurrency: every edit form carries the version it was read at, and a write
    # against an older version is refused instead of silently overwriting someone else's change.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set when an official merged this record into another registration of the same person
    # (linkage.services.pair_merge). The record stays, so that the merge can be undone, but lists,
    # checks and matching leave it out.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="absorbed",
    )
    # Keys the check at registration finds a person by (identity.match_keys). Whatever writes a
    # name, a date of birth or a phone writes them with it: keys_refresh() for one record, the
    # bulk paths (import, demo) row by row. save() computes nothing.
    key_given = models.CharField(max_length=60, blank=True, default="", editable=False)
    key_surname1 = models.CharField(max_length=60, blank=True, default="", editable=False)
    key_surname2 = models.CharField(max_length=60, blank=True, default="", editable=False)
    key_pair_lo = models.CharField(max_length=60, blank=True, default="", editable=False)
    key_pair_hi = models.CharField(max_length=60, blank=True, default="", editable=False)
    key_birth_swapped = models.DateField(null=True, blank=True, editable=False)
    key_phone = models.CharField(max_length=8, blank=True, default="", editable=False)
    # The whole name folded (lower case, no accents: "maría josé lópez" → "maria jose lopez"), so
    # that the worker search finds "López" when an official types "lopez" (selectors.WorkerFilter).
    name_folded = models.CharField(max_length=360, blank=True, default="", editable=False)

    class Meta:
        ordering = ["first_surname", "second_surname", "given_names"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        indexes = [
            models.Index(fields=["jurisdiction", "first_surname"]),
            # The blocks of the check at registration (selectors.likely_matches).
            models.Index(
                fields=["key_pair_lo", "key_pair_hi", "birth_date"], name="worker_key_pair"
            ),
            models.Index(fields=["key_given", "birth_date"], name="worker_key_given_birth"),
            models.Index(fields=["key_surname1", "birth_date"], name="worker_key_surname_birth"),
            models.Index(fields=["key_given", "key_birth_swapped"], name="worker_key_given_swap"),
            models.Index(fields=["key_phone"], name="worker_key_phone"),
            # Pattern operators let PostgreSQL answer a name's start from the index (SQLite's
            # case-insensitive LIKE cannot, and ignores them).
            models.Index(
                fields=["name_folded"], name="worker_name_folded", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def keys_refresh(self) -> list[str]:
        """Recompute the keys from the record's names, date of birth and phone; the fields it
        set, for a save(update_fields=...)."""
        values = match_keys(**{name: getattr(self, name) for name in MATCH_SOURCES})
        names = (self.given_names, self.first_surname, self.second_surname)
        values["name_folded"] = name_folded(*names)
        for name, value in values.items():
            setattr(self, name, value)
        return list(values)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)


class NotTheSame(models.Model):
    """Two records an official has said are different people: at the desk, despite a probable
    match, or on reviewing a possible duplicate (linkage). No check proposes them again.
    The pair is stored once, the lower id first."""

    worker_a = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    worker_b = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("people confirmed as different")
        verbose_name_plural = _("people confirmed as different")
        constraints = [
            models.UniqueConstraint(fields=["worker_a", "worker_b"], name="not_the_same_once"),
            models.CheckConstraint(
                condition=models.Q(worker_a__lt=models.F("worker_b")), name="not_the_same_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_a_id} ≠ {self.worker_b_id}"


class WorkerChange(models.Model):
    """One worker whose record changed in what others read of it: the registry's outbox, written
    in the same transaction as the change (changes.workers_changed). The matching index reads a
    worker changed since its last build from the database."""

    worker_id = models.BigIntegerField(db_index=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("worker change")
        verbose_name_plural = _("worker changes")

    def __str__(self) -> str:
        return str(self.worker_id)


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
    """An occupation of a worker: always its ISCO-08 unit group, and the ESCO occupation when one
    was named. A worker who (or an import that) names only the unit group ("9211, crop farm
    labourers") has no ESCO occupation: picking one of the group's occupations for them would
    record a trade they never claimed (issue 13: 9211 was stored as "vineyard operator").
    Matching reads the unit group alone, so both kinds rank the same."""

    # No index of its own: the unique (worker, occupation) index starts with it.
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="occupations", db_index=False
    )
    isco_group = models.ForeignKey(
        IscoGroup,
        verbose_name=_("ISCO-08 unit group"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "occupation"], name="worker_occupation_unique"
            ),
            # A unit group named on its own, once per worker (NULL occupations never clash in
            # the constraint above).
            models.UniqueConstraint(
                fields=["worker", "isco_group"],
                condition=models.Q(occupation__isnull=True),
                name="worker_occupation_unit_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.years_experience})"

    @property
    def label(self) -> str:
        """The ESCO occupation's name, or the unit group's title when none was named."""
        return self.occupation.label if self.occupation_id else self.isco_group.title


class WorkerLanguage(models.Model):
    # No index of its own: the unique (worker, language) index starts with it.
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="languages", db_index=False
    )
    language = models.CharField(_("language"), max_length=3, help_text=_("ISO 639-1"))
    level = models.CharField(_("level"), max_length=6, choices=CefrLevel.choices)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.UniqueConstraint(fields=["worker", "language"], name="worker_language_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.level}"


class ConsentPurpose(models.TextChoices):
    # Matching and any sharing of the profile with employers or other jurisdictions need this one.
    MATCHING = (
        "matching",
        _("Match me with vacancies and show my profile to the employers who offer them"),
    )
    SHARE_JURISDICTIONS = (
        "share_jurisdictions",
        _("Share my record with the authorities of the country where I would work"),
    )
    NOTICES = "notices", _("Send me notices by SMS about my case and new vacancies")


class Consent(models.Model):
    """One consent given by a worker for one purpose. Withdrawing it keeps the row (the history
    of what was agreed and when is evidence); giving it again adds a new row."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    given_at = models.DateTimeField(_("given on"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["purpose", "-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return self.get_purpose_display()

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class RegistrationDraft(TimeStamped):
    """A self-registration in progress, kept step by step on the server so that a dropped
    connection loses nothing: the worker signs in again and continues where they stopped.

    The answers include a document number, so the whole draft is encrypted at rest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration_draft"
    )
    step = models.CharField(max_length=20)
    data = EncryptedTextField(default="{}")

    class Meta:
        verbose_name = _("registration in progress")
        verbose_name_plural = _("registrations in progress")

    def __str__(self) -> str:
        return f"{self.user} · {self.step}"


class Establishment(TimeStamped):
    """A workplace of an employer: where the workers would actually work."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="establishments"
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    subdivision = models.CharField(
        _("department, province or state"), max_length=10, blank=True, help_text=_("ISO 3166-2")
    )
    municipality = models.CharField(_("municipality or city"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    workers_capacity = models.PositiveIntegerField(
        _("workers it can employ"), null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")

    def __str__(self) -> str:
        return self.name


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


class LicenceEvent(StateEvent):
    """One move of a licence through its lifecycle, with who made it and why. The public
    verification page lists the sanctions among them (suspensions, cancellations, delisting)."""

    licence = models.ForeignKey(AgencyLicence, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=12, choices=LicenceState.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=LicenceState.choices)

    class Meta(StateEvent.Meta):
        verbose_name = _("licence change")
        verbose_name_plural = _("licence changes")

    def __str__(self) -> str:
        return f"{self.licence.number}: {self.from_state} → {self.to_state}"


class VerificationEvent(StateEvent):
    """One move of an employer's verification, with who made it and why."""

    employer = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="verification_events"
    )
    from_state = models.CharField(_("from"), max_length=10, choices=VerificationState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=VerificationState.choices)

    class Meta(StateEvent.Meta):
        verbose_name = _("verification change")
        verbose_name_plural = _("verification changes")

    def __str__(self) -> str:
        return f"{self.employer_id}: {self.from_state} → {self.to_state}"
