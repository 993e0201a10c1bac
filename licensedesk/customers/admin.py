from django.contrib import admin

from licensedesk.audit.admin import AuditedModelAdmin
from licensedesk.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(AuditedModelAdmin):
    list_display = ("name", "organization", "created_at")
    search_fields = ("name", "organization__name")
    list_filter = ("organization",)
    list_select_related = ("organization",)
