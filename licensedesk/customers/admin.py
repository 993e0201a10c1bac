from django.contrib import admin

from licensedesk.audit.admin import AuditedModelAdmin
from licensedesk.customers.models import Customer
from licensedesk.licenses import search
from licensedesk.licenses.models import License


@admin.register(Customer)
class CustomerAdmin(AuditedModelAdmin):
    list_display = ("name", "organization", "created_at")
    search_fields = ("name", "organization__name")
    list_filter = ("organization",)
    list_select_related = ("organization",)

    # A customer's name is in the search documents of its licenses (`licenses.search`).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search.refresh(obj.licenses.all())

    def delete_model(self, request, obj):
        self.delete_queryset(request, Customer.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        licenses = list(License.objects.filter(customer__in=queryset).values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        search.refresh_ids(licenses)
