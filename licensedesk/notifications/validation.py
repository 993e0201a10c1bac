"""Checking what users type into reminders and profiles."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from licensedesk.core.errors import ServiceError
from licensedesk.notifications.events import MAX_LEAD_DAYS

MAX_EXTRA_EMAILS = 50


def clean_lead_times(values) -> list[int]:
    try:
        leads = sorted({int(v) for v in values}, reverse=True)
    except (TypeError, ValueError) as exc:
        raise ServiceError(
            "Lead times are whole numbers of days.", code="invalid_lead_times", field="lead_times"
        ) from exc
    if not leads:
        raise ServiceError(
            "Choose at least one lead time.", code="invalid_lead_times", field="lead_times"
        )
    if any(d < 0 or d > MAX_LEAD_DAYS for d in leads) or len(leads) > 20:
        raise ServiceError(
            f"Lead times are between 0 and {MAX_LEAD_DAYS} days before Care ends (20 at most).",
            code="invalid_lead_times",
            field="lead_times",
        )
    return leads


def clean_emails(values) -> list[str]:
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    emails = []
    for value in values or []:
        email = str(value).strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ServiceError(
                f"{email[:80]} is not a valid email address.",
                code="invalid_email",
                field="extra_emails",
            ) from exc
        if email not in emails:
            emails.append(email)
    if len(emails) > MAX_EXTRA_EMAILS:
        raise ServiceError(
            f"At most {MAX_EXTRA_EMAILS} extra addresses.",
            code="invalid_email",
            field="extra_emails",
        )
    return emails


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def check_webhook_target(url: str) -> None:
    """Webhooks go to public HTTPS addresses only, unless the site allows private ones
    (tests, or a site whose receivers live inside its network). Checked when the URL is saved
    and again before each delivery (the name may resolve elsewhere by then)."""
    parts = urlsplit(url)
    allow_private = settings.ALLOW_PRIVATE_WEBHOOKS
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise ServiceError(
            "Webhook URLs must start with https://.",
            code="invalid_webhook_url",
            field="webhook_url",
        )
    if not parts.hostname or parts.username or parts.password:
        raise ServiceError(
            "Give a webhook URL with a host name and no credentials.",
            code="invalid_webhook_url",
            field="webhook_url",
        )
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ServiceError(
            "The webhook's host name does not resolve.",
            code="invalid_webhook_url",
            field="webhook_url",
        ) from exc
    if any(_is_private(info[4][0]) for info in infos):
        raise ServiceError(
            "Webhook URLs may not point at private, loopback or link-local addresses.",
            code="invalid_webhook_url",
            field="webhook_url",
        )


def clean_webhook_url(url) -> str:
    url = str(url or "").strip()
    if not url:
        return ""
    if len(url) > 500:
        raise ServiceError(
            "The webhook URL is too long.", code="invalid_webhook_url", field="webhook_url"
        )
    check_webhook_target(url)
    return url
