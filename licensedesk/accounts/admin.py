from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError

from licensedesk.accounts.models import Organization, PersonalAccessToken, User
from licensedesk.accounts.views.auth import LOGIN_FAILURES_PER_ACCOUNT, take_attempt
from licensedesk.audit.services import record
from licensedesk.core import ratelimit


class BackofficeLoginForm(AdminAuthenticationForm):
    """The back office's login, under the same brute-force limits and audit as the app's."""

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        try:
            take_attempt(self.request, email)
        except ratelimit.RateLimited as exc:
            record("login.throttled", request=self.request, actor_label=email)
            raise ValidationError(
                f"Too many attempts. Try again in {exc.retry_after} seconds.", code="throttled"
            ) from exc
        try:
            data = super().clean()
        except ValidationError:
            record("login.failed", request=self.request, actor_label=email)
            raise
        ratelimit.give_back("login-account", email, LOGIN_FAILURES_PER_ACCOUNT)
        record("login", request=self.request, actor=self.get_user())
        return data


admin.site.login_form = BackofficeLoginForm


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "country", "is_active", "created_at")
    search_fields = ("name", "slug", "country")
    list_filter = ("is_active", "country")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "organization",
        "role",
        "is_company_admin",
        "is_active",
        "is_staff",
    )
    list_filter = ("role", "is_company_admin", "is_active", "is_staff", "organization")
    search_fields = ("email", "first_name", "last_name", "organization__name")
    list_select_related = ("organization",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "phone", "job_title")}),
        ("Company", {"fields": ("organization", "role", "is_company_admin")}),
        (
            "Vendor staff",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined", "deactivated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "organization",
                    "role",
                    "is_company_admin",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at")
    search_fields = ("name", "user__email")

    def has_add_permission(self, request):
        return False
