"""Django admin for the administrator role: users, memberships, organisations, jurisdictions.
The audit log is read-only here as everywhere."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from vinculo.core.models import AuditEvent, Jurisdiction, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"
    autocomplete_fields = ["organisation", "jurisdiction"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "country", "name_es", "is_active"]
    search_fields = ["code", "name_es", "name_en"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "jurisdiction"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "tax_id"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "verb", "object_type", "object_id", "jurisdiction"]
    list_filter = ["verb"]
    search_fields = ["actor_label", "object_id"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
