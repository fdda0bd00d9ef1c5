"""Reads of imports, scoped to the jurisdictions where the actor may import: an import of
another jurisdiction does not exist for them (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.imports.models import Import, ImportRowError


def import_list(*, actor: Actor) -> QuerySet[Import]:
    scope = scope_for(actor, Perm.IMPORT_REGISTRY)
    return scope.apply(Import.objects.select_related("jurisdiction", "requested_by"))


def import_get(*, actor: Actor, import_id: Any) -> Import:
    return get_or_404(import_list(actor=actor), pk=import_id)


def import_error_list(*, run: Import) -> QuerySet[ImportRowError]:
    return run.row_errors.all()
