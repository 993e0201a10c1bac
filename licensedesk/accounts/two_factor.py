"""Optional second factor: time-based one-time passwords (TOTP, RFC 6238) through django-otp.
A user may turn it on; a company may require it of its company administrators."""

import base64
import time

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from licensedesk import access
from licensedesk.audit.services import record
from licensedesk.core.errors import ServiceError

PENDING_KEY = "licensedesk.2fa.pending"  # user id waiting for the second step
PENDING_SECONDS = 300


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def required_for(user) -> bool:
    org = user.organization
    return bool(org and org.require_2fa_for_admins and user.is_company_admin)


def must_set_up(user) -> bool:
    return required_for(user) and confirmed_device(user) is None


class TwoFactorRequired(access.Forbidden):
    """403 for the API while a user who must use 2FA has not set it up or, with the browser
    session, has not passed it: the API is no way around the login's second step. A refusal
    like any other, so it is audited the same way."""

    code = "2fa_required"

    def __init__(self, message: str):
        super().__init__(message, right="two_factor")


def check_api_caller(user, session_verified: bool | None) -> None:
    """Refuse an API caller (`session_verified`: None for a personal token) whom the web UI
    would send to the two-factor page."""
    if not required_for(user):
        return
    if confirmed_device(user) is None:
        raise TwoFactorRequired(
            "Your company requires two-factor authentication: set it up under Profile, "
            "Two-factor authentication, before using the API."
        )
    if session_verified is False:
        raise TwoFactorRequired("Sign in with your two-factor code before using the API.")


def check_can_create_token(request) -> None:
    """A new personal token needs a session that passed the second factor, wherever the user
    has one or must have one: a token is a password that never asks for a code."""
    user = request.user
    if not (required_for(user) or confirmed_device(user) is not None):
        return
    if not getattr(user, "is_verified", lambda: False)():
        raise TwoFactorRequired(
            "Create access tokens from a browser session signed in with your two-factor code."
        )


def start_setup(user) -> TOTPDevice:
    """A new, unconfirmed device (a fresh secret) for the setup page."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as a QR code, inline (no remote image service, CSP-friendly)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def _clean(code) -> str:
    return "".join(str(code or "").split())


@transaction.atomic
def confirm(user, device: TOTPDevice, code, request=None) -> None:
    if not device.verify_token(_clean(code)):
        raise ServiceError(
            "That code is not right. Check the time on your phone and try again.",
            code="invalid_otp",
            field="code",
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record("2fa.enable", request=request, actor=user, target=user)


@transaction.atomic
def disable(user, code, request=None) -> None:
    if required_for(user):
        raise ServiceError(
            "Your company requires two-factor authentication of administrators.",
            code="2fa_required",
        )
    device = confirmed_device(user)
    if device is None:
        return
    if not device.verify_token(_clean(code)):
        raise ServiceError("That code is not right.", code="invalid_otp", field="code")
    TOTPDevice.objects.filter(user=user).delete()
    record("2fa.disable", request=request, actor=user, target=user)


def verify(user, code) -> TOTPDevice | None:
    device = confirmed_device(user)
    if device is not None and device.verify_token(_clean(code)):
        return device
    return None


def remember_pending(request, user) -> None:
    request.session[PENDING_KEY] = {"user": user.pk, "at": time.time()}


def pending_user_id(request) -> int | None:
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    return data.get("user")
