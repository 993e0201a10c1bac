from django.contrib import admin

from licensedesk.audit.models import AuditEvent


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
