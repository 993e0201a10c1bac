from datetime import date, timedelta

from django.db import transaction

from licensedesk.care import status, tiers
from licensedesk.care.models import CarePeriod
from licensedesk.core.errors import ServiceError


@transaction.atomic
def add_period(license, level: str, ends_on: date, starts_on: date | None = None) -> CarePeriod:
    """Issue or renew one Care tier (`level`: Plus or Premium, any case): a new period
    (history is never edited), now that tier's current Care; the other tier is untouched. A
    renewal starts the day after the tier's previous period ends, or today if it lapsed.

    The one code path that writes Care periods: it keeps the license's per-tier columns."""
    level = tiers.level_of(level)
    tier = tiers.TIER_OF_LEVEL[level]
    ends, starts = tiers.ends_field(tier), tiers.starts_field(tier)
    # The tier's current Care as stored, the row locked: two renewals at once chain up.
    current_from, current_until = (
        type(license).objects.select_for_update().filter(pk=license.pk).values_list(starts, ends)
    ).get()
    if starts_on is None:
        last = license.care_periods.filter(level=level).order_by("-ends_on").first()
        starts_on = status.today()
        if last is not None and last.ends_on >= starts_on:
            starts_on = last.ends_on + timedelta(days=1)
    if ends_on < starts_on:
        raise ServiceError("Care cannot end before it starts.", code="invalid_care_period")
    period = CarePeriod.objects.create(
        license=license, level=level, starts_on=starts_on, ends_on=ends_on
    )
    setattr(license, starts, unbroken_start(current_from, current_until, starts_on, ends_on))
    setattr(license, ends, ends_on)
    license.save(update_fields=[starts, ends])
    return period


def unbroken_start(
    current_from: date | None, current_until: date | None, starts_on: date, ends_on: date
) -> date | None:
    """The first day of a tier's Care once a period starts_on..ends_on is added to its current
    Care (current_from..current_until): it goes on unbroken if the new period touches it (a
    renewal), else Care starts anew."""
    day = timedelta(days=1)
    touches = current_until is not None and starts_on <= current_until + day
    if touches and current_from is not None:
        touches = ends_on >= current_from - day
    if not touches:
        return starts_on
    return None if current_from is None else min(current_from, starts_on)
