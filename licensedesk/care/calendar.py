"""The iCalendar feed (RFC 5545) of Care end dates, behind a secret, revocable URL."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from licensedesk import access
from licensedesk.accounts.backends import EmailBackend
from licensedesk.audit.services import record
from licensedesk.care import tiers
from licensedesk.care.models import CalendarFeed
from licensedesk.core import text
from licensedesk.licenses.export import in_chunks


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
        CalendarFeed.objects.select_related("user__organization")
        .filter(digest=_digest(secret), revoked_at__isnull=True)
        .first()
    )
    # Whoever may no longer log in (user or company deactivated) gets no feed either.
    if feed is None or not EmailBackend().user_can_authenticate(feed.user):
        return None
    return feed.user


CHUNK = 2000  # licenses read at a time: constant memory without a server-side cursor


def _calendar_ends() -> tuple[bytes, bytes]:
    """The calendar's own lines before and after its events."""
    cal = Calendar()
    cal.add("prodid", "-//licensedesk//Care end dates//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Care end dates")
    cal.add_component(Event())  # a marker where the events go
    head, tail = cal.to_ical().split(Event().to_ical())
    return head, tail


def _event(lic, tier: str, stamp, base_url: str) -> bytes:
    care = tiers.of(lic, tier)
    customer = lic.customer.name if lic.customer_id else "Unspecified"
    what = f"{care.label} of {lic.product.name} for {customer} ends."
    event = Event()
    event.add("uid", f"care-{tier}-{lic.code}-{care.ends_on:%Y%m%d}@licensedesk")
    event.add("dtstamp", stamp)
    event.add("dtstart", care.ends_on)
    event.add("summary", text.normalized(f"{care.label} ends: {lic.code} ({customer})"))
    event.add("description", text.normalized(f"{what} {lic.description}".strip()))
    event.add("url", f"{base_url}/licenses/{lic.code}/")
    return event.to_ical()


def feed(user, base_url: str):
    """The calendar (RFC 5545, written by the icalendar library), in pieces: one all-day
    event per Care tier end date the user may see (Care Plus, then Care Premium, each by
    date), read in chunks (`in_chunks`)."""
    head, tail = _calendar_ends()
    yield head
    stamp = timezone.now()
    visible = access.licenses_visible_to(user).select_related("product", "customer")
    for tier in tiers.TIERS:
        ends = tiers.ends_field(tier)
        licenses = visible.filter(**{f"{ends}__isnull": False})
        for lic in in_chunks(licenses, ends, False, CHUNK):
            yield _event(lic, tier, stamp, base_url)
    yield tail
