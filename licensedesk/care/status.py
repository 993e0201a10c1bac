"""Care status of a license: active, ends soon, expired, or no Care."""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

ENDING_WITHIN_DAYS = 90

ACTIVE, ENDING, EXPIRED, NONE = "active", "ending", "expired", "none"
LABELS = {
    ACTIVE: "Active",
    ENDING: f"Ends within {ENDING_WITHIN_DAYS} days",
    EXPIRED: "Expired",
    NONE: "No Care",
}
CHOICES = list(LABELS.items())


def today() -> date:
    return timezone.localdate()


def status_of(ends_on: date | None, on: date | None = None) -> str:
    if ends_on is None:
        return NONE
    on = on or today()
    if ends_on < on:
        return EXPIRED
    if ends_on <= on + timedelta(days=ENDING_WITHIN_DAYS):
        return ENDING
    return ACTIVE


def status_q(status: str, field: str = "care_ends_on", on: date | None = None) -> Q:
    """The same rule as `status_of`, as a query condition."""
    on = on or today()
    soon = on + timedelta(days=ENDING_WITHIN_DAYS)
    if status == NONE:
        return Q(**{f"{field}__isnull": True})
    if status == EXPIRED:
        return Q(**{f"{field}__lt": on})
    if status == ENDING:
        return Q(**{f"{field}__gte": on, f"{field}__lte": soon})
    if status == ACTIVE:
        return Q(**{f"{field}__gt": soon})
    raise ValueError(f"Unknown Care status {status!r}")
