"""Emails of the accounts app, sent by the worker. Links are made at send time, so no secret
waits in the outbox."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from licensedesk.accounts import links, services, signup
from licensedesk.accounts.models import PendingSignup, User
from licensedesk.core.jobs import trims
from licensedesk.outbox.registry import handler


def send_templated(to: str, template: str, context: dict) -> None:
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


@handler("accounts.invitation")
def send_invitation(payload: dict) -> None:
    user = (
        User.objects.select_related("organization")
        .filter(pk=payload["user_id"], is_active=True)
        .first()
    )
    if user is None or user.has_usable_password():
        return  # deactivated, or already accepted: nothing to send
    inviter = User.objects.filter(pk=payload.get("inviter_id")).first()
    token = links.make_token(user, "invitation")
    url = settings.BASE_URL + reverse("accounts:accept_invitation", args=[token])
    send_templated(
        user.email,
        "accounts/email/invitation",
        {
            "user": user,
            "inviter": inviter,
            "url": url,
            "days": settings.INVITATION_MAX_AGE // 86400,
        },
    )


@handler("accounts.password_reset")
def send_password_reset(payload: dict) -> None:
    user = User.objects.filter(pk=payload["user_id"], is_active=True).first()
    if user is None:
        return
    token = links.make_token(user, "password_reset")
    url = settings.BASE_URL + reverse("accounts:reset_password", args=[token])
    send_templated(
        user.email,
        "accounts/email/password_reset",
        {"user": user, "url": url, "minutes": settings.PASSWORD_RESET_MAX_AGE // 60},
    )


@handler("accounts.signup_confirm")
def send_signup_confirmation(payload: dict) -> None:
    pending = signup.live().filter(pk=payload["pending_id"]).first()
    if pending is None or services.email_taken(pending.email):
        return  # expired or confirmed, or the address has an account by now: nothing to send
    url = settings.BASE_URL + reverse("accounts:signup_confirm", args=[signup.make_token(pending)])
    send_templated(
        pending.email,
        "accounts/email/signup_confirm",
        {"pending": pending, "url": url, "hours": signup.HOURS},
    )


@handler("accounts.signup_taken")
def send_signup_taken(payload: dict) -> None:
    """Tell the owner of an address that someone tried to sign up with it (the sign-up form
    answered as for a new address, so as not to reveal the account)."""
    user = User.objects.filter(pk=payload["user_id"]).first()
    if user is None:
        return
    send_templated(
        user.email,
        "accounts/email/signup_taken",
        {
            "user": user,
            "login_url": settings.BASE_URL + reverse("accounts:login"),
            "reset_url": settings.BASE_URL + reverse("accounts:forgot_password"),
        },
    )


@trims("signups")
def trim_signups(now) -> int:
    # A link lives as long as its pending sign-up (signup.py).
    return PendingSignup.objects.filter(created_at__lt=now - signup.MAX_AGE).delete()[0]
