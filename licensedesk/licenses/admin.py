from django import forms
from django.contrib import admin
from django.db.models import Q

from licensedesk.accounts.models import Organization
from licensedesk.audit.admin import AuditedModelAdmin
from licensedesk.care import status as care_status
from licensedesk.care import tiers
from licensedesk.care.models import CareLevel, CarePeriod
from licensedesk.care.services import add_period
from licensedesk.core.paging import CappedPaginator
from licensedesk.licenses import codes, issuing, search
from licensedesk.licenses.models import License, LicenseGrant


class IssueForm(forms.ModelForm):
    care_plus_until = forms.DateField(
        label="Care Plus until", required=False, help_text="The last day of Care Plus, if sold."
    )
    care_premium_until = forms.DateField(
        label="Care Premium until",
        required=False,
        help_text="The last day of Care Premium, if sold.",
    )

    class Meta:
        model = License
        fields = ["product", "version", "device_licenses", "addons", "expires_on", "sold_to"]

    def clean(self):
        data = super().clean()
        version, product = data.get("version"), data.get("product")
        if version and product and version.product_id != product.pk:
            self.add_error("version", f"{version} is not a version of {product}.")
        for tier in tiers.TIERS:
            until = data.get(f"care_{tier}_until")
            if until and until < care_status.today():
                self.add_error(f"care_{tier}_until", "Care cannot end before it starts (today).")
        return data

    def care_to_add(self) -> list[tuple[str, object]]:
        """(level, until) of each tier the vendor gave an end to."""
        return [
            (tiers.LEVEL_OF[tier], self.cleaned_data[f"care_{tier}_until"])
            for tier in tiers.TIERS
            if self.cleaned_data.get(f"care_{tier}_until")
        ]


class CarePeriodInline(admin.TabularInline):
    """One tier's Care periods (history is never edited: renew with `licensedesk
    renew-care`)."""

    model = CarePeriod
    extra = 0
    readonly_fields = ("level", "starts_on", "ends_on", "created_at")
    can_delete = False
    level = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(level=self.level)

    def has_add_permission(self, request, obj=None):
        return False


class CarePlusInline(CarePeriodInline):
    verbose_name_plural = "Care Plus periods"
    level = CareLevel.PLUS


class CarePremiumInline(CarePeriodInline):
    verbose_name_plural = "Care Premium periods"
    level = CareLevel.PREMIUM


class CareBasicInline(CarePeriodInline):
    verbose_name_plural = "Care Basic periods (history: Basic no longer ends)"
    level = CareLevel.BASIC


class CareLevelFilter(admin.SimpleListFilter):
    """Licenses with Care of a tier, as of today (active, ending or not started yet): from
    the tiers' choices and their indexed end dates, never a scan for distinct values."""

    title = "Care"
    parameter_name = "care"

    def lookups(self, request, model_admin):
        return tiers.CHOICES

    def queryset(self, request, queryset):
        tier = tiers.tier_of(self.value())
        if tier is None:
            return queryset
        return queryset.filter(**{f"{tiers.ends_field(tier)}__gte": care_status.today()})


@admin.register(License)
class LicenseAdmin(AuditedModelAdmin):
    list_display = (
        "code",
        "product",
        "version",
        "device_licenses",
        "care_plus_ends_on",
        "care_premium_ends_on",
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
        "care_plus_ends_on",
        "care_plus_starts_on",
        "care_premium_ends_on",
        "care_premium_starts_on",
    )
    autocomplete_fields = ("sold_to",)
    inlines = [CarePlusInline, CarePremiumInline, CareBasicInline]

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
                "care_plus_until",
                "care_premium_until",
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
        if not change:
            for level, until in form.care_to_add():
                add_period(obj, level, until)

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
