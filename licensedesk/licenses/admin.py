from django import forms
from django.contrib import admin

from licensedesk.audit.admin import AuditedModelAdmin
from licensedesk.care.models import CareLevel, CarePeriod
from licensedesk.care.services import add_period
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
    list_filter = ("product", "care_level", "organization")
    search_fields = ("code", "description", "customer__name", "organization__name")
    list_select_related = ("product", "version", "sold_to", "organization", "customer")
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


@admin.register(LicenseGrant)
class LicenseGrantAdmin(AuditedModelAdmin):
    list_display = ("license", "user", "granted_by", "created_at")
    search_fields = ("license__code", "user__email")
    list_select_related = ("license", "user", "granted_by")
    raw_id_fields = ("license", "user", "granted_by")
