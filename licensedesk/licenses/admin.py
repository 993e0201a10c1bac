from django import forms
from django.contrib import admin
from django.db.models import Q

from licensedesk.accounts.models import Organization
from licensedesk.audit.admin import AuditedModelAdmin
from licensedesk.care.models import CareLevel, CarePeriod
from licensedesk.care.services import add_period
from licensedesk.core.paging import CappedPaginator
from licensedesk.licenses import codes, issuing, search
from licensedesk.licenses.models import License, LicenseGrant


class IssueForm(forms.ModelForm):
    care_level = forms.ChoiceField(choices=[("", "No Care")] + CareLevel.choices, required=False)
    care_ends_on = forms.DateField(required=False, help_text="The last day of Care.")

    class Meta:
        model = License
        fields = ["product", "version", "device_licenses", "addons", "expires_on", "sold_to"]

    def clean(self):
        data = super().clean()
        version, product = data.get("version"), data.get("product")
        if version and product and version.product_id != product.pk:
            self.add_error("version", f"{version} is not a version of {product}.")
        if bool(data.get("care_level")) != bool(data.get("care_ends_on")):
            self.add_error("care_ends_on", "Give both a Care level and its end, or neither.")
        return data


class CarePeriodInline(admin.TabularInline):
    model = CarePeriod
    extra = 0
    readonly_fields = ("level", "starts_on", "ends_on", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # renew with the action below or `licensedesk renew-care`: never edit history


class CareLevelFilter(admin.SimpleListFilter):
    """The Care levels from their choices: Django's default would read every license's level
    to find the distinct ones."""

    title = "Care level"
    parameter_name = "care_level"

    def lookups(self, request, model_admin):
        return CareLevel.choices

    def queryset(self, request, queryset):
        return queryset.filter(care_level=self.value()) if self.value() else queryset


@admin.register(License)
class LicenseAdmin(AuditedModelAdmin):
    list_display = (
        "code",
        "product",
        "version",
        "device_licenses",
        "care_level",
        "care_ends_on",
        "sold_to",
        "organization",
        "customer",
        "registered_at",
    )
    # No filter by partner: two thousand of them are found by the search instead.
    list_filter = ("product", CareLevelFilter)
    # Searched by get_search_results (the search document and partners' names); Django's
    # own search would OR icontains over four joined columns and read every license.
    search_fields = ("code",)
    search_help_text = "Every word must match the SLC, product, customer, description or partner."
    paginator = CappedPaginator
    list_per_page = 50  # rendering the admin's rows is most of a page's time
    show_full_result_count = False
    list_select_related = ("product", "version__product", "sold_to", "organization", "customer")
    readonly_fields = (
        "code",
        "sequence",
        "issued_at",
        "organization",
        "customer",
        "description",
        "registered_by",
        "registered_at",
        "devices_used",
        "care_level",
        "care_ends_on",
    )
    autocomplete_fields = ("sold_to",)
    inlines = [CarePeriodInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = IssueForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "product",
                "version",
                "device_licenses",
                "addons",
                "care_level",
                "care_ends_on",
                "expires_on",
                "sold_to",
            ]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.sequence = issuing._next_sequence(obj.product, obj.version)
            obj.code = codes.make_code(
                issuing.issuer(), obj.product.code, obj.version.code, obj.sequence
            )
        super().save_model(request, obj, form, change)
        search.refresh_ids([obj.pk])
        if not change and form.cleaned_data.get("care_level"):
            add_period(obj, form.cleaned_data["care_level"], form.cleaned_data["care_ends_on"])

    def get_search_results(self, request, queryset, search_term):
        """Licenses that every word matches in their search document (SLC, product, version,
        customer, description; its trigram index on PostgreSQL), or whose partner's name (that
        registered them or that they were sold to) holds the whole search."""
        words = search.words_of(search_term)
        if not words:
            return queryset, False
        matches = Q()
        for word in words:
            matches &= Q(search_document__contains=word)
        term = " ".join(search_term.split())
        partners = list(
            Organization.objects.filter(name__icontains=term).values_list("pk", flat=True)
        )
        if partners:
            matches |= Q(organization_id__in=partners) | Q(sold_to_id__in=partners)
        return queryset.filter(matches), False


@admin.register(LicenseGrant)
class LicenseGrantAdmin(AuditedModelAdmin):
    list_display = ("license", "user", "granted_by", "created_at")
    search_fields = ("license__code", "user__email")
    list_select_related = ("license", "user", "granted_by")
    raw_id_fields = ("license", "user", "granted_by")
