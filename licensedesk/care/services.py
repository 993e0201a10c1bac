from datetime import date, timedelta

from django.db import transaction

from licensedesk.care import status
from licensedesk.care.models import CareLevel, CarePeriod
from licensedesk.core.errors import ServiceError


@transaction.atomic
def add_period(license, level: str, ends_on: date, starts_on: date | None = None) -> CarePeriod:
    """Issue or renew Care: a new period (history is never edited), now the license's current
    Care. A renewal starts the day after the previous period ends, or today if it lapsed."""
    if level not in CareLevel.values:
        raise ServiceError(
            f"Care level must be one of {', '.join(CareLevel.values)}.", code="invalid_care_level"
        )
    if starts_on is None:
        last = license.care_periods.order_by("-ends_on").first()
        starts_on = status.today()
        if last is not None and last.ends_on >= starts_on:
            starts_on = last.ends_on.fromordinal(last.ends_on.toordinal() + 1)
    if ends_on < starts_on:
        raise ServiceError("Care cannot end before it starts.", code="invalid_care_period")
    period = CarePeriod.objects.create(
        license=license, level=level, starts_on=starts_on, ends_on=ends_on
    )
    license.care_starts_on = unbroken_start(license, starts_on, ends_on)
    license.care_level = level
    license.care_ends_on = ends_on
    license.save(update_fields=["care_level", "care_starts_on", "care_ends_on"])
    return period


def unbroken_start(license, starts_on: date, ends_on: date) -> date | None:
    """The first day of Care once a period starts_on..ends_on is added: the license's current
    Care goes on unbroken if the new period touches it (a renewal), else Care starts anew."""
    current_from, current_until = license.care_starts_on, license.care_ends_on
    day = timedelta(days=1)
    touches = current_until is not None and starts_on <= current_until + day
    if touches and current_from is not None:
        touches = ends_on >= current_from - day
    if not touches:
        return starts_on
    return None if current_from is None else min(current_from, starts_on)
