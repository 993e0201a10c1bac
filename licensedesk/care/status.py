"""Care status of a license: active, ends soon, expired, not started yet, or no Care."""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

ENDING_WITHIN_DAYS = 90

ACTIVE, ENDING, EXPIRED, UPCOMING, NONE = "active", "ending", "expired", "upcoming", "none"
LABELS = {
    ACTIVE: "Active",
    ENDING: f"Ends within {ENDING_WITHIN_DAYS} days",
    EXPIRED: "Expired",
    UPCOMING: "Not started yet",
    NONE: "No Care",
}
CHOICES = list(LABELS.items())


def today() -> date:
    return timezone.localdate()


def status_of(ends_on: date | None, on: date | None = None, starts_on: date | None = None) -> str:
    """The status on `on` (today) of Care that ends on `ends_on` and, when known, started or
    starts on `starts_on` (empty: it started before licensedesk kept the start)."""
    if ends_on is None:
        return NONE
    on = on or today()
    if starts_on is not None and starts_on > on:
        return UPCOMING
    if ends_on < on:
        return EXPIRED
    if ends_on <= on + timedelta(days=ENDING_WITHIN_DAYS):
        return ENDING
    return ACTIVE


def label_of(status: str, starts_on: date | None = None) -> str:
    """What a license shows for its Care status: Care not started yet says when it starts."""
    if status == UPCOMING and starts_on is not None:
        return f"Starts on {starts_on.isoformat()}"
    return LABELS[status]


def status_q(status: str, field: str, on: date | None, starts_field: str) -> Q:
    """The same rule as `status_of`, as a query condition on the end date `field` and start
    `starts_field` (of one Care tier: `tiers.status_q`)."""
    on = on or today()
    soon = on + timedelta(days=ENDING_WITHIN_DAYS)
    upcoming = Q(**{f"{starts_field}__gt": on})
    if status == NONE:
        return Q(**{f"{field}__isnull": True})
    if status == EXPIRED:
        return Q(**{f"{field}__lt": on})
    if status == UPCOMING:
        return upcoming & Q(**{f"{field}__isnull": False})
    if status == ENDING:
        return Q(**{f"{field}__gte": on, f"{field}__lte": soon}) & ~upcoming
    if status == ACTIVE:
        return Q(**{f"{field}__gt": soon}) & ~upcoming
    raise ValueError(f"Unknown Care status {status!r}")
