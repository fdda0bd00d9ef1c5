"""Reads of the core app, each scoped to what the actor may see."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.errors import ValidationFailed
from vinculo.core.models import Actor, AuditEvent, Export, Jurisdiction, User
from vinculo.core.permissions import Perm


@dataclass(frozen=True)
class AuditFilter:
    verb: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    # A filter the user got wrong (a date that is no date) matches nothing: the whole log would
    # read as its answer.
    invalid: bool = False

    def apply(self, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.invalid:
            return queryset.none()
        if self.verb:
            queryset = queryset.filter(verb=self.verb)
        if self.actor:
            queryset = queryset.filter(actor_label__icontains=self.actor)
        if self.object_type:
            queryset = queryset.filter(object_type=self.object_type)
        if self.object_id:
            queryset = queryset.filter(object_id=self.object_id)
        tz = timezone.get_current_timezone()
        if self.date_from:
            queryset = queryset.filter(at__gte=datetime.combine(self.date_from, time.min, tz))
        if self.date_to:
            queryset = queryset.filter(at__lte=datetime.combine(self.date_to, time.max, tz))
        return queryset

    def as_params(self) -> dict[str, str]:
        return {
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items() if v
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> AuditFilter:
        values = dict(params)
        for key in ("date_from", "date_to"):
            if values.get(key):
                values[key] = date.fromisoformat(values[key])
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


def audit_event_list(*, actor: User, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Events of the jurisdictions where the actor may read the log. Events filed under no
    jurisdiction (e.g. a failed sign-in with an unknown user name) are for cross-jurisdiction
    auditors only."""
    scope = scope_for(actor, Perm.VIEW_AUDIT_LOG)
    events = scope.apply(AuditEvent.objects.select_related("jurisdiction"))
    return (filters or AuditFilter()).apply(events)


AUDIT_EXPORT_HEADER = [
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "jurisdiction",
    "ip",
    "reason",
    "before",
    "after",
]


def audit_export_rows(*, actor: User, params: dict) -> tuple[list[str], int, Iterator[list]]:
    events = audit_event_list(actor=actor, filters=AuditFilter.from_params(params))

    def rows() -> Iterator[list]:
        for event in events.iterator(chunk_size=2000):
            yield [
                event.at.isoformat(),
                event.actor_label,
                event.verb,
                event.object_type,
                event.object_id,
                event.jurisdiction.code if event.jurisdiction else "",
                event.ip or "",
                event.reason,
                json.dumps(event.before, ensure_ascii=False) if event.before is not None else "",
                json.dumps(event.after, ensure_ascii=False) if event.after is not None else "",
            ]

    return AUDIT_EXPORT_HEADER, events.count(), rows()


def export_get(*, actor: User, export_id: Any) -> Export:
    """Exports are personal: only the person who asked for one sees it."""
    if not getattr(actor, "is_authenticated", False):
        return get_or_404(Export.objects.none(), pk=export_id)
    return get_or_404(Export.objects.filter(requested_by=actor), pk=export_id)


def organisation_own_list(*, actor: User) -> list:
    """The organisations the actor belongs to (employer, agency, operator staff)."""
    if not actor.can(Perm.VIEW_OWN_ORGANISATION):
        return []
    seen = {}
    for membership in actor.active_memberships:
        if membership.organisation_id:
            seen[membership.organisation_id] = membership.organisation
    return sorted(seen.values(), key=lambda o: o.name)


def jurisdictions_for(*, actor: Actor, perm: str) -> QuerySet[Jurisdiction]:
    """The active jurisdictions where the actor holds `perm`: a form asks which when several."""
    scope = scope_for(actor, perm)
    if scope.empty:
        return Jurisdiction.objects.none()
    active = Jurisdiction.objects.filter(is_active=True)
    return active if scope.all else active.filter(pk__in=scope.jurisdiction_ids)


def jurisdiction_pick(*, actor: Actor, perm: str, value: Any, message: Any) -> Jurisdiction:
    """The jurisdiction named by `value` (id or code) among the actor's, or their only one; else
    `message` as a field error (one the actor may not act in is not named as such)."""
    allowed = list(jurisdictions_for(actor=actor, perm=perm))
    if value not in (None, ""):
        for jurisdiction in allowed:
            if str(jurisdiction.pk) == str(value) or jurisdiction.code == value:
                return jurisdiction
    elif len(allowed) == 1:
        return allowed[0]
    raise ValidationFailed(message, code="jurisdiction", field="jurisdiction")
