from django.contrib import admin

from licensedesk.audit.admin import AuditedModelAdmin
from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.licenses import search
from licensedesk.licenses.models import License


class VersionInline(admin.TabularInline):
    model = ProductVersion
    extra = 1


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [VersionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Product and version names are in the search documents of their licenses.
        if change and (form.has_changed() or any(f.has_changed() for f in formsets)):
            search.refresh(License.objects.filter(product=form.instance))
