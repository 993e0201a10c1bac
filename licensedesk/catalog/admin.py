from django.contrib import admin

from licensedesk.audit.admin import AuditedModelAdmin
from licensedesk.catalog.models import Product, ProductVersion


class VersionInline(admin.TabularInline):
    model = ProductVersion
    extra = 1


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [VersionInline]
