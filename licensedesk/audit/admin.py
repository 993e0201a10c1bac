import json

from django.contrib import admin

from licensedesk.accounts.models import Organization
from licensedesk.audit.models import AuditEvent
from licensedesk.audit.services import record


def _company_of(obj):
    if isinstance(obj, Organization):
        return obj
    return getattr(obj, "organization", None) if getattr(obj, "organization_id", None) else None


def _fields_of(message) -> list[str]:
    """The changed fields named by the admin's change message (a list, or its JSON)."""
    if isinstance(message, str):
        try:
            message = json.loads(message or "[]")
        except ValueError:
            return []
    return [field for part in message for field in part.get("changed", {}).get("fields", [])]


class AuditedAdminMixin:
    """What vendor staff add, change and delete in the back office goes to the audit log like
    any other change: actor, object, changed fields (Django calls these hooks for its forms,
    the password form and the bulk delete action alike)."""

    def log_addition(self, request, obj, message):
        record("backoffice.add", request=request, target=obj, organization=_company_of(obj))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record(
            "backoffice.change",
            request=request,
            target=obj,
            organization=_company_of(obj),
            changes={"fields": _fields_of(message), "details": message},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record("backoffice.delete", request=request, target=obj, organization=_company_of(obj))
        return super().log_deletions(request, queryset)


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The base of every back-office page that can change data."""


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "organization",
        "actor_label",
        "action",
        "target_label",
        "ip_address",
    )
    list_filter = ("action", "organization")
    search_fields = ("actor_label", "action", "target_label")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
