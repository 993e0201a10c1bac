"""What every user manages for themselves: profile, password, personal access tokens."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from licensedesk.accounts import services, tokens
from licensedesk.accounts.forms import ChangePasswordForm, ProfileForm, TokenForm
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
            _, secret = tokens.create_token(
                request.user, form.cleaned_data["name"], request=request
            )
        except ratelimit.RateLimited as exc:
            return too_many_requests(request, exc)
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
