from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from licensedesk.accounts import two_factor
from licensedesk.accounts.models import Organization, PersonalAccessToken, User
from licensedesk.accounts.views.auth import LOGIN_FAILURES_PER_ACCOUNT, take_attempt
from licensedesk.audit.admin import AuditedAdminMixin, AuditedModelAdmin
from licensedesk.audit.services import record
from licensedesk.core import ratelimit
from licensedesk.outbox.runner import heartbeat_age


class BackofficeLoginForm(OTPAdminAuthenticationForm):
    """The back office sees every company's data: it takes the password and the one-time code
    of the app's two-factor authentication (staff set it up under Profile in the app), under
    the same brute-force limits and audit as the app's login."""

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
        record("login", request=self.request, actor=self.get_user(), changes={"two_factor": True})
        return data

    def clean_otp(self, user):
        if user is not None and two_factor.confirmed_device(user) is None:
            raise ValidationError(
                "The back office needs two-factor authentication: log in to the app and set "
                "it up under Profile, Two-factor authentication.",
                code="2fa_required",
            )
        super().clean_otp(user)

    def _chosen_device(self, user):
        # Staff have the one authenticator of the app: no device to choose.
        return super()._chosen_device(user) or two_factor.confirmed_device(user)


class BackofficeSite(OTPAdminSite):
    """Only sessions verified by a second factor get in; the front page warns vendor staff
    when no worker is running (nothing sends emails, webhooks or Care reminders then)."""

    def index(self, request, extra_context=None):
        age = heartbeat_age()
        if age is None or age > WORKER_SILENT:
            silent = (
                "No background worker has ever run"
                if age is None
                else f"No background worker has run for {age.total_seconds() / 60:.0f} minutes"
            )
            messages.warning(
                request,
                f"{silent}: emails, webhooks and Care reminders are not being sent. Start "
                "`licensedesk worker` (or `licensedesk serve`).",
            )
        return super().index(request, extra_context)


WORKER_SILENT = timedelta(minutes=2)
admin.site.__class__ = BackofficeSite
admin.site.login_form = BackofficeLoginForm


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "country", "is_active", "created_at")
    search_fields = ("name", "slug", "country")
    list_filter = ("is_active", "country")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
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
class PersonalAccessTokenAdmin(AuditedModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at")
    search_fields = ("name", "user__email")

    def has_add_permission(self, request):
        return False
