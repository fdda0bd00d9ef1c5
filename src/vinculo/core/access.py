"""Who may do what, where. Every selector scopes its queryset through here and fails closed.

`scope_for(user, perm)` answers with the jurisdictions in which the user holds `perm`:
`Scope.everywhere()` for roles that act across jurisdictions, `Scope.nowhere()` for anyone else
without the permission (anonymous and inactive users included).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from vinculo.core.permissions import ROLE_PERMISSIONS

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    all: bool
    jurisdiction_ids: frozenset[int]

    @classmethod
    def everywhere(cls) -> Scope:
        return cls(all=True, jurisdiction_ids=frozenset())

    @classmethod
    def nowhere(cls) -> Scope:
        return cls(all=False, jurisdiction_ids=frozenset())

    @property
    def empty(self) -> bool:
        return not self.all and not self.jurisdiction_ids

    def allows(self, jurisdiction_id: int | None) -> bool:
        """Whether an object of this jurisdiction is inside the scope (fails closed on None)."""
        return self.all or (
            jurisdiction_id is not None and jurisdiction_id in self.jurisdiction_ids
        )

    def q(self, field: str = "jurisdiction") -> Q:
        """A filter for rows whose `field` (a jurisdiction FK) is inside this scope."""
        if self.all:
            return Q()
        return Q(**{f"{field}__in": self.jurisdiction_ids})

    def apply(self, queryset: QuerySet[M], field: str = "jurisdiction") -> QuerySet[M]:
        if self.empty:
            return queryset.none()
        return queryset.filter(self.q(field))


def acting_user(actor: Any) -> Any:
    """The actor as the user a record names as having done something, or None for anyone not
    signed in (a self-registration's first step, a task)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _live(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_can(user: Any, perm: str) -> bool:
    """Whether the user holds `perm` in any jurisdiction: for menus and for acts that are about
    no object yet. An act on an object asks `user_can_in` with the object's jurisdiction."""
    return _live(user) and any(perm in ROLE_PERMISSIONS[m.role] for m in user.active_memberships)


def user_can_in(user: Any, perm: str, jurisdiction_id: int | None) -> bool:
    """Whether the user holds `perm` in the jurisdiction of the object they act on. Someone who
    is an official in one country and a caseworker in another acts as an official only on the
    first one's objects."""
    return scope_for(user, perm).allows(jurisdiction_id)


def scope_for(user: Any, perm: str) -> Scope:
    if not _live(user):
        return Scope.nowhere()
    ids: set[int] = set()
    for membership in user.active_memberships:
        if perm not in ROLE_PERMISSIONS[membership.role]:
            continue
        if membership.jurisdiction_id is None:
            return Scope.everywhere()
        ids.add(membership.jurisdiction_id)
    return Scope(all=False, jurisdiction_ids=frozenset(ids))


def get_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """The object if it is in the (already scoped) queryset, else one uniform 404.

    Whether the object does not exist or exists outside the actor's scope, the answer is the same,
    so existence never leaks across jurisdictions.
    """
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
