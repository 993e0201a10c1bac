"""Checking what users type into reminders and profiles."""

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from licensedesk.core.errors import ServiceError
from licensedesk.notifications.events import MAX_GRACE_LEAD_DAYS, MAX_LEAD_DAYS

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


def clean_grace_lead_days(values) -> list[int]:
    """Days before a grace period ends that "Grace ending" fires: 1 to 90, ten at most."""
    refused = ServiceError(
        f"Grace lead times are whole numbers of days from 1 to {MAX_GRACE_LEAD_DAYS} "
        "(ten at most).",
        code="invalid_lead_times",
        field="grace_lead_days",
    )
    try:
        leads = sorted({int(v) for v in values}, reverse=True)
    except (TypeError, ValueError) as exc:
        raise refused from exc
    if not leads or len(leads) > 10 or any(not 1 <= d <= MAX_GRACE_LEAD_DAYS for d in leads):
        raise refused
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


# NAT64 prefixes (RFC 6052, RFC 8215): the IPv4 address in the last 32 bits is where the
# packets end up, so it is the one judged. The local-use one is never public by itself.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")  # 0.x.y.z reaches this host on Linux
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")


def address_allowed(address: str) -> bool:
    """May a webhook connect to this IP address? Public unicast only, unless the site allows
    private and loopback ones (ALLOW_PRIVATE_WEBHOOKS); link-local, multicast, reserved and
    unspecified never. IPv6 forms carrying an IPv4 address are judged by that address too.
    Used when a webhook URL is saved and before each delivery."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    allow_private = settings.ALLOW_PRIVATE_WEBHOOKS
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return address_allowed(str(ip.ipv4_mapped))
        if ip in _NAT64 or ip in _NAT64_LOCAL:
            ipv4 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            return address_allowed(str(ipv4)) and (ip in _NAT64 or allow_private)
        embedded = [ip.sixtofour] if ip.sixtofour else []
        embedded += list(ip.teredo or ())  # Teredo: its server and (un-obfuscated) client
        if not all(address_allowed(str(v4)) for v4 in embedded):
            return False
    elif ip in _THIS_NETWORK:
        return False
    if ip.is_multicast or ip.is_unspecified or ip.is_link_local:
        return False
    if ip.is_loopback:  # ::1 sits in the reserved ::/8
        return allow_private
    return not ip.is_reserved and (ip.is_global or allow_private)


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: where to connect (the addresses resolved and checked once) and
    what to ask for there."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


class TargetRefused(ServiceError):
    """A webhook URL that may not be used; `reason` is the short text of the delivery log."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message, code="invalid_webhook_url", field="webhook_url")
        self.reason = reason or message


def webhook_target(url: str) -> Target:
    """Check a webhook URL and resolve its host once: HTTPS (plain HTTP too if the site
    allows private addresses), no credentials, and every address it resolves to allowed.
    The sender connects to these addresses only, so the name cannot resolve elsewhere later."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused("The webhook URL is not valid.") from exc
    if parts.scheme != "https" and not (settings.ALLOW_PRIVATE_WEBHOOKS and parts.scheme == "http"):
        raise TargetRefused("Webhook URLs must start with https://.")
    if not parts.hostname or parts.username or parts.password:
        raise TargetRefused("Give a webhook URL with a host name and no credentials.")
    if _URL_FORBIDDEN.search(url):
        raise TargetRefused("The webhook URL may not contain spaces or control characters.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(
            "The webhook's host name does not resolve.", reason="name not resolved"
        ) from exc
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not addresses or not all(address_allowed(address) for address in addresses):
        raise TargetRefused(
            "Webhook URLs may not point at private, loopback, link-local or other "
            "special-purpose addresses.",
            reason="address not allowed",
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses)


def clean_webhook_url(url) -> str:
    url = str(url or "").strip()
    if not url:
        return ""
    if len(url) > 500:
        raise ServiceError(
            "The webhook URL is too long.", code="invalid_webhook_url", field="webhook_url"
        )
    webhook_target(url)
    return url
