"""The iCalendar feed (RFC 5545) of Care end dates, behind a secret, revocable URL."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from licensedesk import access
from licensedesk.audit.services import record
from licensedesk.care.models import CalendarFeed


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def new_feed(user, request=None) -> str:
    """Revoke the user's current feed and make a new one; returns its secret (shown once)."""
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    secret = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, digest=_digest(secret))
    record("calendar.create", request=request, actor=user)
    return secret


@transaction.atomic
def revoke_feed(user, request=None) -> None:
    if CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    ):
        record("calendar.revoke", request=request, actor=user)


def user_for_feed(secret: str):
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start = [], 0
    while start < len(data):
        end = min(start + (75 if not parts else 74), len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # don't split a character
            end -= 1
        parts.append(data[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def feed_lines(user, base_url: str):
    """The calendar, line by line: one all-day event per Care end date the user may see."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    yield "BEGIN:VCALENDAR"
    yield "VERSION:2.0"
    yield "PRODID:-//licensedesk//Care end dates//EN"
    yield "CALSCALE:GREGORIAN"
    yield "X-WR-CALNAME:Care end dates"
    licenses = (
        access.licenses_visible_to(user)
        .filter(care_ends_on__isnull=False)
        .select_related("product", "customer")
        .order_by("care_ends_on", "code")
    )
    for lic in licenses.iterator(chunk_size=2000):
        day = lic.care_ends_on
        customer = lic.customer.name if lic.customer_id else "Unspecified"
        yield "BEGIN:VEVENT"
        yield f"UID:care-{lic.code}-{day:%Y%m%d}@licensedesk"
        yield f"DTSTAMP:{stamp}"
        yield f"DTSTART;VALUE=DATE:{day:%Y%m%d}"
        yield _fold("SUMMARY:" + _escape(f"Care ends: {lic.code} ({customer})"))
        what = f"{lic.care_level} Care of {lic.product.name} for {customer} ends."
        yield _fold("DESCRIPTION:" + _escape(f"{what} {lic.description}".strip()))
        yield _fold(f"URL:{base_url}/licenses/{lic.code}/")
        yield "END:VEVENT"
    yield "END:VCALENDAR"
