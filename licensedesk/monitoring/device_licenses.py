"""An installation's device licenses as its latest report counts them (kept on its Health
row): activated, in grace (recording until their grace period ends), grace expired (not
recording), not licensed, and the changes the VMS allows without activation. The filters
of the Installations page and the Dashboard's count are these queries, so that a count and
the list behind it agree."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q

GRACE_SOON = timedelta(days=7)  # the Dashboard counts grace periods ending this soon

# The Installations page's "Device licenses" filter: value -> label.
FILTERS = {
    "in_grace": "Devices in grace",
    "grace_ending": "Grace ends within 7 days",
    "grace_expired": "Grace expired",
    "no_changes_left": "No changes without activation left",
}


def filter_q(value: str, now: datetime, path: str = "health__") -> Q | None:
    """The rows of the filter `value` (None: no such filter), their Health row at `path`."""
    if value == "in_grace":
        return Q(**{f"{path}devices_in_grace__gt": 0})
    if value == "grace_ending":
        return grace_ending_q(now, path)
    if value == "grace_expired":
        return Q(**{f"{path}devices_grace_expired__gt": 0})
    if value == "no_changes_left":
        return Q(
            **{
                f"{path}changes_allowed__gt": 0,
                f"{path}changes_used__gte": F(f"{path}changes_allowed"),
            }
        )
    return None


def grace_ending_q(now: datetime, path: str = "health__") -> Q:
    """Devices in grace whose grace period ends within 7 days (or ended since the report)."""
    return Q(**{f"{path}devices_in_grace__gt": 0, f"{path}grace_ends_at__lte": now + GRACE_SOON})


def time_until(delta: timedelta) -> str:
    """ "3 days", "20 hours", "45 minutes": how soon, as people say it (to the nearest)."""
    hours = delta.total_seconds() / 3600
    if hours >= 47.5:
        return f"{round(hours / 24)} days"
    if hours >= 1:
        n = round(hours)
        return f"{n} hour{'' if n == 1 else 's'}"
    minutes = max(1, round(hours * 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


@dataclass
class DeviceLicenses:
    activated: int
    in_grace: int
    grace_expired: int
    not_licensed: int
    grace_ends_at: datetime | None
    changes_used: int | None
    changes_allowed: int | None
    now: datetime

    @classmethod
    def of(cls, health, now) -> "DeviceLicenses | None":
        """What the installation's latest report counted (None: it did not count them)."""
        if health is None or health.devices_activated is None:
            return None
        return cls(
            health.devices_activated,
            health.devices_in_grace,
            health.devices_grace_expired,
            health.devices_not_licensed,
            health.grace_ends_at,
            health.changes_used,
            health.changes_allowed,
            now,
        )

    @property
    def stops_recording(self) -> str:
        """ "cameras stop recording in 3 days", or that the end has passed since the report."""
        if not self.in_grace or self.grace_ends_at is None:
            return ""
        if self.grace_ends_at <= self.now:
            return "their grace period has ended: cameras stop recording (the next report tells)"
        return f"cameras stop recording in {time_until(self.grace_ends_at - self.now)}"

    @property
    def no_changes_left(self) -> bool:
        return bool(self.changes_allowed) and self.changes_used >= self.changes_allowed

    @property
    def needs_activation(self) -> bool:
        return bool(self.in_grace or self.grace_expired or self.no_changes_left)
