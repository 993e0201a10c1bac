from django import forms

from licensedesk.accounts.models import Role, User
from licensedesk.core.errors import ServiceError
from licensedesk.core.forms import Form


class ServiceFormMixin:
    """Show a ServiceError from a service call on the form, at its field when it names one."""

    def add_service_error(self, error: ServiceError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class LoginForm(Form):
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SignUpForm(ServiceFormMixin, Form):
    company_name = forms.CharField(max_length=200)
    country = forms.CharField(max_length=100)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    phone = forms.CharField(max_length=40, required=False)
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Long passphrases are welcome.",
    )


class UserForm(ServiceFormMixin, Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    phone = forms.CharField(max_length=40, required=False)
    job_title = forms.CharField(max_length=100, required=False)
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.LICENSE_USER,
        help_text="License Admins see and manage every license of the company; License Users "
        "see only the licenses granted to them.",
    )
    is_company_admin = forms.BooleanField(
        required=False,
        label="Company administrator",
        help_text="Company administrators manage users and see the activity log.",
    )

    @classmethod
    def for_user(cls, user: User, data=None):
        initial = {f: getattr(user, f) for f in cls.base_fields}
        return cls(data, initial=initial)


class ProfileForm(ServiceFormMixin, Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    phone = forms.CharField(max_length=40, required=False)
    job_title = forms.CharField(max_length=100, required=False)


class SetPasswordForm(ServiceFormMixin, Form):
    password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class ChangePasswordForm(SetPasswordForm):
    current_password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["current_password", "password", "password_again"]


class PasswordResetRequestForm(Form):
    email = forms.EmailField()


class TokenForm(Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “billing sync”.")


class OtpForm(Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class CompanyForm(ServiceFormMixin, Form):
    name = forms.CharField(max_length=200, label="Company name")
    country = forms.CharField(max_length=100)
    require_2fa_for_admins = forms.BooleanField(
        required=False,
        label="Require two-factor authentication for company administrators",
        help_text="Administrators without it are asked to set it up at their next page view.",
    )
