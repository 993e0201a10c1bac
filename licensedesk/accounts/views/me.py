"""What every user manages for themselves: profile, password, personal access tokens."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from licensedesk import access
from licensedesk.accounts import services, tokens, two_factor
from licensedesk.accounts.forms import ChangePasswordForm, OtpForm, ProfileForm, TokenForm
from licensedesk.accounts.models import PersonalAccessToken
from licensedesk.core import ratelimit, secrets_flash
from licensedesk.core.errors import ServiceError
from licensedesk.core.responses import too_many_requests


def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={f: getattr(user, f) for f in ProfileForm.base_fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user, form.cleaned_data, request=request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Your profile was saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def change_password(request):
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["current_password"]):
            form.add_error("current_password", "This is not your current password.")
        else:
            try:
                services.set_password(request.user, form.cleaned_data["password"], request)
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                update_session_auth_hash(request, request.user)  # keep this session only
                messages.success(
                    request,
                    "Your password was changed. Your other sessions and your access tokens "
                    "no longer work.",
                )
                return redirect("accounts:profile")
    return render(request, "accounts/change_password.html", {"form": form})


NEW_TOKEN_COOKIE = "ld_new_token"


def token_list(request):
    """Create and list tokens. A new token's secret is shown once, on the page the POST
    redirects to, so a reload neither creates a second token nor shows it again."""
    path = reverse("accounts:token_list")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.check_can_create_token(request)
            _, secret = tokens.create_token(
                request.user, form.cleaned_data["name"], request=request
            )
        except ratelimit.RateLimited as exc:
            return too_many_requests(request, exc)
        except two_factor.TwoFactorRequired as exc:  # said on the form, audited like a 403
            access.record_refusal(request, exc)
            form.add_error("name", exc.message)
        except ServiceError as exc:
            form.add_error("name", exc.message)
        else:
            response = redirect(path)
            secrets_flash.flash(response, NEW_TOKEN_COOKIE, secret, path)
            return response
    user_tokens = PersonalAccessToken.objects.filter(user=request.user)
    new_secret = secrets_flash.take(request, NEW_TOKEN_COOKIE) if request.method == "GET" else None
    response = render(
        request,
        "accounts/token_list.html",
        {"form": form, "tokens": user_tokens, "new_secret": new_secret},
    )
    secrets_flash.clear(request, response, NEW_TOKEN_COOKIE, path)
    return response


@require_POST
def token_revoke(request, token_id):
    token = get_object_or_404(PersonalAccessToken, pk=token_id, user=request.user)
    tokens.revoke_token(token, request=request)
    messages.success(request, f"The token “{token.name}” was revoked.")
    return redirect("accounts:token_list")


def two_factor_view(request):
    """Turn two-factor authentication on (scan, confirm with a code) or off."""
    user = request.user
    device = two_factor.confirmed_device(user)
    form = OtpForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and form.is_valid():
            try:
                two_factor.disable(user, form.cleaned_data["code"], request=request)
            except ServiceError as exc:
                form.add_error("code" if exc.field else None, exc.message)
            else:
                messages.success(request, "Two-factor authentication is off.")
                return redirect("accounts:profile")
        return render(
            request,
            "accounts/two_factor.html",
            {
                "form": form,
                "enabled": True,
                "required": two_factor.required_for(user),
            },
        )
    pending = two_factor.pending_device(user) or two_factor.start_setup(user)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.confirm(user, pending, form.cleaned_data["code"], request=request)
        except ServiceError as exc:
            form.add_error("code", exc.message)
        else:
            otp_login(request, two_factor.confirmed_device(user))
            messages.success(
                request,
                "Two-factor authentication is on. You'll be asked for a code at every login.",
            )
            return redirect("accounts:profile")
    response = render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "enabled": False,
            "required": two_factor.must_set_up(user),
            "qr": two_factor.qr_svg_data_uri(pending),
            "secret": two_factor.secret_of(pending),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
