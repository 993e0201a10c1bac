"""Signing up, logging in and out, password resets and invitations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from licensedesk.accounts import links, services, signup, two_factor
from licensedesk.accounts.forms import (
    LoginForm,
    OtpForm,
    PasswordResetRequestForm,
    SetPasswordForm,
    SignUpForm,
)
from licensedesk.accounts.models import User
from licensedesk.audit.services import record
from licensedesk.core import ratelimit
from licensedesk.core.errors import ServiceError
from licensedesk.core.net import client_ip
from licensedesk.core.responses import too_many_requests

# Failed logins per account, and login attempts per address.
LOGIN_FAILURES_PER_ACCOUNT = ratelimit.Limit(capacity=5, per_seconds=15 * 60)
LOGIN_ATTEMPTS_PER_ADDRESS = ratelimit.Limit(capacity=30, per_seconds=15 * 60)
SIGNUPS_PER_ADDRESS = ratelimit.Limit(capacity=10, per_seconds=60 * 60)
RESETS_PER_ADDRESS = ratelimit.Limit(capacity=10, per_seconds=60 * 60)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def take_attempt(request, email: str) -> None:
    """Count a login attempt (password or one-time code) against the address and the account
    before checking it, so that concurrent guesses cannot all pass one check; a right answer
    gives the account's token back (`ratelimit.give_back`)."""
    ratelimit.consume("login-address", client_ip(request), LOGIN_ATTEMPTS_PER_ADDRESS)
    ratelimit.consume("login-account", email, LOGIN_FAILURES_PER_ACCOUNT)


@login_not_required
def login_view(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        try:
            take_attempt(request, email)
        except ratelimit.RateLimited as exc:
            record(
                "login.throttled", request=request, actor_label=email, organization=_org_of(email)
            )
            return too_many_requests(request, exc)
        user = authenticate(request, email=email, password=form.cleaned_data["password"])
        if user is not None:
            ratelimit.give_back("login-account", email, LOGIN_FAILURES_PER_ACCOUNT)
        if user is not None and two_factor.confirmed_device(user) is not None:
            # The password was right; the second step decides.
            two_factor.remember_pending(request, user)
            request.session[NEXT_KEY] = _safe_next(request)
            return redirect("accounts:login_verify")
        if user is not None:
            login(request, user)  # rotates the session key
            record("login", request=request, actor=user)
            return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
        record("login.failed", request=request, actor_label=email, organization=_org_of(email))
        form.add_error(None, "The email address or password is not right.")
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


NEXT_KEY = "licensedesk.2fa.next"


@login_not_required
def login_verify_view(request):
    """The second step of a login with two-factor authentication: the app's current code."""
    user_id = two_factor.pending_user_id(request)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect(settings.LOGIN_URL)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            take_attempt(request, user.email)
        except ratelimit.RateLimited as exc:
            record(
                "login.throttled",
                request=request,
                actor_label=user.email,
                organization=user.organization,
            )
            return too_many_requests(request, exc)
        device = two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            ratelimit.give_back("login-account", user.email, LOGIN_FAILURES_PER_ACCOUNT)
            next_url = request.session.get(NEXT_KEY) or settings.LOGIN_REDIRECT_URL
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            otp_login(request, device)
            record("login", request=request, actor=user, changes={"two_factor": True})
            return redirect(next_url)
        record(
            "login.failed",
            request=request,
            actor_label=user.email,
            organization=user.organization,
            changes={"reason": "wrong one-time code"},
        )
        form.add_error("code", "That code is not right.")
    return render(request, "accounts/login_verify.html", {"form": form})


def _org_of(email: str):
    user = User.objects.filter(email=email).select_related("organization").first()
    return user.organization if user else None


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record("logout", request=request)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_not_required
def signup_view(request):
    """The same answer for a new address and a taken one; the email tells them apart."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.consume("signup", client_ip(request), SIGNUPS_PER_ADDRESS)
            email = signup.request_sign_up(**form.cleaned_data)
        except ratelimit.RateLimited as exc:
            return too_many_requests(request, exc)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            context = {"email": email, "hours": signup.HOURS}
            return render(request, "accounts/signup_sent.html", context)
    return render(request, "accounts/signup.html", {"form": form})


@login_not_required
def signup_confirm_view(request, token):
    """The emailed link: a GET only shows what will be created (mail scanners follow links),
    the button's POST creates the company and logs its administrator in."""
    pending = signup.pending_for_token(token)
    if pending is not None and request.method == "POST":
        user = signup.confirm(pending, request=request)
        if user is not None:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, f"Welcome to licensedesk, {user.organization.name}!")
            return redirect(settings.LOGIN_REDIRECT_URL)
        pending = None  # used or taken since the page was shown
    if pending is None:
        return render(request, "accounts/link_invalid.html", {"signup": True}, status=400)
    return render(request, "accounts/signup_confirm.html", {"pending": pending})


@login_not_required
def forgot_password_view(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.consume("password-reset", client_ip(request), RESETS_PER_ADDRESS)
        except ratelimit.RateLimited as exc:
            return too_many_requests(request, exc)
        services.request_password_reset(form.cleaned_data["email"], request=request)
        return render(request, "accounts/forgot_password_sent.html")
    return render(request, "accounts/forgot_password.html", {"form": form})


def _set_password_from_link(request, token, purpose, max_age, template, action, then=None):
    """The form behind an emailed link. `then(request, user)` answers once the password is
    set; by default the user logs in with it."""
    user = links.user_for_token(token, purpose, max_age)
    if user is None:
        return render(request, "accounts/link_invalid.html", status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(user, form.cleaned_data["password"], request, action=action)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            logout(request)
            if then is not None:
                return then(request, user)
            messages.success(request, "Your password is set. You can log in now.")
            return redirect(settings.LOGIN_URL)
    return render(request, template, {"form": form, "link_user": user})


def _log_in_invited(request, user):
    """The invited user has just proved the emailed link and chosen a password: log them in
    rather than ask for it again, through the second step if they already have one, and on
    to setting it up if their company requires it."""
    if two_factor.confirmed_device(user) is not None:
        two_factor.remember_pending(request, user)
        return redirect("accounts:login_verify")
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    record("login", request=request, actor=user, changes={"via": "invitation"})
    if two_factor.must_set_up(user):
        messages.success(
            request,
            "Your password is set. Your company requires two-factor authentication: "
            "set it up to continue.",
        )
        return redirect("accounts:two_factor")
    messages.success(request, f"Welcome to licensedesk, {user.first_name or user.email}!")
    return redirect(settings.LOGIN_REDIRECT_URL)


@login_not_required
def reset_password_view(request, token):
    return _set_password_from_link(
        request,
        token,
        "password_reset",
        settings.PASSWORD_RESET_MAX_AGE,
        "accounts/reset_password.html",
        "password.reset",
    )


@login_not_required
def accept_invitation_view(request, token):
    return _set_password_from_link(
        request,
        token,
        "invitation",
        settings.INVITATION_MAX_AGE,
        "accounts/accept_invitation.html",
        "invitation.accept",
        then=_log_in_invited,
    )
