"""Emails of the accounts app, sent by the worker. Links are made at send time, so no secret
waits in the outbox."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from licensedesk.accounts import links
from licensedesk.accounts.models import User
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
