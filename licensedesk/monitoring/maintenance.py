"""Maintenance windows: a technician on site pauses an installation's monitoring alerts for
a window (from–to) or a snooze (an hour, a day); alerts resume by themselves once it ends.
The state is still watched and shown meanwhile; a change that still holds when the window
ends is alerted then (`alerts.send_alerts`), and so are the grace alerts that are still
relevant (`grace.py`)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from licensedesk.audit.services import record
from licensedesk.core.errors import ServiceError
from licensedesk.monitoring.models import Maintenance

SNOOZES = {"1h": timedelta(hours=1), "1d": timedelta(days=1)}
LONGEST = timedelta(days=30)
FURTHEST_START = timedelta(days=365)


def current(installation, now=None) -> Maintenance | None:
    """The installation's window, on or planned; None when there is none or it is over."""
    window = getattr(installation, "maintenance", None)
    now = now or timezone.now()
    return window if window is not None and not window.is_over(now) else None


def in_maintenance_q(now, installation_path: str = "installation") -> Q:
    """Rows whose installation (at `installation_path`) is in maintenance at `now`."""
    on = Maintenance.objects.filter(
        installation_id=OuterRef(f"{installation_path}_id" if installation_path else "pk"),
        starts_at__lte=now,
        ends_at__gt=now,
    )
    return Q(Exists(on))


def window_for(snooze: str | None, starts_at, ends_at, now) -> tuple[datetime, datetime]:
    """(start, end) of a snooze ("1h", "1d") from now, or of the window given."""
    if snooze:
        if snooze not in SNOOZES:
            raise ServiceError("Snooze for 1 hour (1h) or 1 day (1d).", field="snooze")
        return now, now + SNOOZES[snooze]
    if starts_at is None or ends_at is None:
        raise ServiceError(
            "Give the window's start and end, or snooze for 1 hour or 1 day.",
            code="invalid_window",
            field="ends_at" if starts_at else "starts_at",
        )
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ServiceError(
            "Give the window's times with their time zone (e.g. 2025-03-01T14:00:00Z).",
            code="invalid_window",
            field="starts_at" if starts_at.tzinfo is None else "ends_at",
        )
    if ends_at <= starts_at:
        raise ServiceError("The end must come after the start.", "invalid_window", "ends_at")
    if ends_at <= now:
        raise ServiceError("The window must end in the future.", "invalid_window", "ends_at")
    if starts_at > now + FURTHEST_START:
        raise ServiceError("Plan maintenance within a year.", "invalid_window", "starts_at")
    if ends_at - max(starts_at, now) > LONGEST:
        raise ServiceError(
            "A maintenance window lasts 30 days at most.", "invalid_window", "ends_at"
        )
    return starts_at, ends_at


@transaction.atomic
def set_maintenance(
    user, installation, *, snooze=None, starts_at=None, ends_at=None, request=None
) -> Maintenance:
    """Pause the installation's alerts for a snooze or a window (replacing any window it
    had). The caller found `installation` among those `user` may manage."""
    now = timezone.now()
    starts_at, ends_at = window_for(snooze, starts_at, ends_at, now)
    window, _ = Maintenance.objects.update_or_create(
        installation=installation,
        defaults={"starts_at": starts_at, "ends_at": ends_at, "created_by": user},
    )
    record(
        "monitoring.maintenance",
        request=request,
        actor=user,
        target=installation,
        changes={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return window


@transaction.atomic
def end_maintenance(user, installation, request=None) -> bool:
    """End (or call off) the installation's window: alerts resume now. False if it had none."""
    window = current(installation)
    Maintenance.objects.filter(installation=installation).delete()
    if window is None:
        return False
    record("monitoring.maintenance_end", request=request, actor=user, target=installation)
    return True
