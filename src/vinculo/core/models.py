from __future__ import annotations

from typing import TypeAlias

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import user_can
from vinculo.core.audit import AuditVerb
from vinculo.core.i18n import localized
from vinculo.core.permissions import JURISDICTION_BOUND_ROLES, Role
from vinculo.core.runs import Run


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Jurisdiction(TimeStamped):
    """A country authority within which officials act, e.g. Honduras' Secretaría de Trabajo."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry or authority")
    PROGRAMME_OPERATOR = "programme_operator", _("Programme operator")
    EMPLOYER = "employer", _("Employer")
    EMPLOYER_ASSOCIATION = "employer_association", _("Employer association")
    RECRUITMENT_AGENCY = "recruitment_agency", _("Recruitment agency")


class VerificationState(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Organisation(TimeStamped):
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=255)
    country = models.CharField(_("country"), max_length=2)
    # The authority the organisation answers to; foreign employers answer to the jurisdiction of
    # the programme they hire through.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    tax_id = models.CharField(_("tax ID"), max_length=50, blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    # Employers (and employer associations) are verified by an official of their jurisdiction
    # before any job order of theirs can be published.
    verification_state = models.CharField(
        _("verification"),
        max_length=10,
        choices=VerificationState.choices,
        default=VerificationState.PENDING,
    )
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "core.User",
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    # Kept by placements (a layer above): costs workers paid that this employer, or the agency
    # that recruited for it, should have borne. Shown on its pages and its public check.
    fee_violations = models.PositiveIntegerField(_("fee violations recorded"), default=0)
    fee_violations_open = models.PositiveIntegerField(_("fee violations not refunded"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_id"],
                condition=~Q(tax_id=""),
                name="organisation_unique_tax_id_per_country",
            )
        ]

    def __str__(self) -> str:
        return self.name


class StateEvent(models.Model):
    """One move of a record through its lifecycle: from, to, why, by whom, when. Each lifecycle
    has its table of these, with a foreign key to its record (`Lifecycle.subject`)."""

    from_state = models.CharField(_("from"), max_length=20)
    to_state = models.CharField(_("to"), max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class User(AbstractUser):
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        blank=True,
        choices=[("es", "Español"), ("en", "English")],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def active_memberships(self) -> list[Membership]:
        """Memberships in force, read once per request (request.user lives one request)."""
        return list(
            self.memberships.select_related("jurisdiction", "organisation").filter(
                Q(valid_to__isnull=True) | Q(valid_to__gt=timezone.now())
            )
        )

    def can(self, perm: str) -> bool:

        return user_can(self, perm)

    @property
    def roles(self) -> list[str]:
        return sorted({m.role for m in self.active_memberships})


class Membership(TimeStamped):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("Empty only for roles that act across jurisdictions."),
    )
    valid_to = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in JURISDICTION_BOUND_ROLES))
                | Q(jurisdiction__isnull=False),
                name="membership_bound_role_has_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "jurisdiction"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AuditEvent(models.Model):
    """One line of the append-only audit log: a write, or an access worth knowing about.

    Rows are never updated or deleted: database triggers (migration 0002) refuse it, so even a
    bug or a shell session cannot rewrite history.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    verb = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    request_id = models.CharField(_("request"), max_length=32, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb}"

    @property
    def verb_label(self) -> str:
        """The action in the reader's language ("Signed in"); the code itself when the verb
        is not one of today's (an older version's, kept as written)."""

        try:
            return str(AuditVerb(self.verb).label)
        except ValueError:
            return self.verb

    @property
    def object_label(self) -> str:
        """What the event is about, in the reader's language: "worker no. 3004", not
        "registry.worker 3004". Only the kind and the number: no personal data in the log."""
        if not self.object_type:
            return ""
        try:
            kind = str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            kind = self.object_type
        return _("%(kind)s no. %(id)s") % {"kind": kind, "id": self.object_id}


class Export(Run):
    """A file built in the background for one person, with its progress."""

    kind = models.CharField(_("kind"), max_length=40)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="exports")
    params = models.JSONField(default=dict, blank=True)
    file_name = models.CharField(max_length=255, blank=True)

    progress_unit = _("%(done)s of %(total)s rows")

    class Meta(Run.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"


# Who acts on a service or selector: a signed-in user, or nobody on a public page (services that
# need someone refuse the second; selectors scope it to nothing).
Actor: TypeAlias = User | AnonymousUser


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed after every retry")


class Notification(TimeStamped):
    """A notice to one person by SMS or e-mail, kept in an outbox: it is written in the
    transaction of what it tells, and sent (and retried) after it by vinculo.core.notify."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(
        _("channel"), max_length=5, choices=[("sms", "SMS"), ("email", "E-mail")]
    )
    address = models.CharField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=5)
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # A message that carries a secret (a one-time code): its body is blanked once sent.
    secret = models.BooleanField(default=False)
    state = models.CharField(
        _("state"), max_length=7, choices=NotificationState.choices, default="pending"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_try_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} ({self.state})"


class DailyRun(models.Model):
    """A daily task enqueued on a day (vinculo.core.schedule): at most once a day each."""

    name = models.CharField(max_length=120)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="daily_run_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
